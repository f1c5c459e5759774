"""The home page and the language switcher."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from consortium import permissions
from consortium.auth import services as auth_services
from consortium.main import bp, contact_home, workqueue
from consortium.main.forms import LanguageForm
from consortium.meetings import queries as meeting_queries
from consortium.security import is_safe_next


@bp.route("/")
def home():
    """The visitor's start: what the app is; for the secretariat its work queue; for a contact
    what their organisations pay, owe and have waiting; for everyone their groups and actions."""
    if not current_user.is_authenticated:
        return render_template("main/home.html")
    permissions.require("home.dashboard")
    return render_template(
        "main/home.html",
        queue=workqueue.for_request(current_user),
        organisations=contact_home.organisation_homes(current_user),
        suppliers=contact_home.supplier_homes(current_user),
        actions=meeting_queries.open_actions_for(current_user.id),
    )


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
