"""The pages of money received: the secretariat records a payment on an invoice's page, sees
overdue invoices and sends reminders; a contact sees the balance and status, never the forms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.models import Invoice, Payment, Reminder
from consortium.invoicing.payments import balance, record_payment
from consortium.invoicing.services import issue
from consortium.members.services import add_contact
from tests.conftest import login, make_user
from tests.invoicing.factories import buyer, complete_seller, draft, gln

ISSUED_ON = date(2025, 3, 3)  # long overdue by now


def _text(response) -> str:
    html = response.get_data(as_text=True).replace("\u00a0", " ")
    return re.sub(r"DKK ?", "DKK ", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def invoice(app):
    complete_seller()
    invoice = issue(draft(buyer(), "1250.00"), on=ISSUED_ON)
    db.session.commit()
    return invoice


def test_the_secretariat_records_a_payment_typed_as_it_writes_numbers(secretariat_client, invoice):
    page = _text(secretariat_client.get(f"/invoices/{invoice.id}"))
    assert "Status Overdue" in page
    assert "Balance DKK 1,250.00" in page
    assert "Record a payment" in page
    assert "Send a reminder" in page

    response = secretariat_client.post(
        f"/invoices/{invoice.id}/payments",
        data={"paid_on": "2025-03-20", "amount": "1,000.50", "reference": "Faktura 2025-00001"},
        follow_redirects=True,
    )
    page = _text(response)
    assert (
        "A payment of DKK 1,000.50 has been recorded; the balance of 2025-00001 is DKK 249.50."
        in (page)
    )
    assert "Status Overdue" in page  # partly paid, still overdue
    assert "Mar 20, 2025 Payment (Recorded by hand) Faktura 2025-00001 DKK 1,000.50" in page
    payment = db.session.scalars(select(Payment)).one()
    assert payment.recorded_by_user_id is not None
    assert db.session.get(Invoice, invoice.id).status == "partly_paid"


def test_an_overpayment_on_the_page_is_shown_with_the_balance(secretariat_client, invoice):
    response = secretariat_client.post(
        f"/invoices/{invoice.id}/payments",
        data={"paid_on": "2025-03-20", "amount": "2000"},
    )
    assert response.status_code == 422
    assert (
        "The balance of 2025-00001 is DKK 1,250.00; a payment of DKK 2,000.00 is more than that."
        in _text(response)
    )
    assert db.session.scalars(select(Payment)).all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"paid_on": "", "amount": "10"}, "Enter a date such as 2026-01-31."),
        ({"paid_on": "2025-03-20", "amount": "ten"}, "Enter an amount such as 1500"),
        ({"paid_on": "2025-03-20", "amount": "0"}, "Enter an amount above zero."),
        ({"paid_on": "2025-03-20", "amount": "1.234"}, "Use at most 2 decimals."),
        ({"paid_on": "2025-03-01", "amount": "10"}, "cannot be dated before that"),
    ],
)
def test_a_payment_form_with_mistakes_is_shown_again(secretariat_client, invoice, data, message):
    response = secretariat_client.post(f"/invoices/{invoice.id}/payments", data=data)
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalars(select(Payment)).all() == []


def test_the_overdue_list_and_its_reminder_button(secretariat_client, invoice, outbox):
    complete_seller()
    paid = issue(draft(buyer("Odense Kommune", gln=gln(7)), "500.00"), on=ISSUED_ON)
    record_payment(paid, date(2025, 3, 10), Decimal("500.00"), "", None)
    db.session.commit()

    index = _text(secretariat_client.get("/invoices/"))
    assert "Overdue invoices" in index
    assert "DKK 1,250.00 Overdue" in index
    assert "DKK 500.00 Paid" in index

    page = _text(secretariat_client.get("/invoices/overdue"))
    assert "Aarhus Kommune, Økonomiafdelingen 2025-00001 Apr 2, 2025" in page
    assert "DKK 1,250.00 – Send a reminder" in page
    assert "2025-00002" not in page  # paid

    response = secretariat_client.post(
        f"/invoices/{invoice.id}/reminders", data={"next": "overdue"}, follow_redirects=True
    )
    page = _text(response)
    assert "Reminder 1 of invoice 2025-00001 has been put in the outbox to its buyer." in page
    assert "Reminded today" in page
    (message,) = outbox("faktura@aarhus.example.dk")
    assert message.attachments[0].filename.endswith(".pdf")

    again = secretariat_client.post(f"/invoices/{invoice.id}/reminders", follow_redirects=True)
    assert "has been sent today already" in _text(again)
    assert len(db.session.scalars(select(Reminder)).all()) == 1

    detail = _text(secretariat_client.get(f"/invoices/{invoice.id}"))
    assert "Reminder 1 sent on" in detail
    assert "A reminder has been sent today." in detail


def test_a_contact_sees_balance_and_status_but_no_forms(client, invoice):
    record_payment(invoice, date(2025, 3, 20), Decimal("250.00"), "", None)
    contact = make_user("okonomi@aarhus.example.dk")
    add_contact(invoice.organisation, contact.id, "primary")
    db.session.commit()
    assert login(client, contact.email).status_code == 302

    mine = _text(client.get("/invoices/mine"))
    assert "DKK 1,250.00 DKK 1,000.00 Overdue" in mine
    page = _text(client.get(f"/invoices/{invoice.id}"))
    assert "Balance DKK 1,000.00" in page
    assert "Paid DKK 250.00" in page
    assert "Record a payment" not in page and "Send a reminder" not in page
    assert "Recorded by hand" not in page
    refused = client.post(
        f"/invoices/{invoice.id}/payments", data={"paid_on": "2025-03-20", "amount": "1"}
    )
    assert refused.status_code == 403
    assert client.post(f"/invoices/{invoice.id}/reminders").status_code == 403
    assert balance(invoice) == Decimal("1000.00")


def test_a_reminder_pdf_is_downloaded_by_the_buyers_contact(client, invoice):
    from consortium.invoicing.reminders import send_reminder

    reminder = send_reminder(invoice, None, date(2025, 5, 1))
    contact = make_user("okonomi@aarhus.example.dk")
    add_contact(invoice.organisation, contact.id, "primary")
    db.session.commit()
    assert login(client, contact.email).status_code == 302
    response = client.get(f"/invoices/reminders/{reminder.id}.pdf")
    assert response.status_code == 200
    assert response.data == reminder.pdf
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="reminder-2025-00001-1.pdf"'
    )
