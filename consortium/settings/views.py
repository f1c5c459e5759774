"""The secretariat edits the association's settings."""

from __future__ import annotations

import base64

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from consortium import permissions
from consortium.audit.queries import entries_for
from consortium.forms import form_view
from consortium.settings import bp
from consortium.settings.forms import GovernanceSettingsForm, InvoicingSettingsForm, SettingsForm
from consortium.settings.labels import COMPONENT_LABELS
from consortium.settings.models import COMPONENT_KINDS, GOVERNANCE_DEFAULTS
from consortium.settings.services import (
    all_component_vat,
    get_settings,
    update_invoicing,
    update_settings,
)


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


@bp.route("/invoicing", methods=["GET", "POST"])
@login_required
@form_view
def invoicing():
    """The seller's invoicing data: legal name, bank account, terms, number prefixes, logo and
    the VAT of each kind of invoice line."""
    settings = get_settings()
    permissions.require("settings.edit", settings)
    vat = all_component_vat()
    form = InvoicingSettingsForm(
        obj=settings,
        data={
            kind: {
                "vat_category": row.vat_category,
                "vat_rate": row.vat_rate,
                "exemption_code": row.exemption_code,
                "exemption_reason": row.exemption_reason,
            }
            for kind, row in vat.items()
        },
    )
    if form.validate_on_submit():
        update_invoicing(
            settings,
            {kind: _vat_values(sub.form) for kind, sub in form.components()},
            logo=form.logo_content,
            remove_logo=bool(form.remove_logo.data),
            legal_name=(form.legal_name.data or "").strip(),
            iban=form.iban.data,
            bic=form.bic.data,
            payment_terms_days=form.payment_terms_days.data,
            invoice_prefix=form.invoice_prefix.data,
            credit_note_prefix=form.credit_note_prefix.data,
        )
        flash(_("The invoicing settings have been saved."), "success")
        return redirect(url_for("settings.invoicing"))
    logo = None
    if settings.logo_type and settings.logo:
        logo = f"data:{settings.logo_type};base64,{base64.b64encode(settings.logo).decode()}"
    history = [
        *entries_for("association_settings", str(settings.id)),
        *(entry for kind in COMPONENT_KINDS for entry in entries_for("component_vat", kind)),
    ]
    history.sort(key=lambda entry: entry.id, reverse=True)
    return render_template(
        "settings/invoicing.html",
        form=form,
        logo=logo,
        history=history,
        component_labels=COMPONENT_LABELS,
    )


@bp.route("/meetings", methods=["GET", "POST"])
@login_required
@form_view
def meetings():
    """The bylaws' periods of general assemblies and board meetings, from which each such
    meeting's page computes its deadlines."""
    settings = get_settings()
    permissions.require("settings.edit", settings)
    form = GovernanceSettingsForm(obj=settings)
    if form.validate_on_submit():
        update_settings(settings, **{name: form[name].data for name in GOVERNANCE_DEFAULTS})
        flash(_("The meeting deadlines have been saved."), "success")
        return redirect(url_for("settings.meetings"))
    history = [
        entry
        for entry in entries_for("association_settings", str(settings.id))
        if set(entry.changes or {}) & set(GOVERNANCE_DEFAULTS)
    ]
    return render_template("settings/meetings.html", form=form, history=history)


def _vat_values(form) -> dict[str, object]:
    return {
        "vat_category": form.vat_category.data,
        "vat_rate": form.vat_rate.data,
        "exemption_code": form.exemption_code.data or "",
        "exemption_reason": form.exemption_reason.data or "",
    }
