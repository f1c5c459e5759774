"""Every kind of PDF the app makes is tagged (headings, paragraphs, tables and reading order for
a screen reader) and names the language it is written in, so a screen reader reads a Danish
invoice with Danish pronunciation: invoices, credit notes, reminders, expected fees,
agreements, agendas and minutes."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.payments import record_payment
from consortium.invoicing.pdf import invoice_pdf
from consortium.invoicing.reminders import send_reminder
from consortium.invoicing.services import issue
from consortium.meetings.pdf import agenda_pdf, minutes_pdf
from tests.agreements.samples import two_page_agreement
from tests.conftest import login
from tests.fees.test_member_pages import contact_of, fee_setup
from tests.invoicing import samples
from tests.invoicing.factories import buyer, complete_seller, draft
from tests.meetings.samples import MEETING, MINUTES


def _issued_invoice(language: str):
    """An issued invoice of 1.000,00 to a buyer writing ``language``, its line of 200,00
    credited, 300,00 paid and the rest overdue, with its stored PDFs."""
    complete_seller()
    organisation = buyer()
    organisation.language = language
    invoice = issue(draft(organisation, "800.00", "200.00"), on=date(2025, 3, 3))
    credit_note = issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2025, 3, 10))
    record_payment(invoice, date(2025, 3, 20), Decimal("300.00"), "", None)
    return invoice, credit_note


def invoice(client, language):
    return invoice_pdf({"da": samples.danish_invoice, "de": samples.german_invoice}[language]())


def credit_note(client, language):
    return _issued_invoice(language)[1].pdf


def reminder(client, language):
    invoice, _credit_note = _issued_invoice(language)
    return send_reminder(invoice, None, date(2025, 5, 12)).pdf


def expected_fees(client, language):
    setup = fee_setup()
    contact_of(setup["aarhus"], "it@aarhus.example.dk")
    login(client, "it@aarhus.example.dk")
    url = f"/fees/organisations/{setup['aarhus'].id}/expected.pdf?year=2026"
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.data


def agreement(client, language):
    return two_page_agreement(language)


def agenda(client, language):
    return agenda_pdf(MEETING, language)


def minutes(client, language):
    return minutes_pdf(MINUTES, language)


@pytest.mark.parametrize("language", ["da", "de"])
@pytest.mark.parametrize(
    "make", [invoice, credit_note, reminder, expected_fees, agreement, agenda, minutes]
)
def test_every_pdf_is_tagged_in_its_language(app, client, make, language):
    reader = PdfReader(io.BytesIO(make(client, language)))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == language
