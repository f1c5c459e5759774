"""Money received as the secretariat records it and a municipality's finance department sees
it: partial payments, the balance after credit notes and payments, the status that follows,
overpayments and impossible dates refused with a message, and the overdue list."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from consortium.extensions import db
from consortium.invoicing import payments
from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.models import Invoice, Payment
from consortium.invoicing.payments import balance, overdue_invoices, record_payment
from consortium.invoicing.sending import send_invoice
from consortium.invoicing.services import InvoicingError, issue
from consortium.members.services import add_contact
from tests.invoicing.factories import buyer, complete_seller, draft

ISSUED_ON = date(2025, 3, 3)  # due 30 days later, on 2 April 2025
PAID_ON = date(2025, 3, 20)


def _text(response) -> str:
    """The page's text without tags, with its spaces made plain and a space after a currency
    code."""
    html = response.get_data(as_text=True).replace("\u00a0", " ")
    return re.sub(r"DKK ?", "DKK ", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def invoice(app):
    """Aarhus's invoice of DKK 1,000.00 (two lines, 800.00 and 200.00, no VAT)."""
    complete_seller()
    return issue(draft(buyer(), "800.00", "200.00"), on=ISSUED_ON)


def test_credit_note_and_two_payments_pay_the_invoice_and_both_pages_say_so(
    app, client, invoice, secretariat, user
):
    assert invoice.gross_total == Decimal("1000.00")
    assert balance(invoice) == Decimal("1000.00")

    issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2025, 3, 10))
    assert balance(invoice) == Decimal("800.00")
    assert invoice.status == "issued"  # something is still to pay, nothing was paid

    record_payment(invoice, PAID_ON, Decimal("300.00"), "Faktura 2025-00001", None)
    assert (balance(invoice), invoice.status) == (Decimal("500.00"), "partly_paid")

    record_payment(invoice, date(2025, 4, 1), Decimal("500.00"), "", None)
    assert (balance(invoice), invoice.status) == (Decimal("0.00"), "paid")
    add_contact(invoice.organisation, user.id, "primary")
    db.session.commit()

    from tests.conftest import login

    assert login(client, secretariat.email).status_code == 302
    page = _text(client.get(f"/invoices/{invoice.id}"))
    assert "Status Paid" in page
    assert "Credited DKK 200.00" in page
    assert "Paid DKK 800.00" in page
    assert "Balance DKK 0.00" in page
    assert "CN-2025-00001" in page
    assert "Record a payment" not in page  # nothing is left to pay
    client.post("/sign-out")

    assert login(client, user.email).status_code == 302
    mine = _text(client.get("/invoices/mine"))
    assert "2025-00001" in mine
    assert "DKK 1,000.00 DKK 0.00 Paid" in mine  # total, balance, status
    own = _text(client.get(f"/invoices/{invoice.id}"))
    assert "Balance DKK 0.00" in own
    assert "Record a payment" not in own


def test_an_overpayment_is_refused_naming_the_balance(app, invoice):
    record_payment(invoice, PAID_ON, Decimal("250.00"), "", None)
    with pytest.raises(InvoicingError) as refused:
        record_payment(invoice, PAID_ON, Decimal("2000.00"), "", None)
    assert str(refused.value.message).replace("\u00a0", " ") == (
        "The balance of 2025-00001 is DKK 750.00; a payment of DKK 2,000.00 is more than that."
    )
    assert balance(invoice) == Decimal("750.00")
    # The whole balance is accepted, and then nothing more.
    record_payment(invoice, PAID_ON, Decimal("750.00"), "", None)
    with pytest.raises(InvoicingError, match="nothing left to pay"):
        record_payment(invoice, PAID_ON, Decimal("0.01"), "", None)


def test_the_status_follows_issued_sent_partly_paid_paid(app, invoice):
    statuses = [invoice.status]
    send_invoice(invoice)
    statuses.append(invoice.status)
    record_payment(invoice, PAID_ON, Decimal("999.99"), "", None)
    statuses.append(invoice.status)
    record_payment(invoice, PAID_ON, Decimal("0.01"), "", None)
    statuses.append(invoice.status)
    assert statuses == ["issued", "sent", "partly_paid", "paid"]


def test_a_fully_credited_invoice_is_credited_and_owes_nothing(app, invoice):
    send_invoice(invoice)
    issue(draft_credit_note(invoice), on=date(2025, 3, 10))
    assert (invoice.status, balance(invoice)) == ("credited", Decimal("0.00"))
    assert not payments.is_overdue(invoice, date(2026, 1, 1))
    with pytest.raises(InvoicingError, match="nothing left to pay"):
        record_payment(invoice, PAID_ON, Decimal("1.00"), "", None)


def test_a_credit_note_after_a_partial_payment_leaves_the_status_the_balance_says(app, invoice):
    record_payment(invoice, PAID_ON, Decimal("800.00"), "", None)
    assert invoice.status == "partly_paid"
    issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2025, 3, 25))
    assert (invoice.status, balance(invoice)) == ("paid", Decimal("0.00"))


def test_a_partial_credit_after_a_partial_payment_keeps_it_partly_paid(app):
    complete_seller()
    invoice = issue(draft(buyer(), "600.00", "100.00", "300.00"), on=ISSUED_ON)
    record_payment(invoice, PAID_ON, Decimal("400.00"), "", None)
    issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2025, 3, 25))
    assert (invoice.status, balance(invoice)) == ("partly_paid", Decimal("500.00"))


@pytest.mark.parametrize(
    ("paid_on", "amount", "message"),
    [
        (date(2025, 3, 2), "100.00", "was issued on Mar 3, 2025; a payment of it cannot be dated"),
        (date.today() + timedelta(days=2), "100.00", "cannot be dated in the future"),
        (PAID_ON, "0.00", "above zero"),
        (PAID_ON, "-5.00", "above zero"),
        (PAID_ON, "1.005", "whole cents"),
    ],
)
def test_impossible_payments_are_refused_with_a_message(app, invoice, paid_on, amount, message):
    with pytest.raises(InvoicingError, match=message):
        record_payment(invoice, paid_on, Decimal(amount), "", None)
    assert db.session.scalars(select(Payment)).all() == []


def test_only_issued_invoices_are_paid(app, invoice):
    with pytest.raises(InvoicingError, match="issued invoices only"):
        record_payment(draft(invoice.organisation, "10.00"), PAID_ON, Decimal("1.00"), "", None)
    credit_note = issue(draft_credit_note(invoice), on=date(2025, 3, 10))
    with pytest.raises(InvoicingError, match="issued invoices only"):
        record_payment(credit_note, PAID_ON, Decimal("1.00"), "", None)


def test_overdue_is_the_due_date_passed_with_a_balance(app, invoice):
    due = invoice.due_on
    assert due == date(2025, 4, 2)
    assert [row.invoice for row in overdue_invoices(due)] == []  # due today, not overdue
    rows = overdue_invoices(due + timedelta(days=5))
    assert [(row.invoice.number, row.days, row.balance) for row in rows] == [
        ("2025-00001", 5, Decimal("1000.00"))
    ]
    record_payment(invoice, PAID_ON, Decimal("400.00"), "", None)
    rows = overdue_invoices(due + timedelta(days=5))
    assert [(row.invoice.number, row.balance) for row in rows] == [
        ("2025-00001", Decimal("600.00"))
    ]
    record_payment(invoice, PAID_ON, Decimal("600.00"), "", None)
    assert overdue_invoices(due + timedelta(days=5)) == []


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_a_paid_invoice_is_kept_as_it_was_issued(app, invoice):
    record_payment(invoice, PAID_ON, Decimal("1000.00"), "", None)
    assert invoice.status == "paid"
    with pytest.raises(DatabaseError, match="an issued invoice never changes"):  # noqa: PT012
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE invoice SET gross_total = 1 WHERE id = :id"), {"id": invoice.id}
            )
    with pytest.raises(DatabaseError, match="an issued invoice never changes"):  # noqa: PT012
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE invoice SET status = 'draft' WHERE id = :id"), {"id": invoice.id}
            )
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).gross_total == Decimal("1000.00")


def test_the_overdue_count_is_the_overdue_lists_length(app, invoice):
    # The work queue counts overdue invoices from sums of payments and credit notes; the list
    # loads them. Aarhus's invoice, partly paid: DKK 700.00 still to pay.
    record_payment(invoice, PAID_ON, Decimal("300.00"), "part", None)
    # Odense's: DKK 200.00 credited, a draft credit note of the rest credits nothing yet.
    second = issue(draft(buyer("Odense Kommune"), "800.00", "200.00"), on=ISSUED_ON)
    issue(draft_credit_note(second, [second.lines[1]]), on=date(2025, 3, 10))
    draft_credit_note(second, [second.lines[0]])
    # Vejle's: credited and paid in full, no longer overdue.
    third = issue(draft(buyer("Vejle Kommune"), "800.00", "200.00"), on=ISSUED_ON)
    issue(draft_credit_note(third, [third.lines[1]]), on=date(2025, 3, 10))
    record_payment(third, PAID_ON, Decimal("800.00"), "rest", None)
    db.session.commit()
    today = date(2025, 6, 1)
    listed = {item.invoice.number: item.balance for item in overdue_invoices(today)}
    assert listed == {invoice.number: Decimal("700.00"), second.number: Decimal("800.00")}
    assert payments.overdue_count(today) == 2
    # Before the due date nothing is overdue; both ask the same.
    assert payments.overdue_count(date(2025, 4, 1)) == len(overdue_invoices(date(2025, 4, 1))) == 0
