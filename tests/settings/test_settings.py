"""The association's settings: reading never writes, the first save stores them."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium import i18n
from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.settings.models import AssociationSettings
from consortium.settings.services import get_settings
from tests.conftest import make_app, new_database


def _rows() -> int:
    return db.session.scalar(select(func.count(AssociationSettings.id)))


def test_reading_the_settings_writes_nothing(app, client):
    assert client.get("/sign-in").status_code == 200
    settings = get_settings()
    assert (settings.name, settings.currency, settings.timezone) == (
        "Consortium",
        "DKK",
        "Europe/Copenhagen",
    )
    assert _rows() == 0


def test_the_first_save_stores_the_defaults_and_the_change(app, secretariat_client):
    response = secretariat_client.post(
        "/settings/",
        data={
            "name": "OS2",
            "email": "",
            "default_language": "da",
            "currency": "DKK",
            "country": "DK",
            "timezone": "Europe/Copenhagen",
        },
    )
    assert response.status_code == 302
    assert _rows() == 1
    assert db.session.get(AssociationSettings, 1).name == "OS2"
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.record_type == "association_settings")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update"]


def test_before_the_first_migration_the_configured_language_and_utc_apply(tmp_path_factory):
    app = make_app(new_database(tmp_path_factory, "unmigrated"), DEFAULT_LANGUAGE="da")
    with app.test_request_context("/"):
        assert i18n.association_default_language() == "da"
        assert i18n.select_timezone() == "UTC"
    with app.app_context():
        db.engine.dispose()
