"""Credit notes as the secretariat makes them and a municipality's finance department receives
them: the whole invoice or some of its lines credited, numbered in their own series, a PDF
that says credit note and names the invoice, a Peppol CreditNote the official rules accept,
each line credited once, and never changed once issued."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select, text

from consortium.extensions import db
from consortium.invoicing import services
from consortium.invoicing.credit_notes import (
    COPIED_FROM_INVOICE,
    COPIED_FROM_LINE,
    credited_total,
    discard_credit_note,
    draft_credit_note,
)
from consortium.invoicing.models import (
    CREDIT_NOTE,
    DRAFT,
    ISSUED,
    Invoice,
    InvoiceLine,
    InvoiceNumberSequence,
)
from consortium.invoicing.services import InvoicingError, issue
from consortium.invoicing.validation import fatal_findings, validate
from consortium.products.models import Product
from tests.invoicing.einvoices import NS
from tests.invoicing.factories import buyer, complete_seller, draft
from tests.invoicing.test_immutability import _refused

ON = date(2027, 2, 1)
LATER = date(2027, 3, 10)


@pytest.fixture
def invoice(app):
    """Aarhus's issued invoice of three lines: 25.000,00 + 10.000,00 + 1.234,56 kr."""
    complete_seller()
    organisation = buyer()
    product = Product(slug="os2forms", name="OS2forms", status="product")
    db.session.add(product)
    invoice = draft(organisation, "25000.00", "10000.00")
    services.add_line(
        invoice,
        "product",
        "OS2forms 2027",
        Decimal("1234.56"),
        product=product,
        explanation={"rule": "equal", "note": "kept as it was"},
    )
    return issue(invoice, on=ON)


def _xml(credit_note: Invoice) -> etree._Element:
    return etree.fromstring(credit_note.ubl)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\u00a0\u202f]", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_crediting_a_whole_invoice_copies_its_lines_and_credits_its_total(invoice):
    credit_note = draft_credit_note(invoice)

    assert (credit_note.series, credit_note.status, credit_note.number) == (
        CREDIT_NOTE,
        DRAFT,
        None,
    )
    assert credit_note.credited_invoice is invoice
    for name in COPIED_FROM_INVOICE:
        assert getattr(credit_note, name) == getattr(invoice, name), name
    assert credit_note.organisation.name == "Aarhus Kommune"
    for name in COPIED_FROM_LINE:
        assert [getattr(line, name) for line in credit_note.lines] == [
            getattr(line, name) for line in invoice.lines
        ], name
    assert [line.product.name if line.product else None for line in credit_note.lines] == [
        None,
        None,
        "OS2forms",
    ]
    assert credit_note.lines[2].explanation == {"rule": "equal", "note": "kept as it was"}
    assert [line.credited_line for line in credit_note.lines] == invoice.lines
    assert credited_total(invoice) == Decimal("0.00")  # a draft credits nothing yet

    issue(credit_note, on=LATER)

    assert (credit_note.number, credit_note.status) == ("CN-2027-00001", ISSUED)
    assert credit_note.gross_total == invoice.gross_total == Decimal("36234.56")
    assert credit_note.due_on is None  # nothing is due on a credit note
    assert credited_total(invoice) == Decimal("36234.56")


def test_crediting_some_lines_credits_only_those_and_the_rest_can_follow(invoice):
    first, second, third = invoice.lines
    credit_note = issue(draft_credit_note(invoice, [third]), on=LATER)
    assert [line.description for line in credit_note.lines] == ["OS2forms 2027"]
    assert credited_total(invoice) == Decimal("1234.56")

    # By id, as a page's form posts them.
    second_note = issue(draft_credit_note(invoice, [second.id]), on=LATER)
    assert [line.net_amount for line in second_note.lines] == [Decimal("10000.00")]

    # The whole invoice again: what is left.
    rest = draft_credit_note(invoice)
    assert [line.credited_line for line in rest.lines] == [first]
    issue(rest, on=LATER)
    assert credited_total(invoice) == invoice.gross_total
    assert [note.number for note in invoice.credit_notes] == [
        "CN-2027-00001",
        "CN-2027-00002",
        "CN-2027-00003",
    ]

    with pytest.raises(InvoicingError, match="Every line of invoice 2027-00001 has been credited"):
        draft_credit_note(invoice)


def test_credit_notes_are_numbered_in_their_own_series_without_a_gap(invoice):
    odder = buyer("Odder Kommune", gln="5798000000025")
    second_invoice = issue(draft(odder, "5000.00"), on=ON)
    notes = [
        issue(draft_credit_note(invoice, [invoice.lines[0]]), on=LATER),
        issue(draft_credit_note(second_invoice), on=LATER),
        issue(draft_credit_note(invoice, [invoice.lines[1]]), on=date(2028, 1, 5)),
    ]
    next_invoice = issue(draft(odder, "100.00"), on=LATER)

    assert [note.number for note in notes] == ["CN-2027-00001", "CN-2027-00002", "CN-2028-00001"]
    assert (invoice.number, second_invoice.number, next_invoice.number) == (
        "2027-00001",
        "2027-00002",
        "2027-00003",
    )
    sequences = db.session.execute(
        select(
            InvoiceNumberSequence.series,
            InvoiceNumberSequence.year,
            InvoiceNumberSequence.last_number,
        ).order_by(InvoiceNumberSequence.series, InvoiceNumberSequence.year)
    ).all()
    assert sequences == [("credit_note", 2027, 2), ("credit_note", 2028, 1), ("invoice", 2027, 3)]


def test_the_e_invoice_is_a_valid_credit_note_naming_the_invoice(invoice):
    credit_note = issue(draft_credit_note(invoice, [invoice.lines[0], invoice.lines[2]]), on=LATER)

    assert fatal_findings(validate(credit_note.ubl)) == []
    tree = _xml(credit_note)
    assert etree.QName(tree).localname == "CreditNote"
    assert tree.findtext("cbc:ID", namespaces=NS) == "CN-2027-00001"
    assert tree.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference"
    assert tree.findtext(f"{reference}/cbc:ID", namespaces=NS) == "2027-00001"  # BT-25
    assert tree.findtext(f"{reference}/cbc:IssueDate", namespaces=NS) == "2027-02-01"  # BT-26
    payable = tree.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
    assert Decimal(payable) == credit_note.gross_total == Decimal("26234.56")
    credited = [
        Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS))
        for line in tree.findall("cac:CreditNoteLine", NS)
    ]
    assert credited == [Decimal("25000.00"), Decimal("1234.56")]


def test_the_pdf_says_credit_note_names_the_invoice_and_shows_the_amounts_of_the_database(
    invoice,
):
    credit_note = issue(draft_credit_note(invoice, [invoice.lines[1], invoice.lines[2]]), on=LATER)
    pdf = _pdf_text(credit_note.pdf)
    payable = _xml(credit_note).findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)

    # Aarhus reads Danish.
    assert "Kreditnota" in pdf
    assert "Krediterer faktura 2027-00001 af 1. februar 2027" in pdf
    assert "Kreditnotanummer CN-2027-00001" in pdf
    assert Decimal(payable) == credit_note.gross_total == Decimal("11234.56")
    assert "Krediteret beløb 11.234,56 kr." in pdf
    assert "I alt krediteret 11.234,56 kr." in pdf
    for line in credit_note.lines:
        assert line.description in pdf
    assert "10.000,00" in pdf and "1.234,56" in pdf
    assert "25.000,00" not in pdf  # the line not credited
    # Nothing to pay and no due date on a credit note.
    assert "Beløb til betaling" not in pdf
    assert "Forfaldsdato" not in pdf
    assert "modregnes i faktura 2027-00001" in pdf


def test_an_english_buyer_reads_credit_note_in_english(invoice):
    invoice.organisation.language = "en"
    invoice_en = issue(draft(invoice.organisation, "800.00"), on=ON)
    credit_note = issue(draft_credit_note(invoice_en), on=LATER)
    pdf = _pdf_text(credit_note.pdf)
    assert "Credit note" in pdf
    assert "Credits invoice 2027-00002 of February 1, 2027" in pdf
    assert "Total credited DKK 800.00" in pdf


def test_a_buyer_without_an_electronic_address_gets_the_credit_note_as_pdf_only(app):
    complete_seller()
    organisation = buyer("Odder Kommune", gln=None)
    invoice = issue(draft(organisation, "500.00"), on=ON)
    credit_note = issue(draft_credit_note(invoice), on=LATER)
    assert invoice.ubl is None and credit_note.ubl is None
    assert credit_note.pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("a draft", "Only an issued invoice can be credited"),
        ("a credit note", "A credit note cannot be credited"),
        ("no line", "Choose at least one line to credit"),
        ("a line of another invoice", "Only the lines of invoice 2027-00001 can be credited"),
    ],
)
def test_what_cannot_be_credited_is_refused_with_a_message(invoice, what, message):
    other = draft(buyer("Odder Kommune", gln="5798000000025"), "10.00")
    if what == "a draft":
        call = lambda: draft_credit_note(other)  # noqa: E731
    elif what == "a credit note":
        credit_note = issue(draft_credit_note(invoice, [invoice.lines[0]]), on=LATER)
        call = lambda: draft_credit_note(credit_note)  # noqa: E731
    elif what == "no line":
        call = lambda: draft_credit_note(invoice, [])  # noqa: E731
    else:
        call = lambda: draft_credit_note(invoice, [other.lines[0]])  # noqa: E731
    with pytest.raises(InvoicingError, match=message):
        call()


def test_a_line_is_credited_once(invoice):
    line = invoice.lines[1]
    issue(draft_credit_note(invoice, [line]), on=LATER)

    with pytest.raises(InvoicingError) as refused:
        draft_credit_note(invoice, [invoice.lines[0], line])
    assert refused.value.message == (
        "Line 2 of invoice 2027-00001 (Line 2) has been credited already, by credit note "
        "CN-2027-00001."
    )
    assert credited_total(invoice) == Decimal("10000.00")
    assert len(invoice.credit_notes) == 1


def test_a_line_on_a_draft_credit_note_waits_for_that_draft(invoice):
    first = invoice.lines[0]
    waiting = draft_credit_note(invoice, [first])
    with pytest.raises(
        InvoicingError, match=r"Line 1 of invoice 2027-00001 \(Line 1\) is on a draft"
    ):
        draft_credit_note(invoice, [first])
    # The whole invoice: what no credit note holds yet.
    rest = draft_credit_note(invoice)
    assert [line.credited_line for line in rest.lines] == invoice.lines[1:]

    discard_credit_note(waiting)

    again = draft_credit_note(invoice, [first])
    assert [line.credited_line for line in again.lines] == [first]
    with pytest.raises(InvoicingError, match="Only a draft credit note can be discarded"):
        discard_credit_note(issue(again, on=LATER))


def test_a_second_credit_of_a_line_made_past_the_service_is_refused_at_issue(invoice):
    first = draft_credit_note(invoice, [invoice.lines[0]])
    sneaked = services.create_draft(
        invoice.organisation, invoice.billing_identity, series=CREDIT_NOTE
    )
    sneaked.credited_invoice = invoice
    db.session.add(
        InvoiceLine(
            invoice=sneaked,
            position=1,
            component="membership",
            description="Once more",
            unit_price=Decimal("25000.00"),
            net_amount=Decimal("25000.00"),
            vat_category="S",
            vat_rate=Decimal("25"),
            credited_line_id=invoice.lines[0].id,
        )
    )
    db.session.flush()
    issue(first, on=LATER)

    with pytest.raises(InvoicingError, match="Only DKK\xa00.00 is left to credit of line 1"):
        issue(sneaked, on=LATER)
    assert credited_total(invoice) == Decimal("25000.00")


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("no invoice", "A credit note must name the issued invoice it corrects"),
        ("negative amount", "must be more than zero"),
        ("dated before the invoice", "cannot be dated before invoice 2027-00001"),
    ],
)
def test_issuing_a_credit_note_that_is_not_one_is_refused(invoice, what, message):
    if what == "no invoice":
        credit_note = services.create_draft(
            invoice.organisation, invoice.billing_identity, series=CREDIT_NOTE
        )
        services.add_line(credit_note, "free", "Correction", Decimal("100.00"))
        on = LATER
    elif what == "negative amount":
        credit_note = draft_credit_note(invoice, [invoice.lines[0]])
        services.add_line(credit_note, "free", "Correction", Decimal("-100.00"))
        on = LATER
    else:
        credit_note = draft_credit_note(invoice, [invoice.lines[0]])
        on = date(2027, 1, 31)
    with pytest.raises(InvoicingError, match=message):
        issue(credit_note, on=on)
    assert credit_note.number is None
    assert (
        db.session.scalar(
            select(InvoiceNumberSequence).where(InvoiceNumberSequence.series == CREDIT_NOTE)
        )
        is None
    )


@pytest.fixture
def issued_note(invoice):
    return issue(draft_credit_note(invoice, [invoice.lines[0]]), on=LATER)


CHANGES = {
    "credited invoice": lambda note, other: setattr(note, "credited_invoice_id", other.id),
    "amount": lambda note, other: setattr(note, "gross_total", Decimal("1.00")),
    "number": lambda note, other: setattr(note, "number", "CN-2027-00099"),
    "stored e-invoice": lambda note, other: setattr(note, "ubl", b"<CreditNote/>"),
    "back to draft": lambda note, other: setattr(note, "status", "draft"),
    "deleted": lambda note, other: db.session.delete(note),
    "line amount": lambda note, other: setattr(note.lines[0], "net_amount", Decimal("1")),
    "credited line": lambda note, other: setattr(
        note.lines[0], "credited_line_id", other.lines[0].id
    ),
    "line removed": lambda note, other: db.session.delete(note.lines[0]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_issued_credit_note_never_changes(issued_note, change):
    note_id = issued_note.id
    other = issue(draft(buyer("Odder Kommune", gln="5798000000025"), "7.00"), on=ON)
    _refused(lambda: CHANGES[change](db.session.get(Invoice, note_id), other))
    kept = db.session.get(Invoice, note_id)
    assert (kept.number, kept.status, kept.gross_total) == (
        "CN-2027-00001",
        ISSUED,
        Decimal("25000.00"),
    )
    assert kept.credited_invoice.number == "2027-00001"
    assert [line.net_amount for line in kept.lines] == [Decimal("25000.00")]


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_plain_sql_cannot_change_an_issued_credit_note(issued_note):
    db.session.flush()
    _refused(
        lambda: db.session.execute(
            text("UPDATE invoice SET credited_invoice_id = NULL WHERE id = :id"),
            {"id": issued_note.id},
        )
    )
    _refused(
        lambda: db.session.execute(
            text("UPDATE invoice_line SET credited_line_id = NULL WHERE invoice_id = :id"),
            {"id": issued_note.id},
        )
    )
    assert db.session.get(Invoice, issued_note.id).credited_invoice_id is not None


def test_who_drafted_a_credit_note_is_kept(invoice, secretariat):
    credit_note = draft_credit_note(invoice, user_id=secretariat.id)
    assert credit_note.created_by_user_id == secretariat.id
