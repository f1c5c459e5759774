"""The privacy page, a person's export and their anonymisation."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consortium import permissions
from consortium.auth.models import User
from consortium.extensions import db
from consortium.forms import form_view
from consortium.privacy import bp, services
from consortium.privacy.forms import AnonymiseForm


@bp.route("/")
def index():
    """What the app keeps about people, why, who sees it, for how long, and how to ask."""
    return render_template("privacy/index.html")


@bp.route("/users/<int:user_id>/export")
@login_required
def export(user_id: int):
    """Everything the app holds about one person, as a JSON file."""
    user = db.get_or_404(User, user_id)
    permissions.require("privacy.manage", user)
    body = json.dumps(services.personal_data(user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename=personal-data-user-{user.id}.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/users/<int:user_id>/anonymise", methods=["GET", "POST"])
@login_required
@form_view
def anonymise(user_id: int):
    """Confirm, then remove a person's name and contact data, keeping the records that must stay."""
    user = db.get_or_404(User, user_id)
    permissions.require("privacy.manage", user)
    back = redirect(url_for("auth.user_detail", user_id=user.id))
    if user.id == current_user.id:
        flash(_("You cannot anonymise your own account."), "error")
        return back
    if user.is_anonymised:
        flash(_("This person has already been anonymised."), "info")
        return back
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            services.anonymise(user, current_user)
        except services.PrivacyError:
            # Anonymised by someone else while this confirmation was being sent.
            flash(_("This person has already been anonymised."), "info")
            return back
        # The message names only the placeholder: no personal data in the session cookie.
        flash(
            _(
                "The person has been anonymised and is now shown as %(name)s.",
                name=user.display_name,
            ),
            "success",
        )
        return back
    return render_template(
        "privacy/anonymise.html", user=user, form=form, placeholder=user.placeholder_name
    )
