"""Reading and changing the association's settings."""

from __future__ import annotations

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from sqlalchemy import inspect, select

from consortium.extensions import db
from consortium.settings.labels import OUTSIDE_SCOPE_REASON_LABEL, VATEX_LABELS
from consortium.settings.models import (
    COMPONENT_KINDS,
    DEFAULT_CREDIT_NOTE_PREFIX,
    DEFAULT_INVOICE_PREFIX,
    DEFAULT_PAYMENT_TERMS_DAYS,
    GOVERNANCE_DEFAULTS,
    OUTSIDE_SCOPE_REASON,
    AssociationSettings,
    ComponentVat,
    default_component_vat,
)


def get_settings() -> AssociationSettings:
    """The settings row, or the defaults while none has been saved; cached for the request.

    Reading never writes: the row is created when the settings are first saved."""
    cached = g.get("_association_settings") if _has_g() else None
    if cached is not None:
        return cached
    settings = db.session.get(AssociationSettings, 1)
    if settings is None:
        settings = _defaults()
    if _has_g():
        g._association_settings = settings
    return settings


def _defaults() -> AssociationSettings:
    """The settings of an installation that has not saved any, as a row not yet stored."""
    return AssociationSettings(
        id=1,
        name="Consortium",
        default_language=current_app.config["DEFAULT_LANGUAGE"],
        currency="DKK",
        country="DK",
        timezone="Europe/Copenhagen",
        email="",
        address="",
        registration_number="",
        vat_number="",
        legal_name="",
        iban="",
        bic="",
        payment_terms_days=DEFAULT_PAYMENT_TERMS_DAYS,
        invoice_prefix=DEFAULT_INVOICE_PREFIX,
        credit_note_prefix=DEFAULT_CREDIT_NOTE_PREFIX,
        logo_type="",
        **GOVERNANCE_DEFAULTS,
    )


def update_settings(settings: AssociationSettings, **values) -> AssociationSettings:
    """Change the settings; the audit trail records the old and new values.

    The first save stores the defaults first, so that the trail shows them and the change."""
    if inspect(settings).transient:
        db.session.add(settings)
        db.session.flush()
    for key, value in values.items():
        setattr(settings, key, value)
    db.session.flush()
    return settings


def _has_g() -> bool:
    return has_app_context()


def settings_once_migrated() -> AssociationSettings | None:
    """The settings, or None before the first migration has made their table (the language
    and time zone then fall back to the configuration's)."""
    ready = current_app.extensions.setdefault("consortium.settings_table", False)
    if not ready:
        connection = db.session.connection()
        if not inspect(connection).has_table(AssociationSettings.__tablename__):
            return None
        current_app.extensions["consortium.settings_table"] = True
    return get_settings()


def component_vat(component: str) -> ComponentVat:
    """The VAT of a kind of invoice line: as the secretariat set it, else the default."""
    found = db.session.get(ComponentVat, component)
    return found if found is not None else default_component_vat(component)


def standard_exemption_reasons(code: str) -> list:
    """The standard reasons of a VATEX code, as lazy texts: the code's own words, and for
    VATEX-EU-O the reason the settings start with."""
    reasons = [VATEX_LABELS[code]] if code in VATEX_LABELS else []
    if code == "VATEX-EU-O":
        reasons.insert(0, OUTSIDE_SCOPE_REASON_LABEL)
    return reasons


def exemption_reason(vat: ComponentVat, language: str) -> str:
    """The exemption reason a line of this kind carries, in the buyer's language.

    A reason the secretariat left empty, or left as one of the standard English texts of its
    VATEX code, is that standard text translated into ``language``; a reason the secretariat
    wrote itself is kept as written."""
    written = (vat.exemption_reason or "").strip()
    code = vat.exemption_code or ""
    standards = standard_exemption_reasons(code)
    if not standards:
        return written
    with force_locale("en"):
        english = {str(text): text for text in standards}
    if written and written not in english and written != OUTSIDE_SCOPE_REASON:
        return written
    standard = english.get(written, standards[0])
    with force_locale(language):
        return str(standard)


def all_component_vat() -> dict[str, ComponentVat]:
    """The VAT of every kind of invoice line, in the order of COMPONENT_KINDS."""
    stored = {row.component: row for row in db.session.scalars(select(ComponentVat))}
    return {kind: stored.get(kind) or default_component_vat(kind) for kind in COMPONENT_KINDS}


def update_invoicing(
    settings: AssociationSettings,
    vat: dict[str, dict[str, object]],
    *,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    **values,
) -> AssociationSettings:
    """Change the seller's invoicing data and the VAT of each kind of line; every change is in
    the audit trail. ``logo`` is new content and its media type; ``remove_logo`` drops it."""
    if logo is not None:
        values["logo"], values["logo_type"] = logo
    elif remove_logo:
        values["logo"], values["logo_type"] = None, ""
    update_settings(settings, **values)
    for kind, fields in vat.items():
        row = db.session.get(ComponentVat, kind)
        if row is None:
            row = default_component_vat(kind)
            db.session.add(row)
        for key, value in fields.items():
            setattr(row, key, value)
    db.session.flush()
    return settings
