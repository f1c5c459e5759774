"""The yearly run: the year's fees become one draft per organisation and billing identity, with
amounts equal to the fees preview, issued all or nothing, sent with their documents."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from consortium.extensions import db
from consortium.fees.computation import compute_year
from consortium.invoicing import runs
from consortium.invoicing.models import (
    DRAFT,
    RUN_DISCARDED,
    RUN_ISSUED,
    SENT,
    SET_ASIDE,
    Invoice,
    InvoiceNumberSequence,
)
from consortium.invoicing.services import InvoicingError
from consortium.invoicing.validation import ensure_valid
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.settings.models import ComponentVat
from tests.invoicing.runs import ON, YEAR, register


def preview(organisation) -> dict[str, Decimal]:
    """What the fees preview says the organisation pays, per charge kind."""
    return {
        charge.kind: charge.amount
        for charge in compute_year(YEAR).for_organisation(organisation.id)
    }


def by_buyer(run) -> dict[str, Invoice]:
    return {invoice.organisation.name: invoice for invoice in run.invoices}


def test_the_run_makes_one_draft_per_organisation_with_the_previewed_amounts(app):
    town = register()
    run = runs.start_run(YEAR, None)
    invoices = by_buyer(run)

    assert set(invoices) == {"Aarhus Kommune", "Odder Kommune", "Skanderborg Kommune"}
    aarhus = invoices["Aarhus Kommune"]
    assert aarhus.status == DRAFT and aarhus.number is None
    expected = preview(town["aarhus"])
    assert [(line.component, line.net_amount) for line in aarhus.lines] == [
        ("membership", expected["membership"]),
        ("product", expected["product_share"]),
    ]
    # Danish buyer, Danish words; the explanation of the share is kept on the line.
    assert [line.description for line in aarhus.lines] == [
        "Kontingent 2027",
        "OS2forms 2027: andel af budgettet",
    ]
    assert aarhus.lines[1].explanation["rule"] == "split_population"
    odder = invoices["Odder Kommune"]
    assert [line.description for line in odder.lines] == [
        "Membership fee 2027",
        "OS2forms 2027: share of the budget",
    ]
    # The shares add up to the budget, to the cent.
    shares = sum(
        (line.net_amount for invoice in run.invoices for line in invoice.lines if line.product_id),
        Decimal("0"),
    )
    assert shares == Decimal("300000.01")
    skanderborg = invoices["Skanderborg Kommune"]
    assert [line.net_amount for line in skanderborg.lines] == [Decimal("25000.00")]


def test_summary_counts_totals_and_names_buyers_without_e_invoice(app):
    register()
    summary = runs.run_summary(runs.start_run(YEAR, None))
    assert summary.invoices == 3
    assert summary.totals == {
        "membership": Decimal("75000.00"),
        "product": Decimal("300000.01"),
    }
    assert [item.invoice.organisation.name for item in summary.without_einvoice] == [
        "Skanderborg Kommune"
    ]
    assert "electronic address" in " ".join(summary.without_einvoice[0].reasons)


def test_a_draft_budget_blocks_the_run_naming_the_product(app):
    register(budget_status="draft")
    with pytest.raises(InvoicingError, match="OS2forms"):
        runs.start_run(YEAR, None)
    assert db.session.scalars(select(Invoice)).all() == []


def test_a_second_run_of_the_year_is_refused_until_the_first_is_discarded(app):
    register()
    run = runs.start_run(YEAR, None)
    with pytest.raises(InvoicingError, match="2027"):
        runs.start_run(YEAR, None)
    runs.discard_run(run)
    assert run.status == RUN_DISCARDED
    assert db.session.scalars(select(Invoice)).all() == []
    assert len(runs.start_run(YEAR, None).invoices) == 3


def test_lines_outside_the_scope_of_vat_get_an_invoice_of_their_own(app):
    register()
    # The membership fee stays outside the scope of VAT (the default); product shares carry 25 %.
    db.session.add(ComponentVat(component="product", vat_category="S", vat_rate=Decimal("25")))
    db.session.flush()
    run = runs.start_run(YEAR, None)
    aarhus = [invoice for invoice in run.invoices if invoice.organisation.name == "Aarhus Kommune"]
    categories = sorted("".join(sorted({line.vat_category for line in i.lines})) for i in aarhus)
    assert categories == ["O", "S"]
    share = next(invoice for invoice in aarhus if invoice.lines[0].vat_category == "S")
    assert share.billing_identity == aarhus[0].billing_identity
    # Skanderborg pays only the membership fee: one invoice, all O.
    assert len([i for i in run.invoices if i.organisation.name == "Skanderborg Kommune"]) == 1


def test_issuing_numbers_stores_documents_freezes_the_budget_and_sends(app):
    town = register()
    run = runs.start_run(YEAR, None)
    odder_identity = members.default_billing_identity(town["odder"])
    set_aside = by_buyer(run)["Skanderborg Kommune"]
    runs.set_aside(set_aside)

    issued = runs.issue_run(run, None, on=ON)
    db.session.commit()

    assert [invoice.number for invoice in issued] == ["2027-00001", "2027-00002"]
    assert [invoice.organisation.name for invoice in issued] == ["Aarhus Kommune", "Odder Kommune"]
    assert run.status == RUN_ISSUED and set_aside.status == SET_ASIDE
    assert town["budget"].status == "frozen"
    odder = issued[1]
    assert odder.status == SENT
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(odder.pdf)).pages)
    share = odder.lines[1].net_amount
    assert "2027-00002" in text and "OS2forms 2027: share of the budget" in text
    assert f"{share:,.2f}" in text
    assert "Net 30 days" in text
    aarhus_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(issued[0].pdf)).pages)
    assert "Netto 30 dage" in aarhus_text and "andel af budgettet" in aarhus_text
    # The line's explanation in words: the share by population, in the buyer's language.
    assert "70.000" in aarhus_text
    ensure_valid(odder.ubl)
    assert f">{share}</cbc:LineExtensionAmount>".encode() in odder.ubl
    assert f">{odder.gross_total}</cbc:PayableAmount>".encode() in odder.ubl

    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == odder_identity.invoice_email)
    ).one()
    assert "2027-00002" in message.subject
    assert [(a.filename, a.content_type) for a in message.attachments] == [
        ("2027-00002.pdf", "application/pdf"),
        ("2027-00002.xml", "application/xml"),
    ]
    assert message.attachments[0].content == odder.pdf


def test_issue_is_all_or_nothing(app):
    town = register()
    run = runs.start_run(YEAR, None)
    # Odder's e-invoice would carry a buyer endpoint that breaks the Peppol rules.
    identity = members.default_billing_identity(town["odder"])
    identity.gln = "not-a-gln"
    db.session.commit()

    with pytest.raises(InvoicingError, match="Odder Kommune"):
        runs.issue_run(run, None, on=ON)
    db.session.commit()

    assert db.session.scalars(select(InvoiceNumberSequence)).all() == []
    assert {invoice.status for invoice in run.invoices} == {DRAFT}
    assert all(invoice.number is None and invoice.pdf is None for invoice in run.invoices)
    assert town["budget"].status == "approved"
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert run.status == "draft"


def test_a_set_aside_draft_can_be_taken_back_and_an_issued_run_not_discarded(app):
    register()
    run = runs.start_run(YEAR, None)
    odder = by_buyer(run)["Odder Kommune"]
    runs.set_aside(odder)
    assert runs.run_summary(run).invoices == 2
    runs.take_back(odder)
    assert odder.status == DRAFT and runs.run_summary(run).invoices == 3

    runs.issue_run(run, None, on=ON)
    with pytest.raises(InvoicingError):
        runs.discard_run(run)
    with pytest.raises(InvoicingError):
        runs.set_aside(odder)
    assert odder.number is not None
