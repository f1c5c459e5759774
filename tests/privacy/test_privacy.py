"""Personal data: the privacy page, a person's export, and anonymising a person who has left."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from consortium.audit.models import AuditEntry
from consortium.auth import services as auth_services
from consortium.auth.models import LoginAttempt, User, UserToken
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.members.models import OrganisationContact
from consortium.settings.services import get_settings, update_settings
from tests.conftest import login, make_user, sign_in

NAME, EMAIL = "Wilhelmina Quist", "wilhelmina.quist@example.org"


@pytest.fixture
def person(app):
    """A contact of an organisation who has signed in, failed once, and been sent a reset link."""
    person = make_user(EMAIL, name=NAME, language="da")
    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    members.add_contact(organisation, person.id, "primary")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, EMAIL, "not the password")
    assert sign_in(browser, EMAIL).status_code == 302
    auth_services.request_password_reset(EMAIL)
    db.session.commit()
    person.browser = browser
    person.organisation_id = organisation.id
    return person


def test_privacy_page_is_public_and_linked_from_every_page(client):
    page = client.get("/privacy/").get_data(as_text=True)
    assert "scrypt" in page and "audit trail" in page
    assert "contact the secretariat." in page
    assert 'href="/privacy/"' in client.get("/sign-in").get_data(as_text=True)


def test_privacy_page_gives_the_association_email(client):
    update_settings(get_settings(), email="secretariat@os2.example")
    db.session.commit()
    page = client.get("/privacy/").get_data(as_text=True)
    assert 'href="mailto:secretariat@os2.example"' in page


def test_export_holds_the_persons_data_and_no_secrets(secretariat_client, person):
    page = secretariat_client.get(f"/users/{person.id}").get_data(as_text=True)
    assert f'href="/privacy/users/{person.id}/export"' in page
    response = secretariat_client.get(f"/privacy/users/{person.id}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=personal-data-user-{person.id}.json"
    )
    body = response.get_data(as_text=True)
    data = json.loads(body)
    account = data["account"]
    assert account["email"] == EMAIL and account["name"] == NAME and account["language"] == "da"
    assert account["password_set"] is True
    assert account["last_login_at"].startswith("20")  # ISO 8601
    assert data["organisation_contacts"] == [{"organisation": "Aarhus Kommune", "role": "primary"}]
    assert [attempt["succeeded"] for attempt in data["sign_in_attempts"]] == [False, True]
    assert data["sign_in_attempts"][0]["client_address"]
    assert any(entry["record_type"] == "user" for entry in data["audit_entries"])
    [mail] = data["emails"]
    assert mail["recipient"] == EMAIL
    stored = db.session.get(User, person.id)
    assert stored.password_hash not in body and "scrypt" not in body
    for token_hash in db.session.scalars(select(UserToken.token_hash)):
        assert token_hash not in body


def test_export_lists_what_the_person_did(app, secretariat, person):
    person.browser.post("/profile", data={"name": "Mina Quist", "language": "de"})
    client = app.test_client()
    login(client, secretariat.email)
    data = client.get(f"/privacy/users/{person.id}/export").get_json()
    assert any(entry["by_this_person"] for entry in data["audit_entries"])


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("whose", ["other", "own"])
def test_only_the_secretariat_exports_and_anonymises(user_client, user, method, whose):
    target_id = (make_user("someone@example.org") if whose == "other" else user).id
    for action in ("export", "anonymise"):
        if method == "POST" and action == "export":
            continue
        url = f"/privacy/users/{target_id}/{action}"
        response = (
            user_client.get(url)
            if method == "GET"
            else user_client.post(url, data={"confirm": "y"})
        )
        assert response.status_code == 403, (action, method)
    assert db.session.get(User, target_id).anonymised_at is None


def test_anonymise_asks_for_confirmation(secretariat_client, person):
    page = secretariat_client.get(f"/privacy/users/{person.id}/anonymise").get_data(as_text=True)
    assert NAME in page and f"Former user #{person.id}" in page
    assert 'name="confirm"' in page
    response = secretariat_client.post(f"/privacy/users/{person.id}/anonymise", data={})
    assert response.status_code == 200
    assert "Please confirm to anonymise this person." in response.get_data(as_text=True)
    assert db.session.get(User, person.id).name == NAME


def test_anonymise_removes_the_person_and_keeps_the_records(secretariat_client, person):
    user_id = person.id
    entries_before = db.session.scalar(select(func.count(AuditEntry.id)))
    response = secretariat_client.post(f"/privacy/users/{user_id}/anonymise", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    stored = db.session.get(User, user_id)  # the row stays for the records pointing to it
    assert stored.name == "" and stored.email == f"former-user-{user_id}@anonymised.invalid"
    assert stored.password_hash is None and stored.language is None
    assert not stored.active and stored.anonymised_at is not None
    assert stored.display_name == f"Former user #{user_id}"
    assert db.session.scalars(select(UserToken).where(UserToken.user_id == user_id)).all() == []
    assert db.session.scalars(select(LoginAttempt).where(LoginAttempt.email == EMAIL)).all() == []
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL)).all()
        == []
    )
    assert (
        db.session.scalars(
            select(OrganisationContact).where(OrganisationContact.user_id == user_id)
        ).all()
        == []
    )
    # The person's session has ended.
    assert person.browser.get("/profile").status_code == 302

    # The trail keeps every entry, and records the anonymisation without the values.
    assert db.session.scalar(select(func.count(AuditEntry.id))) > entries_before
    last = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user_id))
        .order_by(AuditEntry.id.desc())
    ).first()
    assert last.action == "update"
    assert last.changes["name"] == {"personal": True}
    assert last.changes["email"] == {"personal": True}
    assert last.changes["password_hash"] == {"redacted": True}
    assert "anonymised_at" in last.changes

    # Nothing in the trail, nor on any page, shows the old name or email.
    rows = db.session.execute(text("SELECT * FROM audit_entry")).all()
    trail = " ".join(str(row) for row in rows)
    assert EMAIL not in trail and NAME not in trail and "Wilhelmina" not in trail
    pages = [
        "/audit/",
        f"/audit/user/{user_id}",
        "/users",
        f"/users/{user_id}",
        f"/organisations/{person.organisation_id}",
        "/audit/?record_type=organisation_contact",
    ]
    for path in pages:
        page = secretariat_client.get(path).get_data(as_text=True)
        assert EMAIL not in page and "Wilhelmina" not in page, path
    assert f"Former user #{user_id}" in secretariat_client.get("/users").get_data(as_text=True)
    audit_page = secretariat_client.get("/audit/").get_data(as_text=True)
    assert f"Former user #{user_id}" in audit_page


def test_an_anonymised_person_cannot_sign_in_or_be_reactivated(app, secretariat_client, person):
    secretariat_client.post(f"/privacy/users/{person.id}/anonymise", data={"confirm": "y"})
    secretariat_client.post(f"/users/{person.id}/reactivate")
    assert not db.session.get(User, person.id).active
    assert login(app.test_client(), EMAIL).status_code == 200  # refused, the form again
    again = secretariat_client.post(
        f"/privacy/users/{person.id}/anonymise", data={"confirm": "y"}, follow_redirects=True
    )
    assert "already been anonymised" in again.get_data(as_text=True)


def test_the_audit_trail_shows_an_anonymised_actor_by_the_placeholder(app, secretariat, person):
    person.browser.post("/profile", data={"name": "Mina Quist", "language": "de"})
    client = app.test_client()
    login(client, secretariat.email)
    assert "Mina Quist" in client.get("/audit/").get_data(as_text=True)
    client.post(f"/privacy/users/{person.id}/anonymise", data={"confirm": "y"})
    page = client.get(f"/audit/?actor=former-user-{person.id}").get_data(as_text=True)
    assert "Mina Quist" not in page
    assert f"Former user #{person.id}" in page


def test_anonymising_oneself_is_refused(secretariat_client, secretariat):
    response = secretariat_client.post(
        f"/privacy/users/{secretariat.id}/anonymise", data={"confirm": "y"}, follow_redirects=True
    )
    assert "You cannot anonymise your own account." in response.get_data(as_text=True)
    stored = db.session.get(User, secretariat.id)
    assert stored.anonymised_at is None and stored.name == "Sam Secretariat"


def test_anonymise_without_csrf_token_changes_nothing(csrf_app, secretariat, person):
    client = csrf_app.test_client()
    assert sign_in(client, secretariat.email).status_code == 302
    response = client.post(f"/privacy/users/{person.id}/anonymise", data={"confirm": "y"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(User, person.id)
    assert stored.anonymised_at is None and stored.email == EMAIL and stored.active
