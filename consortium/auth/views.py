"""Sign-in, sign-out, passwords, emailed links, the profile and the user administration."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import case, func, or_, select

from consortium import permissions
from consortium.audit.context import user_actor
from consortium.audit.queries import entries_for
from consortium.auth import bp, services, sessions
from consortium.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
)
from consortium.auth.models import User
from consortium.auth.sessions import SESSION_ID_KEY
from consortium.extensions import db
from consortium.forms import form_view
from consortium.listing import Column, Listing
from consortium.security import client_address, is_safe_next


def _clear_session_keeping_language() -> None:
    """Start a fresh session; only the language chosen with the switcher survives."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _start_session(user: User) -> None:
    """Sign the user in with a fresh session, known to the server."""
    _clear_session_keeping_language()
    login_user(user)
    session[SESSION_ID_KEY] = sessions.start(user)
    session.permanent = True


def _throttled_message(result: services.SignInResult) -> str:
    return _(
        "Too many failed sign-in attempts. Please wait %(seconds)d seconds and try again.",
        seconds=result.retry_after_seconds,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@form_view
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        result = services.check_sign_in(form.email.data, form.password.data, client_address())
        if result.user is not None:
            _start_session(result.user)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
        if result.refused == "throttled":
            form.form_errors.append(_throttled_message(result))
            status = 429
        elif result.refused == "deactivated":
            form.form_errors.append(
                _("This account has been deactivated. Please contact the secretariat.")
            )
        else:
            form.form_errors.append(_("The email address or the password is not correct."))
    return render_template("auth/login.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def logout():
    """Sign out (a POST, so another site cannot sign a user out); the session ends on the
    server, so a copy of the cookie stops working too."""
    sessions.end(session.get(SESSION_ID_KEY))
    logout_user()
    _clear_session_keeping_language()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of one's own account, in every browser, this one included."""
    permissions.require("profile.edit", current_user)
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    _clear_session_keeping_language()
    flash(_("You are signed out everywhere, in every browser."), "success")
    return redirect(url_for("main.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@form_view
def forgot_password():
    """Ask for a password reset link; the reply never tells whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, client_address())
        flash(
            _(
                "If %(email)s belongs to an account, we have sent it a link to choose a new password. The link works once, for one hour.",
                email=form.email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _token_page(
    token: str, purpose: str, template: str, done_message: Callable[[], str], sign_in: bool
):
    found = services.find_valid_token(token, purpose)
    if found is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 410
    form = SetPasswordForm()
    form.email_for_check = found.user.email
    if form.validate_on_submit():
        g.audit_actor = user_actor(found.user.id, "emailed link")
        try:
            user = services.use_token(found, form.password.data)
        except services.AccountError:
            return render_template("auth/link_invalid.html", purpose=purpose), 410
        if current_user.is_authenticated:
            logout_user()
        if sign_in:
            # Signed in as by the sign-in page, in a new session; the link was the proof, so
            # no sign-in attempt is recorded.
            services.record_sign_in(user)
            _start_session(user)
            refresh()  # the welcome in the person's own language
            flash(done_message(), "success")
            return redirect(url_for("main.home"))
        flash(done_message(), "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=found.user)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@form_view
def reset_password(token: str):
    """Choose a new password from an emailed reset link."""
    return _token_page(
        token,
        services.RESET,
        "auth/reset_password.html",
        lambda: _("Your password has been changed. Please sign in with the new password."),
        sign_in=False,
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@form_view
def set_password(token: str):
    """Accept an invitation by choosing a password; the person is then signed in."""
    return _token_page(
        token,
        services.INVITE,
        "auth/set_password.html",
        lambda: _("Welcome! Your password is set and you are signed in."),
        sign_in=True,
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@form_view
def profile():
    """Change one's own name and language."""
    permissions.require("profile.edit", current_user)
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.language or ""
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.language.data)
        session.pop("language", None)
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, sign_out_form=ConfirmForm())


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
@form_view
def change_password():
    """Change one's own password; every other session of the user ends."""
    permissions.require("profile.edit", current_user)
    form = ChangePasswordForm()
    form.email_for_check = current_user.email
    status = 200
    if form.validate_on_submit():
        result = services.check_current_password(
            current_user, form.current_password.data, client_address()
        )
        if result.refused == "throttled":
            form.form_errors.append(_throttled_message(result))
            status = 429
        elif result.refused == "wrong":
            form.current_password.errors.append(_("This is not your current password."))
        else:
            services.set_password(current_user, form.password.data)
            # Keep this browser signed in with the new session version.
            _start_session(current_user._get_current_object())
            flash(
                _("Your password has been changed. You have been signed out everywhere else."),
                "success",
            )
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form), status


@bp.route("/users")
@login_required
def users():
    """The list of users, with when each last signed in: searched by name or email, sorted by
    a column, active accounts first until another order is chosen."""
    permissions.require("users.manage")
    listing = Listing(
        "auth.users",
        _user_columns(),
        default_sort="status",
        filters=("q",),
        tie_breakers=(func.lower(User.name), User.email, User.id),
    )
    statement = select(User)
    search = request.args.get("q", "").strip().lower()[:200]
    if search:
        statement = statement.where(
            or_(func.lower(User.name).contains(search), func.lower(User.email).contains(search))
        )
    if listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "users")
    pagination = listing.paginate(statement)
    return render_template(
        "auth/users.html", users=pagination.items, pagination=pagination, listing=listing
    )


def _user_status(user: User) -> str:
    if user.is_anonymised:
        return _("Anonymised")
    if not user.active:
        return _("Deactivated")
    if not user.has_password:
        return _("Invited")
    return _("Active")


def _user_columns() -> list[Column]:
    return [
        Column("name", _l("Name"), func.lower(User.name), lambda user: user.display_name),
        Column("email", _l("Email"), func.lower(User.email), lambda user: user.shown_email),
        Column(
            "role",
            _l("Role"),
            case((User.is_secretariat, 0), else_=1),
            lambda user: _("Secretariat") if user.is_secretariat else _("User"),
        ),
        # Active accounts first, as the list has always shown them.
        Column("status", _l("Status"), case((User.active, 0), else_=1), _user_status),
        Column(
            "last_login",
            _l("Last signed in"),
            User.last_login_at,
            lambda user: (
                user.last_login_at.isoformat(timespec="minutes")
                if user.last_login_at
                else _("Never")
            ),
            descending_first=True,
        ),
    ]


@bp.route("/users/invite", methods=["GET", "POST"])
@login_required
@form_view
def invite():
    """Invite a user by email; they choose their own password."""
    permissions.require("users.manage")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                language=form.language.data or None,
                is_secretariat=form.is_secretariat.data,
            )
        except services.EmailTaken:
            # Invited by someone else (or a second click) while this form was being sent.
            form.email.errors = [
                *form.email.errors,
                _("A user with this email address already exists."),
            ]
        else:
            services.invite_user(user, current_user)
            flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/invite.html", form=form)


@bp.route("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    """One user's account and its history."""
    user = db.get_or_404(User, user_id)
    permissions.require("users.view", user)
    history = (
        entries_for("user", str(user.id)) if permissions.can(current_user, "audit.read") else []
    )
    return render_template("auth/user_detail.html", user=user, history=history, form=ConfirmForm())


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int):
    """Deactivate an account; its sessions end at once."""
    user = db.get_or_404(User, user_id)
    permissions.require("users.manage", user)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        services.set_active(user, False)
        flash(_("%(name)s has been deactivated and signed out.", name=user.display_name), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int):
    """Reactivate an account."""
    user = db.get_or_404(User, user_id)
    permissions.require("users.manage", user)
    if user.is_anonymised:
        flash(_("An anonymised account cannot be reactivated."), "error")
    else:
        services.set_active(user, True)
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/resend-invitation", methods=["POST"])
@login_required
def resend_invitation(user_id: int):
    """Send a new invitation link; the earlier one stops working."""
    user = db.get_or_404(User, user_id)
    permissions.require("users.manage", user)
    if user.has_password:
        flash(_("%(name)s has already accepted the invitation.", name=user.display_name), "info")
    elif not user.active:
        flash(_("Reactivate the account before inviting again."), "error")
    else:
        services.invite_user(user, current_user)
        flash(_("A new invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))
