"""The secretariat edits the association's settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from consortium import permissions
from consortium.audit.queries import entries_for
from consortium.forms import form_view
from consortium.settings import bp
from consortium.settings.forms import SettingsForm
from consortium.settings.services import get_settings, update_settings


@bp.route("/", methods=["GET", "POST"])
@login_required
@form_view
def edit():
    """Name, address, numbers, default language, currency, country and time zone."""
    settings = get_settings()
    permissions.require("settings.edit", settings)
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        update_settings(
            settings,
            name=form.name.data.strip(),
            email=(form.email.data or "").strip(),
            address=(form.address.data or "").strip(),
            registration_number=form.registration_number.data or "",
            vat_number=(form.vat_number.data or "").strip().upper().replace(" ", ""),
            default_language=form.default_language.data,
            currency=form.currency.data,
            country=form.country.data,
            timezone=form.timezone.data,
        )
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("settings.edit"))
    history = entries_for("association_settings", str(settings.id))
    return render_template("settings/edit.html", form=form, history=history)
