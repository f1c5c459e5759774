"""A product's year settled against its frozen budget, as the secretariat drafts and issues it
and a municipality's finance department receives it: OS2forms 2027 had a budget of
DKK 300,000.01, shared by Aarhus (70,000 residents: 233,333.34) and Odder (20,000: 66,666.67).
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.fees import services as fees
from consortium.invoicing import runs
from consortium.invoicing.credit_notes import credited_total, left_to_credit
from consortium.invoicing.models import (
    CREDIT_NOTE,
    INVOICE,
    SENT,
    Invoice,
    ProductSettlement,
    SettlementShare,
)
from consortium.invoicing.services import InvoicingError
from consortium.invoicing.settlement import (
    change_actual_cost,
    discard,
    draft_settlement,
    issue_settlement,
)
from consortium.invoicing.validation import fatal_findings, validate
from consortium.mail.models import OutboxMessage
from tests.invoicing.einvoices import NS
from tests.invoicing.runs import ON, YEAR, register

SETTLED_ON = date(YEAR + 1, 3, 1)


@pytest.fixture
def town(app):
    """The year 2027 invoiced: the OS2forms budget frozen with its recorded shares."""
    town = register()
    runs.issue_run(runs.start_run(YEAR, None), None, on=ON)
    assert town["budget"].status == "frozen"
    return town


def parts(settlement: ProductSettlement) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        share.organisation.name: (share.share_percent, share.amount) for share in settlement.shares
    }


def pdf_text(pdf: bytes) -> str:
    """The PDF's words, every run of spaces and line breaks one space."""
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"[\u00a0\u202f]", " ", words))


def share_line(town, name: str):
    invoice = db.session.scalar(
        select(Invoice).where(Invoice.organisation_id == town[name].id, Invoice.series == INVOICE)
    )
    return next(line for line in invoice.lines if line.component == "product")


def test_an_overspend_is_split_by_the_recorded_shares_to_the_cent(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("309000.01"), None)

    assert settlement.budget_amount == Decimal("300000.01")
    assert settlement.difference == Decimal("9000.00")
    assert parts(settlement) == {
        "Aarhus Kommune": (Decimal("77.7778"), Decimal("7000.00")),
        "Odder Kommune": (Decimal("22.2222"), Decimal("2000.00")),
    }
    assert settlement.status == "draft"
    # Nothing is issued or sent while it is a draft.
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 3


def test_an_underspend_splits_into_credits_that_add_up_to_the_difference(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("250000.00"), None)

    assert settlement.difference == Decimal("-50000.01")
    amounts = {name: amount for name, (_percent, amount) in parts(settlement).items()}
    assert amounts == {
        "Aarhus Kommune": Decimal("-38888.90"),
        "Odder Kommune": Decimal("-11111.11"),
    }
    assert sum(amounts.values()) == Decimal("-50000.01")
    # Each credit is taken from the organisation's product share line of the year.
    for share in settlement.shares:
        assert share.credited_line == share_line(town, _key(town, share))


def _key(town, share: SettlementShare) -> str:
    return next(key for key in ("aarhus", "odder") if town[key].id == share.organisation_id)


def test_an_issued_overspend_becomes_one_extra_invoice_each_in_the_buyers_language(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("309000.01"), None)
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0

    issued = issue_settlement(settlement, None, on=SETTLED_ON)

    assert settlement.status == "issued" and settlement.issued_at is not None
    by_buyer = {invoice.organisation.name: invoice for invoice in issued}
    aarhus, odder = by_buyer["Aarhus Kommune"], by_buyer["Odder Kommune"]
    # Numbered in the invoice series after the year's run, one product line each.
    assert sorted(invoice.number for invoice in issued) == ["2028-00001", "2028-00002"]
    assert all(invoice.series == INVOICE and invoice.status == SENT for invoice in issued)
    assert [(line.component, line.product, line.net_amount) for line in aarhus.lines] == [
        ("product", town["product"], Decimal("7000.00"))
    ]
    assert [line.net_amount for line in odder.lines] == [Decimal("2000.00")]
    assert {share.organisation.name: share.invoice for share in settlement.shares} == by_buyer
    # The line explains itself in the buyer's language, on the PDF and in the e-invoice.
    assert aarhus.lines[0].description == "OS2forms 2027: årsafregning"
    danish = pdf_text(aarhus.pdf)
    assert "Faktisk udgift 309.000,01 kr. mod budgettet 300.000,01 kr.; jeres andel 77,7778 %" in (
        danish
    )
    assert "7.000,00" in danish
    english = pdf_text(odder.pdf)
    assert "OS2forms 2027: year-end settlement" in english
    assert (
        "Actual cost DKK 309,000.01 against the budget DKK 300,000.01; your share 22.2222 %"
        in english
    )
    xml = etree.fromstring(odder.ubl)
    assert xml.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert xml.findtext(".//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=NS) == (
        "2000.00"
    )
    assert xml.findtext(".//cac:InvoiceLine/cbc:LineExtensionAmount", namespaces=NS) == "2000.00"
    assert "your share 22.2222 %" in xml.findtext(".//cac:Item/cbc:Description", namespaces=NS)
    assert fatal_findings(validate(odder.ubl)) == []
    # Both are mailed with their documents.
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)
    ).all()
    assert sorted(message.recipient for message in messages) == [
        "faktura@aarhus.example.dk",
        "faktura@odder.example.dk",
    ]


def test_an_issued_underspend_credits_part_of_each_product_share_line(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("250000.00"), None)
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    aarhus_line = share_line(town, "aarhus")

    issued = issue_settlement(settlement, None, on=SETTLED_ON)

    by_buyer = {note.organisation.name: note for note in issued}
    aarhus, odder = by_buyer["Aarhus Kommune"], by_buyer["Odder Kommune"]
    assert sorted(note.number for note in issued) == ["CN-2028-00001", "CN-2028-00002"]
    assert all(note.series == CREDIT_NOTE for note in issued)
    assert aarhus.credited_invoice == aarhus_line.invoice
    assert [(line.credited_line, line.net_amount) for line in aarhus.lines] == [
        (aarhus_line, Decimal("38888.90"))
    ]
    assert aarhus.lines[0].description == (
        f"OS2forms 2027: årsafregning, krediteret af linje 2 på faktura "
        f"{aarhus_line.invoice.number}"
    )
    assert [line.net_amount for line in odder.lines] == [Decimal("11111.11")]
    # What is left of the share line: the budget share less the credit.
    assert left_to_credit(aarhus_line) == Decimal("233333.34") - Decimal("38888.90")
    assert credited_total(aarhus_line.invoice) == aarhus.gross_total
    text = pdf_text(odder.pdf)
    assert "Credit note" in text
    assert (
        "Actual cost DKK 250,000.00 against the budget DKK 300,000.01; your share 22.2222 %" in text
    )
    assert "11,111.11" in text
    xml = etree.fromstring(odder.ubl)
    assert xml.tag.endswith("CreditNote")
    assert xml.findtext(".//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=NS) == (
        "11111.11"
    )
    assert fatal_findings(validate(odder.ubl)) == []
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
    subjects = sorted(message.subject for message in messages)
    assert subjects[0].startswith("Credit note CN-2028-0000")
    assert subjects[1].startswith("Kreditnota CN-2028-0000")


def test_a_year_without_a_frozen_budget_is_refused(app):
    town = register()  # approved, not invoiced
    with pytest.raises(InvoicingError, match="The budget 2027 of OS2forms is not frozen"):
        draft_settlement(town["product"], YEAR, Decimal("310000.00"), None)
    with pytest.raises(InvoicingError, match="The budget 2026 of OS2forms is not frozen"):
        draft_settlement(town["product"], YEAR - 1, Decimal("310000.00"), None)


def test_a_frozen_budget_without_recorded_shares_is_refused(town):
    budget = town["budget"]
    for share in list(budget.shares):
        share.amount = Decimal("0.00")
    with pytest.raises(InvoicingError, match="has no recorded shares to split the difference"):
        draft_settlement(town["product"], YEAR, Decimal("310000.00"), None)


@pytest.mark.parametrize("cost", ["-0.01", "1000000000.00", "10.005", "NaN"])
def test_an_actual_cost_below_zero_or_too_large_is_refused(town, cost):
    with pytest.raises(InvoicingError, match="actual cost"):
        draft_settlement(town["product"], YEAR, Decimal(cost), None)
    assert db.session.scalar(select(func.count()).select_from(ProductSettlement)) == 0


def test_a_product_year_is_settled_once(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("310000.00"), None)
    with pytest.raises(InvoicingError, match="OS2forms 2027 has a settlement already"):
        draft_settlement(town["product"], YEAR, Decimal("290000.00"), None)
    issue_settlement(settlement, None, on=SETTLED_ON)
    with pytest.raises(InvoicingError, match="OS2forms 2027 has a settlement already"):
        draft_settlement(town["product"], YEAR, Decimal("290000.00"), None)
    with pytest.raises(InvoicingError, match="has been issued already"):
        issue_settlement(settlement, None, on=SETTLED_ON)
    with pytest.raises(InvoicingError, match="has been issued already"):
        change_actual_cost(settlement, Decimal("1.00"))
    with pytest.raises(InvoicingError, match="has been issued already"):
        discard(settlement)
    # Issued twice, numbered and sent once.
    assert (
        db.session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.number_year == YEAR + 1)
        )
        == 2
    )


def test_a_draft_takes_another_actual_cost_or_is_discarded(town):
    settlement = draft_settlement(town["product"], YEAR, Decimal("310000.01"), None)
    ids = {share.organisation.name: share.id for share in settlement.shares}

    change_actual_cost(settlement, Decimal("290000.01"))
    assert settlement.difference == Decimal("-10000.00")
    assert {name: amount for name, (_p, amount) in parts(settlement).items()} == {
        "Aarhus Kommune": Decimal("-7777.78"),
        "Odder Kommune": Decimal("-2222.22"),
    }
    # The same rows, changed: the audit trail follows each organisation's part.
    assert {share.organisation.name: share.id for share in settlement.shares} == ids

    discard(settlement)
    assert db.session.scalar(select(func.count()).select_from(SettlementShare)) == 0
    again = draft_settlement(town["product"], YEAR, Decimal("300000.01"), None)
    # Nothing to settle: every part is zero and issuing makes nothing.
    assert all(share.amount == 0 for share in again.shares)
    assert issue_settlement(again, None, on=SETTLED_ON) == []
    assert again.status == "issued"


def test_an_organisation_whose_part_rounds_to_zero_gets_nothing(town):
    # One cent over 7 : 2 goes to Aarhus (the larger remainder); Odder gets nothing.
    settlement = draft_settlement(town["product"], YEAR, Decimal("300000.02"), None)
    assert {name: amount for name, (_p, amount) in parts(settlement).items()} == {
        "Aarhus Kommune": Decimal("0.01"),
        "Odder Kommune": Decimal("0.00"),
    }
    issued = issue_settlement(settlement, None, on=SETTLED_ON)
    assert [(invoice.organisation.name, invoice.gross_total) for invoice in issued] == [
        ("Aarhus Kommune", Decimal("0.01"))
    ]
    odder = next(share for share in settlement.shares if share.amount == 0)
    assert odder.invoice is None


def test_a_failure_issues_nothing_and_names_the_organisation(town, monkeypatch):
    settlement = draft_settlement(town["product"], YEAR, Decimal("250000.00"), None)
    # Odder's share line has been credited in full meanwhile: nothing is left to credit.
    from consortium.invoicing.credit_notes import draft_credit_note
    from consortium.invoicing.services import issue

    odder_line = share_line(town, "odder")
    issue(draft_credit_note(odder_line.invoice, [odder_line]), on=SETTLED_ON)
    numbered = db.session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.number.is_not(None))
    )

    with pytest.raises(
        InvoicingError,
        match=r"Nothing was issued: the settlement of Odder Kommune could not be issued: "
        r"Odder Kommune has no issued invoice of 2027 with a share of OS2forms left to credit",
    ):
        issue_settlement(settlement, None, on=SETTLED_ON)
    assert settlement.status == "draft"
    assert (
        db.session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.number.is_not(None))
        )
        == numbered
    )


def test_the_budget_a_settlement_was_made_from_stays_frozen(town):
    with pytest.raises(fees.TariffError):
        fees.budget_to_draft(town["budget"])
