"""Reading and changing the association's settings."""

from __future__ import annotations

from flask import current_app, g, has_app_context
from sqlalchemy import inspect

from consortium.extensions import db
from consortium.settings.models import AssociationSettings


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
