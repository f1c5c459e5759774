"""Reminders of overdue invoices as a municipality's finance department receives them: a PDF in
its own language with the balance and how to pay it, mailed to the invoice address; one a day,
and none for an invoice that is not overdue."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.models import Reminder
from consortium.invoicing.payments import record_payment
from consortium.invoicing.reminders import send_reminder
from consortium.invoicing.services import InvoicingError, issue
from consortium.mail.models import OutboxMessage
from tests.invoicing.factories import buyer, complete_seller, draft

ISSUED_ON = date(2025, 3, 3)
DUE_ON = date(2025, 4, 2)
LATE = date(2025, 5, 12)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def _overdue_invoice(language: str):
    """An invoice of 1.000,00 kr. to a buyer writing ``language``, 200,00 credited and 300,00
    paid: 500,00 is overdue."""
    complete_seller()
    organisation = buyer()
    organisation.language = language
    invoice = issue(draft(organisation, "800.00", "200.00"), on=ISSUED_ON)
    issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2025, 3, 10))
    record_payment(invoice, date(2025, 3, 20), Decimal("300.00"), "", None)
    return invoice


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "da",
            [
                "Betalingspåmindelse",
                "2025-00001",
                "3. marts 2025",  # issued
                "2. april 2025",  # due
                "12. maj 2025",  # the reminder's date
                "1.000,00",
                "200,00",
                "300,00",
                "500,00 kr.",
                "DK50 0040 0440 1162 43",
                "DABADKKK",
            ],
        ),
        (
            "de",
            [
                "Zahlungserinnerung",
                "2025-00001",
                "3. März 2025",
                "2. April 2025",
                "12. Mai 2025",
                "1.000,00",
                "200,00",
                "300,00",
                "500,00 DKK",
                "DK50 0040 0440 1162 43",
                "DABADKKK",
            ],
        ),
    ],
)
def test_the_reminder_pdf_says_the_balance_in_the_buyers_language(app, outbox, language, expected):
    invoice = _overdue_invoice(language)
    reminder = send_reminder(invoice, None, LATE)

    assert (reminder.level, reminder.sent_on, reminder.balance) == (1, LATE, Decimal("500.00"))
    text = _pdf_text(reminder.pdf)
    for words in expected:
        assert words in text, words
    reader = PdfReader(io.BytesIO(reminder.pdf))
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers

    (message,) = outbox("faktura@aarhus.example.dk")
    assert reminder.outbox_message_id == message.id
    assert invoice.number in message.subject
    assert [(each.content_type, bytes(each.content)) for each in message.attachments] == [
        ("application/pdf", reminder.pdf)
    ]


def test_the_mail_is_in_the_buyers_language(app, outbox):
    invoice = _overdue_invoice("da")
    send_reminder(invoice, None, LATE)
    (message,) = outbox("faktura@aarhus.example.dk")
    assert "Påmindelse" in message.subject
    assert "500,00" in message.body


def test_one_reminder_a_day_and_the_next_one_has_the_next_level(app, outbox):
    invoice = _overdue_invoice("da")
    send_reminder(invoice, None, LATE)
    with pytest.raises(InvoicingError, match="sent today already"):
        send_reminder(invoice, None, LATE)
    second = send_reminder(invoice, None, LATE + timedelta(days=14))
    assert second.level == 2
    assert len(outbox("faktura@aarhus.example.dk")) == 2
    assert [r.level for r in db.session.scalars(select(Reminder).order_by(Reminder.id))] == [1, 2]


def test_no_reminder_for_an_invoice_that_is_not_overdue(app):
    complete_seller()
    invoice = issue(draft(buyer(), "1000.00"), on=ISSUED_ON)
    with pytest.raises(InvoicingError, match="is not overdue"):
        send_reminder(invoice, None, DUE_ON)  # due today
    record_payment(invoice, date(2025, 3, 20), Decimal("1000.00"), "", None)
    with pytest.raises(InvoicingError, match="is not overdue"):
        send_reminder(invoice, None, LATE)  # paid
    assert db.session.scalars(select(Reminder)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []
