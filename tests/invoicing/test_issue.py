"""Issuing a draft: the number is taken then and only then, without a gap, and the invoice
keeps the seller, the buyer and the totals as they were at issue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing import services
from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.documents import address_parts, to_document
from consortium.invoicing.models import ISSUED, Invoice, InvoiceNumberSequence
from consortium.invoicing.numbering import next_number
from consortium.invoicing.services import InvoicingError, issue
from consortium.settings.models import ComponentVat
from consortium.settings.services import get_settings, update_settings
from tests.invoicing.factories import buyer, draft

ON = date(2027, 2, 1)


@pytest.fixture
def seller(app):
    settings = update_settings(
        get_settings(),
        name="OS2",
        legal_name="OS2 – Offentligt digitaliseringsfællesskab",
        address="Dokk1, Hack Kampmanns Plads 2\n8000 Aarhus C",
        registration_number="29189846",
        vat_number="",
        iban="DK5000400440116243",
        bic="DABADKKK",
        payment_terms_days=30,
    )
    return settings


def test_a_draft_has_no_number_until_it_is_issued(seller):
    invoice = draft(buyer(), "25000.00")
    assert invoice.number is None
    assert db.session.scalars(select(InvoiceNumberSequence)).all() == []

    issue(invoice, on=ON)

    assert (invoice.number, invoice.status) == ("2027-00001", ISSUED)
    assert (invoice.issued_on, invoice.due_on) == (ON, date(2027, 3, 3))


def test_numbers_follow_each_other_per_series_and_year(seller):
    aarhus, odder = buyer("Aarhus Kommune"), buyer("Odder Kommune", gln="5798000000025")
    numbers = [issue(draft(aarhus), on=ON).number, issue(draft(odder), on=ON).number]
    numbers.append(issue(draft(aarhus), on=date(2027, 12, 31)).number)
    numbers.append(issue(draft(odder), on=date(2028, 1, 2)).number)
    first = db.session.scalar(select(Invoice).where(Invoice.number == "2027-00001"))
    numbers.append(issue(draft_credit_note(first), on=ON).number)
    assert numbers == ["2027-00001", "2027-00002", "2027-00003", "2028-00001", "CN-2027-00001"]


def test_a_failed_issue_gives_its_number_back(seller):
    organisation = buyer()
    first = draft(organisation)
    with pytest.raises(RuntimeError), db.session.begin_nested():  # noqa: PT012 - the issue is undone
        issue(first, on=ON)
        raise RuntimeError("the documents could not be stored")
    db.session.expire_all()
    assert first.number is None and first.status == "draft"
    assert issue(draft(organisation), on=ON).number == "2027-00001"


def test_the_prefix_of_a_year_stays_when_the_settings_change(seller):
    update_settings(seller, invoice_prefix="INV-")
    organisation = buyer()
    assert issue(draft(organisation), on=ON).number == "INV-2027-00001"
    update_settings(seller, invoice_prefix="OS2-")
    assert issue(draft(organisation), on=ON).number == "INV-2027-00002"
    assert issue(draft(organisation), on=date(2028, 1, 1)).number == "OS2-2028-00001"


def test_next_number_reads_prefix_year_and_five_digits(seller):
    assert next_number("invoice", 2031) == "2031-00001"
    assert next_number("credit_note", 2031) == "CN-2031-00001"
    assert next_number("invoice", 2031) == "2031-00002"


def test_an_invoice_is_issued_once(seller):
    invoice = issue(draft(buyer()), on=ON)
    with pytest.raises(InvoicingError, match="issued already"):
        issue(invoice, on=ON)
    with pytest.raises(InvoicingError, match="issued already"):
        services.add_line(invoice, "free", "More", Decimal("1.00"))
    assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 1


def test_an_empty_draft_is_not_issued(seller):
    invoice = services.create_draft(buyer())
    with pytest.raises(InvoicingError, match="without lines"):
        issue(invoice, on=ON)
    assert invoice.number is None


def test_lines_outside_the_scope_of_vat_go_on_an_invoice_of_their_own(seller):
    db.session.add(ComponentVat(component="free", vat_category="S", vat_rate=Decimal("25.00")))
    invoice = draft(buyer(), "25000.00")  # membership: outside the scope of VAT by default
    services.add_line(invoice, "free", "Workshop", Decimal("1000.00"))
    with pytest.raises(InvoicingError, match="invoice of their own"):
        issue(invoice, on=ON)
    assert invoice.number is None


def test_totals_are_the_vat_per_category_on_the_sum_of_its_lines(seller):
    db.session.add(ComponentVat(component="free", vat_category="S", vat_rate=Decimal("25.00")))
    update_settings(seller, vat_number="DK29189846")  # VAT is charged under the seller's number
    # Three lines of 0.10 at 25 %: 0.075 rounds to 0.08 on the sum, not 3 × 0.03 = 0.09.
    invoice = draft(buyer(), "0.10", "0.10", "0.10", component="free")
    issue(invoice, on=ON)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("0.30"),
        Decimal("0.08"),
        Decimal("0.38"),
    )


def test_membership_is_outside_the_scope_of_vat_by_default(seller):
    invoice = issue(draft(buyer(), "25000.00"), on=ON)
    line = invoice.lines[0]
    assert (line.vat_category, line.vat_rate, line.exemption_code) == (
        "O",
        Decimal("0.00"),
        "VATEX-EU-O",
    )
    assert "uden for momslovens område" in line.exemption_reason  # the Danish buyer's words
    assert (invoice.vat_total, invoice.gross_total) == (Decimal("0.00"), Decimal("25000.00"))


def test_the_invoice_keeps_seller_and_buyer_as_they_were_at_issue(seller):
    organisation = buyer(reference="PO-4711")
    invoice = issue(draft(organisation, "25000.00"), on=ON)
    organisation.name = "Aarhus Kommune (renamed)"
    organisation.billing_identities[0].gln = "5798000000099"
    update_settings(seller, iban="DE89370400440532013000", legal_name="Someone else")
    db.session.flush()

    issued = to_document(invoice)

    assert issued.number == "2027-00001"
    assert issued.seller.name == "OS2 – Offentligt digitaliseringsfællesskab"
    assert (issued.seller.street, issued.seller.postcode, issued.seller.city) == (
        "Dokk1, Hack Kampmanns Plads 2",
        "8000",
        "Aarhus C",
    )
    assert (
        issued.seller.electronic_address.scheme,
        issued.seller.electronic_address.identifier,
    ) == (
        "0184",
        "29189846",
    )
    assert issued.iban == "DK5000400440116243"
    assert issued.buyer.name == "Aarhus Kommune"
    assert issued.buyer.electronic_address.identifier == "5798000000001"
    assert issued.buyer_reference == "PO-4711"
    assert issued.gross_total == invoice.gross_total == Decimal("25000.00")
    assert issued.due_date == date(2027, 3, 3)
    assert issued.language == "da"


def test_the_buyer_reference_falls_back_to_the_gln(seller):
    invoice = issue(draft(buyer(reference="")), on=ON)
    assert invoice.buyer_reference == "5798000000001"
    assert (invoice.buyer_endpoint_scheme, invoice.buyer_endpoint_id) == ("0088", "5798000000001")


def test_a_german_buyer_is_addressed_by_its_leitweg_id(seller):
    organisation = buyer(
        "Stadt Musterhausen",
        gln=None,
        reference="04011000-1234512345-06",
        country="DE",
        address="Marktplatz 1\n12345 Musterhausen",
    )
    invoice = issue(draft(organisation), on=ON)
    assert (invoice.buyer_endpoint_scheme, invoice.buyer_endpoint_id) == (
        "0204",
        "04011000-1234512345-06",
    )
    assert invoice.buyer_reference == "04011000-1234512345-06"


def test_a_buyer_without_an_electronic_address_has_none(seller):
    invoice = issue(draft(buyer(gln=None, reference="")), on=ON)
    assert to_document(invoice).buyer.electronic_address is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Rådhuspladsen 2\n8000 Aarhus C", ("Rådhuspladsen 2", "", "8000", "Aarhus C")),
        ("Mariánské nám. 2\n110 00 Praha 1", ("Mariánské nám. 2", "", "110 00", "Praha 1")),
        ("Att. Økonomi\nTorvet 1\nDK-8300 Odder", ("Att. Økonomi", "Torvet 1", "8300", "Odder")),
        ("Torvet 1", ("Torvet 1", "", "", "")),
        ("Torvet 1\nOdder", ("Torvet 1", "", "", "Odder")),
        ("", ("", "", "", "")),
    ],
)
def test_a_written_address_is_read_as_street_postcode_and_city(text, parts):
    assert address_parts(text) == parts
