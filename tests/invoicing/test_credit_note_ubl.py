"""A credit note as a Peppol BIS Billing 3.0 UBL CreditNote: it names the invoice it corrects,
credits positive amounts, and passes the same official rules as an invoice; broken copies do
not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from consortium.invoicing.document import (
    CREDIT_NOTE,
    PEPPOL_CUSTOMIZATION_ID,
    PEPPOL_PROFILE_ID,
    InvoiceDocument,
)
from consortium.invoicing.ubl import credit_note_xml, einvoice_xml, invoice_xml
from consortium.invoicing.validation import (
    CREDIT_NOTE_REFERENCE,
    EN16931,
    OWN_CHECKS,
    PEPPOL,
    SCHEMA,
    fatal_findings,
    validate,
)
from tests.invoicing.einvoices import (
    NS,
    danish_invoice,
    edited,
    exempt_line,
    german_invoice,
    outside_scope_line,
    parse,
    remove,
    text,
)
from tests.invoicing.test_validation import rules

CN = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"


def credit_note_of(invoice: InvoiceDocument, number: str = "CN-2027-00001") -> InvoiceDocument:
    """The credit note of the whole invoice, a month after it."""
    return replace(
        invoice,
        number=number,
        issue_date=date(2027, 2, 15),
        kind=CREDIT_NOTE,
        preceding_number=invoice.number,
        preceding_issue_date=invoice.issue_date,
        payment_reference=number,
        payment_terms="Beløbet modregnes i faktura 2027-00001 eller betales tilbage.",
    )


CREDIT_NOTES = {
    "danish municipality, GLN, 25 % VAT": lambda: credit_note_of(danish_invoice()),
    "german municipality, Leitweg-ID, reverse charge": lambda: credit_note_of(german_invoice()),
    "standard and exempt lines": lambda: credit_note_of(
        danish_invoice(danish_invoice().lines[0], exempt_line())
    ),
    "outside the scope of VAT only": lambda: credit_note_of(
        danish_invoice(outside_scope_line("Tilsagn til OS2forms 2027", "10000.00"))
    ),
    "one line of two": lambda: credit_note_of(danish_invoice(danish_invoice().lines[1])),
}


@pytest.mark.parametrize("name", CREDIT_NOTES)
def test_our_credit_notes_pass_the_schema_and_the_en16931_and_peppol_rules(name):
    findings = validate(credit_note_xml(CREDIT_NOTES[name]()))
    assert fatal_findings(findings) == []


def test_the_credit_note_names_the_invoice_it_corrects_and_credits_its_amounts():
    invoice = danish_invoice()
    credit_note = credit_note_of(invoice)
    tree = parse(credit_note_xml(credit_note))

    assert tree.tag == CN
    assert text(tree, "cbc:CustomizationID") == PEPPOL_CUSTOMIZATION_ID
    assert text(tree, "cbc:ProfileID") == PEPPOL_PROFILE_ID
    assert text(tree, "cbc:ID") == "CN-2027-00001"
    assert text(tree, "cbc:IssueDate") == "2027-02-15"
    assert text(tree, "cbc:CreditNoteTypeCode") == "381"
    # BT-25 and BT-26: the invoice's number and issue date.
    reference = "cac:BillingReference/cac:InvoiceDocumentReference"
    assert text(tree, f"{reference}/cbc:ID") == "2027-00001"
    assert text(tree, f"{reference}/cbc:IssueDate") == "2027-01-15"
    # The same amounts as the invoice, positive: the document's type says they are credited.
    totals = "cac:LegalMonetaryTotal"
    assert Decimal(text(tree, f"{totals}/cbc:PayableAmount")) == invoice.gross_total
    assert Decimal(text(tree, f"{totals}/cbc:TaxExclusiveAmount")) == invoice.net_total
    assert Decimal(text(tree, "cac:TaxTotal/cbc:TaxAmount")) == invoice.vat_total
    assert invoice.gross_total == Decimal("46682.09")
    lines = tree.findall("cac:CreditNoteLine", NS)
    assert [line.findtext("cbc:CreditedQuantity", namespaces=NS) for line in lines] == ["1", "1"]
    assert [Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS)) for line in lines] == [
        Decimal("25000.00"),
        Decimal("12345.67"),
    ]
    assert tree.findall("cac:InvoiceLine", NS) == []
    assert all(Decimal(element.text) >= 0 for element in tree.iterfind(".//*[@currencyID]"))


def test_nothing_is_due_or_paid_to_the_seller_on_a_credit_note():
    tree = parse(credit_note_xml(credit_note_of(danish_invoice())))
    assert tree.find("cbc:DueDate", NS) is None
    assert tree.find("cac:PaymentMeans", NS) is None
    assert text(tree, "cac:PaymentTerms/cbc:Note").startswith("Beløbet modregnes i faktura")


def test_an_invoice_stays_an_invoice_without_a_billing_reference():
    tree = parse(invoice_xml(danish_invoice()))
    assert tree.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert text(tree, "cbc:InvoiceTypeCode") == "380"
    assert tree.find("cac:BillingReference", NS) is None
    assert einvoice_xml(danish_invoice()) == invoice_xml(danish_invoice())
    credit_note = credit_note_of(danish_invoice())
    assert einvoice_xml(credit_note) == credit_note_xml(credit_note)


def test_a_credit_note_must_name_its_invoice_and_an_invoice_is_no_credit_note():
    with pytest.raises(ValueError, match="names no invoice"):
        credit_note_xml(replace(credit_note_of(danish_invoice()), preceding_number=""))
    with pytest.raises(ValueError, match="is no credit note"):
        credit_note_xml(danish_invoice())


def test_the_rule_sets_really_run_on_a_credit_note():
    findings = validate(
        b"<CreditNote xmlns='urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'/>"
    )
    assert rules(findings, SCHEMA)
    assert rules(findings, EN16931)
    assert rules(findings, PEPPOL)
    assert CREDIT_NOTE_REFERENCE in rules(findings, OWN_CHECKS)


def _credit_note_xml() -> bytes:
    return credit_note_xml(credit_note_of(danish_invoice()))


def test_a_credit_note_without_its_invoice_is_refused_by_our_own_rule_alone():
    # EN 16931 and Peppol leave the preceding invoice optional; the association's credit
    # notes always name it, and our own check holds them to it.
    broken = edited(_credit_note_xml(), lambda tree: remove(tree, "cac:BillingReference"))
    assert rules(validate(broken)) == {CREDIT_NOTE_REFERENCE}
    without_date = edited(
        _credit_note_xml(),
        lambda tree: remove(
            tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate"
        ),
    )
    assert rules(validate(without_date)) == {CREDIT_NOTE_REFERENCE}


def _set(path: str, value: str):
    def change(tree):
        tree.find(path, NS).text = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set("cbc:CreditNoteTypeCode", "380"), {"BR-CL-01", "PEPPOL-EN16931-P0101"}),
        (_set("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1.00"), {"BR-CO-10"}),
        (_set("cac:TaxTotal/cbc:TaxAmount", "1.00"), {"BR-CO-14"}),
        (lambda tree: remove(tree, "cbc:BuyerReference"), {"PEPPOL-EN16931-R003"}),
    ],
    ids=["invoice type code", "line total", "vat total", "buyer reference"],
)
def test_broken_credit_notes_are_refused_with_the_rule_they_break(change, expected):
    assert expected <= rules(validate(edited(_credit_note_xml(), change)))


def test_an_invoice_line_in_a_credit_note_breaks_the_schema():
    def rename(tree):
        for line in tree.findall("cac:CreditNoteLine", NS):
            line.tag = line.tag.replace("CreditNoteLine", "InvoiceLine")

    assert "UBL-XSD" in rules(validate(edited(_credit_note_xml(), rename)), SCHEMA)
