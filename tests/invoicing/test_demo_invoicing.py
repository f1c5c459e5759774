"""The demo association has last year's invoices issued and sent, and this year's invoicing
run in draft, ready to review and issue."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from decimal import Decimal

from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import undefer

from consortium.demo import PDF_BY_MAIL
from consortium.extensions import db
from consortium.invoicing import runs
from consortium.invoicing.models import (
    CREDIT_NOTE,
    DRAFT,
    PAID,
    PARTLY_PAID,
    RUN_DRAFT,
    RUN_ISSUED,
    SENT,
    Invoice,
    Reminder,
)
from consortium.invoicing.payments import balance, overdue_invoices
from consortium.invoicing.validation import fatal_findings, validate
from consortium.mail.models import KEPT, OutboxMessage
from consortium.members.models import Organisation
from tests.conftest import login

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def test_the_demo_has_this_years_run_in_draft(demo_app):
    with demo_app.app_context():
        run = runs.open_run(date.today().year)
        assert run is not None and run.status == RUN_DRAFT
        assert run.invoices and {invoice.status for invoice in run.invoices} == {DRAFT}
        summary = runs.run_summary(run)
        assert summary.totals["membership"] > 0 and summary.totals["product"] > 0
        # The review names the bodies paid by PDF, which receive no e-invoice, and why.
        listed = {item.invoice.organisation.name for item in summary.without_einvoice}
        assert listed == set(PDF_BY_MAIL)
        assert all(item.reasons for item in summary.without_einvoice)
        db.session.rollback()


def test_the_demo_has_last_years_invoices_issued_and_sent(demo_app):
    last_year = date.today().year - 1
    with demo_app.app_context():
        run = runs.open_run(last_year)
        assert run is not None and run.status == RUN_ISSUED
        invoices = db.session.scalars(
            select(Invoice)
            .where(Invoice.run_id == run.id)
            .options(undefer(Invoice.pdf), undefer(Invoice.ubl))
            .order_by(Invoice.number)
        ).all()
        assert len(invoices) >= 30
        # Sent, and then paid, except one partly paid and one not paid at all.
        statuses = Counter(invoice.status for invoice in invoices)
        assert statuses == {PAID: len(invoices) - 2, PARTLY_PAID: 1, SENT: 1}
        # Gapless, in last year, issued in January of last year.
        assert [invoice.number for invoice in invoices] == [
            f"{last_year}-{position:05d}" for position in range(1, len(invoices) + 1)
        ]
        assert {invoice.issued_on for invoice in invoices} == {date(last_year, 1, 15)}
        for invoice in invoices:
            assert invoice.gross_total > 0
            pages = PdfReader(io.BytesIO(invoice.pdf)).pages
            assert invoice.number in (pages[0].extract_text() or "")
            if invoice.organisation.name in PDF_BY_MAIL:
                assert invoice.ubl is None
                continue
            assert invoice.ubl is not None, invoice.buyer_name
            tree = etree.fromstring(invoice.ubl)
            assert tree.findtext(f"{CBC}ID") == invoice.number
            # The Danish municipalities read why the fee carries no VAT in Danish.
            reasons = {element.text for element in tree.iter(f"{CBC}TaxExemptionReason")}
            assert reasons == {
                "Bidrag til et offentligt omkostningsdelingsfællesskab, uden for momslovens område"
            }
        assert fatal_findings(validate(invoices[0].ubl)) == []
        # Each invoice went into the outbox with its PDF; the demo keeps last year's mail unsent.
        subjects = {
            message.subject: message
            for message in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.subject.like(f"%{last_year}-0%"))
            )
        }
        assert len(subjects) >= len(invoices)  # and the credit note and the reminder
        assert {message.status for message in subjects.values()} == {KEPT}
        db.session.rollback()


def test_anna_sees_last_years_invoice_of_her_municipality(demo_app):
    last_year = date.today().year - 1
    with demo_app.app_context():
        syddjurs = db.session.scalar(
            select(Organisation).where(Organisation.name == "Syddjurs Kommune")
        )
        invoice = db.session.scalar(
            select(Invoice).where(Invoice.organisation_id == syddjurs.id, Invoice.status == SENT)
        )
        others = db.session.scalars(
            select(Invoice.number).where(
                Invoice.organisation_id != syddjurs.id, Invoice.number.is_not(None)
            )
        ).all()
        number, invoice_id = invoice.number, invoice.id
        db.session.rollback()
    assert number.startswith(f"{last_year}-")
    client = demo_app.test_client()
    login(client, "anna.jensen@demo.example.org", "demo-member-2026")
    page = client.get("/invoices/mine").get_data(as_text=True)
    assert number in page
    # Another's number, not a part of one of hers (her credit note CN-2026-00006 is not
    # another's invoice 2026-00006).
    assert not any(re.search(rf"(?<![\w-]){re.escape(other)}\b", page) for other in others)
    pdf = client.get(f"/invoices/{invoice_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_demo_has_money_received_a_credit_note_and_an_overdue_invoice(demo_app):
    last_year = date.today().year - 1
    with demo_app.app_context():
        # Last year's correction; this year's credit notes are the year-end settlement's.
        (credit_note,) = db.session.scalars(
            select(Invoice).where(Invoice.series == CREDIT_NOTE, Invoice.number_year == last_year)
        )
        assert credit_note.number == f"CN-{last_year}-00001"
        corrected = credit_note.credited_invoice
        assert len(credit_note.lines) < len(corrected.lines)  # part of the invoice
        assert corrected.status == PAID and balance(corrected) == Decimal("0.00")
        assert sum(p.amount for p in corrected.payments) == (
            corrected.gross_total - credit_note.gross_total
        )

        rows = overdue_invoices()
        assert sorted(row.invoice.status for row in rows) == [PARTLY_PAID, SENT]
        for row in rows:
            assert row.balance > 0 and row.days > 300
        (reminded,) = db.session.scalars(select(Reminder))
        overdue = reminded.invoice
        assert overdue.organisation.name == "Syddjurs Kommune"
        assert (overdue.status, reminded.level) == (SENT, 1)
        assert reminded.balance == overdue.gross_total
        text = PdfReader(io.BytesIO(reminded.pdf)).pages[0].extract_text()
        assert "Betalingspåmindelse" in text and overdue.number in text
        invoice_id, number = overdue.id, overdue.number
        db.session.rollback()
    client = demo_app.test_client()
    login(client, "anna.jensen@demo.example.org", "demo-member-2026")
    page = client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    # Anna reads Danish.
    assert number in page and "Forfalden" in page and "Påmindelse 1 sendt den" in page
