"""The home page and the language switcher."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from consortium import permissions
from consortium.auth import services as auth_services
from consortium.main import bp
from consortium.main.forms import LanguageForm
from consortium.security import is_safe_next


@bp.route("/")
def home():
    """What each kind of user can do here."""
    return render_template("main/home.html")


@bp.route("/language", methods=["POST"])
def language():
    """Switch the language; a signed-in user's choice is kept in their profile."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated and permissions.can(
            current_user, "profile.edit", current_user
        ):
            auth_services.update_profile(current_user, current_user.name, form.language.data)
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
