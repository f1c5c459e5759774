"""Approving or rejecting a supplier asks first, on a page that says who gets what."""

from __future__ import annotations

from consortium.extensions import db
from consortium.suppliers.models import Supplier
from tests.confirmations import read_confirmation
from tests.suppliers.helpers import supplier


def test_the_supplier_page_leads_to_the_decisions(secretariat_client):
    found = supplier()
    page = secretariat_client.get(f"/suppliers/{found.id}").get_data(as_text=True)
    assert f'href="/suppliers/{found.id}/approve/confirm"' in page
    assert f'href="/suppliers/{found.id}/reject/confirm"' in page
    assert f'action="/suppliers/{found.id}/approve"' not in page


def test_approval_names_the_company_and_who_gets_an_account(secretariat_client, outbox):
    found = supplier()
    mailed = len(outbox("contact@magenta.example.dk"))
    confirmation = read_confirmation(secretariat_client, f"/suppliers/{found.id}/approve/confirm")
    assert confirmation.title == "Approve this supplier?"
    assert confirmation.record == "Magenta ApS"
    assert any(
        "Contact of Magenta ApS (contact@magenta.example.dk) becomes its contact" in text
        for text in confirmation.consequences
    )
    assert "contact@magenta.example.dk is mailed that the company is approved." in (
        confirmation.consequences
    )
    assert confirmation.cancel == f"/suppliers/{found.id}"
    db.session.expire_all()
    assert db.session.get(Supplier, found.id).status == "pending"
    assert len(outbox("contact@magenta.example.dk")) == mailed
    assert secretariat_client.post(confirmation.action).status_code == 302
    assert db.session.get(Supplier, found.id).status == "approved"


def test_rejection_asks_for_the_reason_on_its_page(secretariat_client, outbox):
    found = supplier()
    mailed = len(outbox("contact@magenta.example.dk"))
    url = f"/suppliers/{found.id}/reject/confirm"
    confirmation = read_confirmation(secretariat_client, url)
    assert confirmation.title == "Reject this supplier?"
    assert confirmation.record == "Magenta ApS"
    assert any("with the reason you give here" in text for text in confirmation.consequences)
    assert "Reason" in confirmation.text
    # Without a reason the same page comes back with the mistake, and nothing changes.
    page = secretariat_client.post(confirmation.action, data={"reason": " "})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Reject this supplier?" in text and "Give the reason for the rejection." in text
    db.session.expire_all()
    assert db.session.get(Supplier, found.id).status == "pending"
    assert len(outbox("contact@magenta.example.dk")) == mailed


def test_a_decided_supplier_is_not_asked_again(secretariat_client):
    found = supplier()
    secretariat_client.post(f"/suppliers/{found.id}/approve")
    page = secretariat_client.get(f"/suppliers/{found.id}/reject/confirm", follow_redirects=True)
    assert "Only a pending registration can be rejected." in page.get_data(as_text=True)
    page = secretariat_client.get(f"/suppliers/{found.id}/approve/confirm", follow_redirects=True)
    assert "Magenta ApS has been approved already." in page.get_data(as_text=True)
