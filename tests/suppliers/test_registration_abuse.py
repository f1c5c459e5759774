"""The public registration cannot be squatted for good, is throttled, and survives races."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from consortium.audit.models import AuditEntry
from consortium.auth import throttle as sign_in_throttle
from consortium.auth.models import LoginAttempt
from consortium.db import utcnow
from consortium.extensions import db
from consortium.suppliers import queries, services, throttle
from consortium.suppliers.models import Supplier, SupplierContact
from tests.conftest import make_user
from tests.suppliers.helpers import registration, supplier

TOO_MANY = "Too many registrations have been sent from your network."


def _count() -> int:
    return db.session.scalar(select(func.count(Supplier.id)))


def test_a_rejected_registration_is_reopened_as_a_new_application(client, outbox):
    squatted = supplier("Squatter ApS", "31000009", contact_email="squat@evil.example.org")
    services.reject(squatted, "You are not this company.")
    db.session.commit()
    squatted_id = squatted.id
    response = client.post("/suppliers/register", data=registration())
    assert response.status_code == 302
    assert _count() == 1
    reopened = db.session.get(Supplier, squatted_id)
    db.session.refresh(reopened)
    assert (reopened.name, reopened.status) == ("Magenta ApS", "pending")
    assert reopened.contact_email == "mads@magenta.example.dk"
    assert (reopened.decided_at, reopened.decision_reason) == (None, "")
    assert reopened.service_types == ["development", "hosting"]
    (confirmation,) = outbox("mads@magenta.example.dk")
    assert "We have received your registration" in confirmation.subject
    # The audit trail keeps what the rejected application said.
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.record_type == "supplier", AuditEntry.record_id == str(squatted_id))
        .order_by(AuditEntry.id)
    ).all()
    entry = entries[-1]
    assert entry.changes["name"] == {"old": "Squatter ApS", "new": "Magenta ApS"}
    assert entry.changes["status"] == {"old": "rejected", "new": "pending"}
    assert entry.changes["decision_reason"] == {"old": "You are not this company.", "new": ""}


def test_reopening_drops_the_contacts_of_the_rejected_application(app):
    found = supplier("Squatter ApS", "31000009", contact_email="squat@evil.example.org")
    services.add_contact(found, make_user("squat@evil.example.org"))
    services.reject(found, "You are not this company.")
    db.session.commit()
    reopened = services.register_supplier(
        name="Magenta ApS",
        country="dk",
        registration_number="31000009",
        address="",
        contact_name="Mads",
        contact_email="mads@magenta.example.dk",
        service_types=["development"],
        product_ids=[],
        statement="",
        language=None,
    )
    assert reopened.id == found.id and reopened.status == "pending"
    assert db.session.scalar(select(func.count(SupplierContact.id))) == 0


@pytest.mark.parametrize("approved", [False, True])
def test_a_pending_or_approved_company_is_registered_already(client, approved):
    found = supplier("Magenta Original ApS", "31000009", contact_email="secret@magenta.example.dk")
    if approved:
        services.approve(found, None)
        db.session.commit()
    response = client.post("/suppliers/register", data=registration())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This company is registered already." in page
    assert "Magenta Original" not in page and "secret@magenta" not in page
    found = db.session.get(Supplier, found.id)
    assert found.name == "Magenta Original ApS"
    assert found.status == ("approved" if approved else "pending")


def test_the_form_is_throttled_per_client_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPLIER_REGISTRATION_MAX_PER_WINDOW", 2)
    for number in ("31000009", "31000017"):
        response = client.post(
            "/suppliers/register",
            data=registration(name=f"Company {number}", registration_number=number),
        )
        assert response.status_code == 302
    response = client.post("/suppliers/register", data=registration(registration_number="31000025"))
    assert response.status_code == 429
    assert f"{TOO_MANY} Please try again in 60 minutes." in response.get_data(as_text=True)
    assert queries.find_registered("DK", "31000025") is None
    # Another address may still register.
    response = client.post(
        "/suppliers/register",
        data=registration(registration_number="31000025"),
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 302
    # The registrations count neither as sign-in failures of the address nor of an account.
    assert sign_in_throttle.check("mads@magenta.example.dk", "127.0.0.1") is None
    assert (
        db.session.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.client_address == "127.0.0.1")
        )
        == 0
    )


def test_robots_and_duplicates_count_and_the_window_passes(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPLIER_REGISTRATION_MAX_PER_WINDOW", 2)
    supplier("Magenta Original ApS", "31000009")
    assert (
        client.post("/suppliers/register", data=registration(website="http://spam")).status_code
        == 302
    )
    assert client.post("/suppliers/register", data=registration()).status_code == 200  # duplicate
    response = client.post("/suppliers/register", data=registration(registration_number="31000017"))
    assert response.status_code == 429
    # Forms with mistakes are not counted, and get their usual answer.
    assert client.post("/suppliers/register", data=registration(name="")).status_code == 200
    db.session.execute(
        update(LoginAttempt).values(attempted_at=utcnow() - timedelta(hours=1, seconds=1))
    )
    db.session.commit()
    assert throttle.retry_after("127.0.0.1") == 0
    response = client.post("/suppliers/register", data=registration(registration_number="31000017"))
    assert response.status_code == 302


def test_a_registration_saved_at_the_same_moment_is_a_duplicate_not_an_error(
    app, client, monkeypatch
):
    supplier("Magenta Original ApS", "31000009")
    # The other registration was saved between the check and the insert.
    monkeypatch.setattr(queries, "find_registered", lambda *args, **kwargs: None)
    with pytest.raises(services.SupplierError) as refused:
        supplier("Magenta ApS", "31000009")
    assert refused.value.code == "duplicate"
    assert _count() == 1  # the session is still usable
    response = client.post("/suppliers/register", data=registration())
    assert response.status_code == 200
    assert "This company is registered already." in response.get_data(as_text=True)
    assert _count() == 1
