"""The audit trail: written with every change, never with secrets, and never changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from consortium.audit.models import AuditEntry
from consortium.auth.models import User
from consortium.extensions import db
from tests.conftest import PASSWORD, make_user


def entries(record_type: str, record_id) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id))
            .order_by(AuditEntry.id)
        )
    )


def test_invitation_and_deactivation_are_recorded_with_who_and_what(
    secretariat_client, secretariat
):
    secretariat_client.post(
        "/users/invite", data={"email": "audited@example.org", "name": "Audited"}
    )
    user = db.session.scalar(select(User).where(User.email == "audited@example.org"))
    secretariat_client.post(f"/users/{user.id}/deactivate")

    created, deactivated = entries("user", user.id)
    assert created.action == "create"
    assert created.actor_user_id == secretariat.id
    assert created.actor_label == f"user #{secretariat.id}"
    # Names and email addresses are personal: noted as changed, their values not kept.
    assert created.changes["email"] == {"personal": True}
    assert created.changes["name"] == {"personal": True}
    assert created.record_label == f"#{user.id}"
    assert deactivated.action == "update"
    assert deactivated.changes == {"active": {"old": True, "new": False}}


def test_password_changes_are_recorded_without_the_hash(user_client, user):
    user_client.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "password": "another long passphrase",
            "confirm": "another long passphrase",
        },
    )
    change = entries("user", user.id)[-1]
    assert change.changes == {"password_hash": {"redacted": True}}
    stored_hash = db.session.get(User, user.id).password_hash
    every_entry = " ".join(str(entry.changes) for entry in db.session.scalars(select(AuditEntry)))
    assert stored_hash not in every_entry
    assert "scrypt:" not in every_entry


def test_tokens_never_reach_the_audit_trail(client, user):
    client.post("/forgot-password", data={"email": user.email})
    assert all(
        entry.record_type != "user_token" for entry in db.session.scalars(select(AuditEntry))
    )


def test_cli_changes_name_the_command_and_the_operating_system_user(runner):
    runner.invoke(
        args=["users", "create", "--email", "cli@example.org", "--password", "a long cli password"]
    )
    user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
    [created] = entries("user", user.id)
    assert created.actor_user_id is None
    assert created.actor_label.startswith("CLI flask users create (")
    assert "a long cli password" not in created.actor_label


def test_settings_changes_are_recorded(secretariat_client):
    secretariat_client.post(
        "/settings/",
        data={
            "name": "OS2 demo",
            "email": "",
            "default_language": "da",
            "currency": "DKK",
            "country": "dk",
            "timezone": "Europe/Copenhagen",
        },
    )
    change = entries("association_settings", 1)[-1]
    assert change.changes["name"]["new"] == "OS2 demo"
    assert change.changes["default_language"] == {"old": "en", "new": "da"}


def test_a_change_that_fails_leaves_no_entry(app, secretariat_client):
    before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    response = secretariat_client.post(
        "/users/invite", data={"email": "not an address", "name": "X"}
    )
    assert response.status_code == 200
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == before


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET action = 'forged'", "DELETE FROM audit_entry"]
)
def test_the_database_refuses_to_change_the_audit_trail(committed_app, statement):
    with committed_app.app_context():
        make_user("someone@example.org")
        db.session.commit()
        assert db.session.scalar(select(db.func.count(AuditEntry.id))) == 1
        with pytest.raises(DatabaseError, match="append-only"):  # noqa: PT012 - either may raise
            db.session.execute(text(statement))
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(AuditEntry.action)) == "create"


def test_secretariat_reads_the_filtered_list_and_a_record(secretariat_client, secretariat, user):
    secretariat_client.post(f"/users/{user.id}/deactivate")
    page = secretariat_client.get("/audit/?record_type=user&action=create").get_data(as_text=True)
    assert "Ulla User" in page and "Sam Secretariat" in page
    page = secretariat_client.get("/audit/?record_type=user&action=delete").get_data(as_text=True)
    assert "0 entries" in page
    page = secretariat_client.get(f"/audit/user/{user.id}").get_data(as_text=True)
    assert "Ulla User" in page and "Sam Secretariat" in page  # the record, and who changed it
    page = secretariat_client.get("/audit/?actor=nobody-at-all").get_data(as_text=True)
    assert "0 entries" in page
    # The actor is found by their current name or email, which the trail itself does not keep.
    for who in ("sam secretariat", "secretariat@example.org"):
        page = secretariat_client.get(f"/audit/?actor={who}").get_data(as_text=True)
        assert "1 entry" in page


def test_audit_list_query_count_does_not_grow_with_entries(app, secretariat_client, count_queries):
    def count():
        with count_queries() as statements:
            secretariat_client.get("/audit/")
        return len(statements)

    few = count()
    for number in range(20):
        make_user(f"many{number}@example.org")
    assert count() == few


def test_history_is_shown_in_the_readers_language(secretariat_client, user):
    secretariat_client.post(f"/users/{user.id}/deactivate")
    secretariat_client.post("/language", data={"language": "de"})
    page = secretariat_client.get(f"/audit/user/{user.id}").get_data(as_text=True)
    assert "Aktiv" in page and "nein" in page
    assert "is_secretariat" not in page and "True" not in page


def test_long_audit_list_is_paged_and_keeps_the_filter(secretariat_client):
    from consortium.auth import services

    for number in range(55):
        services.create_user(f"paged{number}@example.org", f"Paged {number}")
    db.session.commit()
    first = secretariat_client.get("/audit/?record_type=user").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert (
        'href="/audit/?page=2&amp;record_type=user"' in first
        or 'href="/audit/?record_type=user&amp;page=2"' in first
    )
    second = secretariat_client.get("/audit/?record_type=user&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "Paged 0" in second  # the oldest entries are on the last page


def test_recorded_times_are_shown_for_the_reader(secretariat_client, user):
    page = secretariat_client.get(f"/audit/user/{user.id}").get_data(as_text=True)
    assert "+00:00" not in page


def test_every_audited_record_and_field_has_a_readable_name(app):
    """The trail names records and fields in words a reader knows, never as column names."""
    from consortium.audit.labels import FIELDS, RECORD_TYPES
    from consortium.extensions import db as database

    unnamed = set()
    for mapper in database.Model.registry.mappers:
        model = mapper.class_
        if not getattr(model, "__audited__", False):
            continue
        ignored = getattr(model, "__audit_ignored__", set())
        if model.__tablename__ not in RECORD_TYPES:
            unnamed.add(model.__tablename__)
        unnamed |= {column.key for column in mapper.columns if column.key not in FIELDS} - ignored
    assert unnamed == set()
