"""Vetting: the secretariat's list, approval with an account, rejection with a reason."""

from __future__ import annotations

from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.auth.services import find_user_by_email
from consortium.extensions import db
from consortium.suppliers.models import Supplier
from tests.conftest import make_user
from tests.suppliers.helpers import supplier


def test_the_list_filters_by_status(secretariat_client):
    supplier("Pending ApS", "31000009")
    approved = supplier("Approved ApS", "31000017")
    approved.status = "approved"
    db.session.commit()
    pending_page = secretariat_client.get("/suppliers/").get_data(as_text=True)
    assert "Pending ApS" in pending_page and "Approved ApS" not in pending_page
    approved_page = secretariat_client.get("/suppliers/?status=approved").get_data(as_text=True)
    assert "Approved ApS" in approved_page and "Pending ApS" not in approved_page
    everything = secretariat_client.get("/suppliers/?status=all").get_data(as_text=True)
    assert "Approved ApS" in everything and "Pending ApS" in everything


def test_the_supplier_page_shows_the_registration(secretariat_client):
    found = supplier("Magenta ApS", "31000009", statement="Open source since 1999.")
    page = secretariat_client.get(f"/suppliers/{found.id}").get_data(as_text=True)
    for text in ("Magenta ApS", "31000009", "Open source since 1999.", "Development", "Approve"):
        assert text in page


def test_approval_creates_the_user_the_contact_and_the_invitation(secretariat_client, outbox):
    found = supplier("Magenta ApS", "31000009", contact_email="Mads@Magenta.example.dk")
    found_id = found.id
    response = secretariat_client.post(f"/suppliers/{found.id}/approve")
    assert response.status_code == 302
    found = db.session.get(Supplier, found_id)
    assert found.status == "approved" and found.decided_at is not None
    user = find_user_by_email("mads@magenta.example.dk")
    assert user is not None and not user.has_password
    assert [contact.user_id for contact in found.contacts] == [user.id]
    mails = outbox("mads@magenta.example.dk")
    subjects = [mail.subject for mail in mails]
    assert any("is approved as a supplier" in subject for subject in subjects)
    assert any("Your invitation" in subject for subject in subjects)
    approval = next(mail for mail in mails if "approved" in mail.subject)
    assert "A separate message contains the link to choose your password." in approval.body
    invitation = next(mail for mail in mails if "invitation" in mail.subject)
    assert "/invitation/" in invitation.body
    # The decision is in the audit trail.
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.record_type == "supplier", AuditEntry.record_id == str(found.id))
        .order_by(AuditEntry.id.desc())
    )
    assert entry.action == "update"
    assert entry.changes["status"] == {"old": "pending", "new": "approved"}
    assert entry.actor_user_id == find_user_by_email("secretariat@example.org").id


def test_approval_links_an_existing_user(secretariat_client, outbox):
    existing = make_user("mads@magenta.example.dk", name="Mads")
    found = supplier("Magenta ApS", "31000009", contact_email="mads@magenta.example.dk")
    found_id = found.id
    secretariat_client.post(f"/suppliers/{found.id}/approve")
    found = db.session.get(Supplier, found_id)
    assert [contact.user_id for contact in found.contacts] == [existing.id]
    (approval,) = outbox("mads@magenta.example.dk")[1:]  # after the confirmation of receipt
    assert "Your existing account" in approval.body


def test_rejection_needs_a_reason(secretariat_client):
    found = supplier("Magenta ApS", "31000009")
    found_id = found.id
    page = secretariat_client.post(f"/suppliers/{found.id}/reject", data={"reason": " "})
    assert "Give the reason for the rejection." in page.get_data(as_text=True)
    found = db.session.get(Supplier, found_id)
    assert found.status == "pending"


def test_rejection_mails_the_reason(secretariat_client, outbox):
    found = supplier("Magenta ApS", "31000009", contact_email="mads@magenta.example.dk")
    found_id = found.id
    response = secretariat_client.post(
        f"/suppliers/{found.id}/reject", data={"reason": "We could not verify the company."}
    )
    assert response.status_code == 302
    found = db.session.get(Supplier, found_id)
    assert (found.status, found.decision_reason) == ("rejected", "We could not verify the company.")
    assert found.contacts == []
    rejection = outbox("mads@magenta.example.dk")[-1]
    assert "We could not verify the company." in rejection.body
    assert find_user_by_email("mads@magenta.example.dk") is None


def test_the_audit_trail_keeps_no_contact_person_data(app):
    found = supplier("Magenta ApS", "31000009", contact_email="mads@magenta.example.dk")
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "supplier", AuditEntry.record_id == str(found.id)
        )
    )
    assert "mads@magenta.example.dk" not in str(entry.changes)
    assert entry.changes["contact_email"] == {"personal": True}
