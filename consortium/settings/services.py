"""Reading and changing the association's settings."""

from __future__ import annotations

from flask import current_app, g, has_app_context

from consortium.extensions import db
from consortium.settings.models import AssociationSettings


def get_settings() -> AssociationSettings:
    """The settings row, created with defaults on first use; cached for the request."""
    cached = g.get("_association_settings") if _has_g() else None
    if cached is not None:
        return cached
    settings = db.session.get(AssociationSettings, 1)
    if settings is None:
        settings = AssociationSettings(
            id=1,
            name="Consortium",
            default_language=current_app.config["DEFAULT_LANGUAGE"],
            currency="DKK",
            country="DK",
            timezone="Europe/Copenhagen",
            email="",
        )
        db.session.add(settings)
        db.session.flush()
    if _has_g():
        g._association_settings = settings
    return settings


def update_settings(settings: AssociationSettings, **values) -> AssociationSettings:
    """Change the settings; the audit trail records the old and new values."""
    for key, value in values.items():
        setattr(settings, key, value)
    db.session.flush()
    return settings


def _has_g() -> bool:
    return has_app_context()
