"""An invoice as a Peppol BIS Billing 3.0 e-invoice: a UBL 2.1 Invoice or CreditNote made from
the document.

Pure: no Flask, no database. :func:`invoice_xml` writes the same :class:`InvoiceDocument` the
PDF shows, element by element in the order the UBL 2.1 schema requires; every amount has two
decimals and the invoice's currency. :func:`credit_note_xml` writes a credit note the same way
as a UBL CreditNote: type code 381, the invoice it corrects as its billing reference (BT-25,
BT-26), credit note lines with their credited quantities, and positive amounts (the document's
type says they are credited). :func:`einvoice_xml` writes either, as the document's kind asks. :mod:`consortium.invoicing.validation` checks the result
against the UBL schema, the EN 16931 rules and the Peppol rules.

A Peppol e-invoice reaches its buyer only with the buyer's electronic address (BT-49) and must
carry a buyer reference (BT-10); :func:`einvoice_refusal` names what a document lacks, and
:func:`invoice_xml` refuses such a document with :class:`EInvoiceRefused`. The invoicing run
sends such a buyer the PDF only and lists it at review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from consortium.invoicing.document import (
    CENT,
    NEEDS_EXEMPTION_REASON,
    OUTSIDE_SCOPE,
    PEPPOL_CUSTOMIZATION_ID,
    PEPPOL_PROFILE_ID,
    SCHEME_DK_CVR,
    SCHEME_GLN,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
    TaxSubtotal,
)

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NAMESPACES = {None: UBL_INVOICE, "cac": CAC, "cbc": CBC}


@dataclass(frozen=True)
class _Syntax:
    """Where a UBL Invoice and a UBL CreditNote name the same thing differently."""

    namespace: str
    root: str
    type_code: str
    line: str
    quantity: str
    # A UBL 2.1 CreditNote has no due date of its own, and nothing on it is paid to the seller.
    payable: bool


INVOICE_SYNTAX = _Syntax(
    UBL_INVOICE, "Invoice", "InvoiceTypeCode", "InvoiceLine", "InvoicedQuantity", payable=True
)
CREDIT_NOTE_SYNTAX = _Syntax(
    UBL_CREDIT_NOTE,
    "CreditNote",
    "CreditNoteTypeCode",
    "CreditNoteLine",
    "CreditedQuantity",
    payable=False,
)

# UNCL4461 payment means: SEPA credit transfer for euros; otherwise a credit transfer, which the
# Danish Peppol rules (DK-R-005) let a Danish seller name only as 31, an international transfer
# to the IBAN and BIC given.
SEPA_CREDIT_TRANSFER = "58"
CREDIT_TRANSFER = "30"
DANISH_CREDIT_TRANSFER = "31"

# Why a document can become no e-invoice. N_() marks the messages for the translation extractor;
# this pure module keeps them in English and whoever shows a refusal translates it with gettext.
MISSING_ELECTRONIC_ADDRESS = "buyer_electronic_address"
MISSING_BUYER_REFERENCE = "buyer_reference"


def N_(message: str) -> str:  # the name the translation extractor knows
    """Mark a message for translation without translating it here."""
    return message


REFUSAL_MESSAGES = {
    MISSING_ELECTRONIC_ADDRESS: N_(
        "The billing identity has no electronic address (a GLN, a Leitweg-ID or a Peppol "
        "participant id), so it can receive no e-invoice."
    ),
    MISSING_BUYER_REFERENCE: N_(
        "The billing identity has no invoice reference and no GLN to use as the buyer "
        "reference, which every Peppol e-invoice must carry."
    ),
}


class EInvoiceRefused(ValueError):
    """The document lacks data a Peppol e-invoice must carry; ``missing`` names it."""

    def __init__(self, number: str, missing: tuple[str, ...]) -> None:
        self.number = number
        self.missing = missing
        reasons = " ".join(REFUSAL_MESSAGES[code] for code in missing)
        super().__init__(f"No e-invoice for invoice {number or '(draft)'}: {reasons}")


def einvoice_refusal(document: InvoiceDocument) -> tuple[str, ...]:
    """What the document lacks for a Peppol e-invoice (codes of REFUSAL_MESSAGES), or ()."""
    missing = []
    address = document.buyer.electronic_address
    endpoint = peppol_address(address) if address is not None else None
    if endpoint is None or not endpoint.scheme or not endpoint.identifier:
        missing.append(MISSING_ELECTRONIC_ADDRESS)
    if not document.buyer_reference.strip():
        missing.append(MISSING_BUYER_REFERENCE)
    return tuple(missing)


def ensure_einvoice_possible(document: InvoiceDocument) -> None:
    """Raise :class:`EInvoiceRefused` when the document cannot become a Peppol e-invoice."""
    missing = einvoice_refusal(document)
    if missing:
        raise EInvoiceRefused(document.number, missing)


_PARTICIPANT_ID = re.compile(r"^(?:iso6523-actorid-upis::)?(\d{4}):(.+)$")


def peppol_address(address: ElectronicAddress) -> ElectronicAddress:
    """The address as Peppol writes it: a participant id such as
    ``iso6523-actorid-upis::0088:5798000000001`` or ``0088:5798000000001`` gives its scheme and
    identifier; a Danish CVR under scheme 0184 carries the country prefix (PEPPOL-COMMON-R042)."""
    scheme, identifier = address.scheme.strip(), address.identifier.strip()
    match = _PARTICIPANT_ID.match(identifier)
    if match:
        scheme, identifier = match.group(1), match.group(2).strip()
    if scheme == SCHEME_DK_CVR:
        identifier = danish_cvr(identifier)
    return ElectronicAddress(scheme=scheme, identifier=identifier)


def danish_cvr(value: str) -> str:
    """A CVR number as the 0184 scheme writes it: ``DK`` and eight digits."""
    digits = re.sub(r"\D", "", value)
    return f"DK{digits}"


def seller_address(seller: Party) -> ElectronicAddress | None:
    """The seller's endpoint (BT-34): its own electronic address when it has one, else its
    identifier under the scheme that identifier belongs to (0184 for a Danish CVR)."""
    if seller.electronic_address is not None:
        return peppol_address(seller.electronic_address)
    if seller.country == "DK":
        cvr = seller.registration_number or seller.vat_number
        if re.sub(r"\D", "", cvr):
            return ElectronicAddress(SCHEME_DK_CVR, danish_cvr(cvr))
    return None


def payment_means_code(document: InvoiceDocument) -> str:
    """SEPA credit transfer for euros, else a credit transfer (31 between Danish parties)."""
    if document.currency == "EUR":
        return SEPA_CREDIT_TRANSFER
    if document.seller.country == "DK" and document.buyer.country == "DK":
        return DANISH_CREDIT_TRANSFER
    return CREDIT_TRANSFER


def amount(value: Decimal) -> str:
    """An amount with two decimals (BR-DEC-*)."""
    return str(value.quantize(CENT))


def _number(value: Decimal) -> str:
    """A quantity or a rate without trailing zeros: 1, 25, 12.5."""
    return format(value.normalize(), "f")


def _price(value: Decimal) -> str:
    """A unit price: two decimals, or more when the price has more."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return amount(value)
    return format(value.normalize(), "f")


class _Writer:
    """Builds the UBL tree; each method appends one aggregate in the schema's order."""

    def __init__(self, document: InvoiceDocument, syntax: _Syntax = INVOICE_SYNTAX) -> None:
        self.document = document
        self.syntax = syntax
        self.currency = document.currency
        self.outside_scope = any(line.vat_category == OUTSIDE_SCOPE for line in document.lines)

    def cbc(self, parent: etree._Element, name: str, text: str, **attributes: str) -> None:
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrib=attributes or None)
        element.text = text

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal) -> None:
        self.cbc(parent, name, amount(value), currencyID=self.currency)

    def build(self) -> etree._Element:
        document, syntax = self.document, self.syntax
        root = etree.Element(
            f"{{{syntax.namespace}}}{syntax.root}", nsmap={**NAMESPACES, None: syntax.namespace}
        )
        self.cbc(root, "CustomizationID", PEPPOL_CUSTOMIZATION_ID)
        self.cbc(root, "ProfileID", PEPPOL_PROFILE_ID)
        self.cbc(root, "ID", document.number)
        self.cbc(root, "IssueDate", document.issue_date.isoformat())
        if syntax.payable:
            self.cbc(root, "DueDate", document.due_date.isoformat())
        self.cbc(root, syntax.type_code, document.type_code)
        if document.note.strip():
            self.cbc(root, "Note", document.note.strip())
        self.cbc(root, "DocumentCurrencyCode", self.currency)
        self.cbc(root, "BuyerReference", document.buyer_reference.strip())
        if document.period_start or document.period_end:
            period = self.cac(root, "InvoicePeriod")
            if document.period_start:
                self.cbc(period, "StartDate", document.period_start.isoformat())
            if document.period_end:
                self.cbc(period, "EndDate", document.period_end.isoformat())
        if document.order_reference.strip():
            order = self.cac(root, "OrderReference")
            self.cbc(order, "ID", document.order_reference.strip())
        if document.preceding_number.strip():
            self.billing_reference(root)
        supplier = self.cac(root, "AccountingSupplierParty")
        self.party(supplier, document.seller, seller_address(document.seller), seller=True)
        customer = self.cac(root, "AccountingCustomerParty")
        buyer_address = document.buyer.electronic_address
        self.party(
            customer,
            document.buyer,
            peppol_address(buyer_address) if buyer_address else None,
            seller=False,
        )
        self.payment(root)
        self.tax_total(root)
        self.monetary_total(root)
        for index, line in enumerate(document.lines, start=1):
            self.invoice_line(root, index, line)
        return root

    def billing_reference(self, root: etree._Element) -> None:
        """The invoice a credit note corrects (BG-3: BT-25 and BT-26)."""
        reference = self.cac(self.cac(root, "BillingReference"), "InvoiceDocumentReference")
        self.cbc(reference, "ID", self.document.preceding_number.strip())
        if self.document.preceding_issue_date is not None:
            self.cbc(reference, "IssueDate", self.document.preceding_issue_date.isoformat())

    def party(
        self,
        parent: etree._Element,
        party: Party,
        endpoint: ElectronicAddress | None,
        *,
        seller: bool,
    ) -> None:
        element = self.cac(parent, "Party")
        if endpoint is not None:
            self.cbc(element, "EndpointID", endpoint.identifier, schemeID=endpoint.scheme)
        identification = self.party_identification(party, endpoint)
        if identification is not None:
            ident = self.cac(element, "PartyIdentification")
            self.cbc(ident, "ID", identification.identifier, schemeID=identification.scheme)
        name = self.cac(element, "PartyName")
        self.cbc(name, "Name", party.name)
        self.postal_address(element, party)
        # BR-O-02: an invoice of category O names neither party's VAT identifier.
        if party.vat_number.strip() and not self.outside_scope:
            tax_scheme = self.cac(element, "PartyTaxScheme")
            self.cbc(tax_scheme, "CompanyID", party.vat_number.strip())
            scheme = self.cac(tax_scheme, "TaxScheme")
            self.cbc(scheme, "ID", "VAT")
        legal = self.cac(element, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", party.name)
        if party.registration_number.strip():
            if party.country == "DK":
                self.cbc(
                    legal,
                    "CompanyID",
                    danish_cvr(party.registration_number),
                    schemeID=SCHEME_DK_CVR,
                )
            else:
                self.cbc(legal, "CompanyID", party.registration_number.strip())
        if party.contact_name.strip() or party.email.strip():
            contact = self.cac(element, "Contact")
            if party.contact_name.strip():
                self.cbc(contact, "Name", party.contact_name.strip())
            if party.email.strip():
                self.cbc(contact, "ElectronicMail", party.email.strip())

    @staticmethod
    def party_identification(
        party: Party, endpoint: ElectronicAddress | None
    ) -> ElectronicAddress | None:
        """A GLN identifies a party; a Danish party without one is identified by its CVR."""
        if endpoint is not None and endpoint.scheme == SCHEME_GLN:
            return endpoint
        if party.country == "DK" and party.registration_number.strip():
            return ElectronicAddress(SCHEME_DK_CVR, danish_cvr(party.registration_number))
        return None

    def postal_address(self, parent: etree._Element, party: Party) -> None:
        address = self.cac(parent, "PostalAddress")
        if party.street.strip():
            self.cbc(address, "StreetName", party.street.strip())
        if party.additional_street.strip():
            self.cbc(address, "AdditionalStreetName", party.additional_street.strip())
        if party.city.strip():
            self.cbc(address, "CityName", party.city.strip())
        if party.postcode.strip():
            self.cbc(address, "PostalZone", party.postcode.strip())
        country = self.cac(address, "Country")
        self.cbc(country, "IdentificationCode", party.country)

    def payment(self, root: etree._Element) -> None:
        document = self.document
        if document.iban.strip() and self.syntax.payable:
            means = self.cac(root, "PaymentMeans")
            self.cbc(means, "PaymentMeansCode", payment_means_code(document))
            reference = document.payment_reference.strip() or document.number
            self.cbc(means, "PaymentID", reference)
            account = self.cac(means, "PayeeFinancialAccount")
            self.cbc(account, "ID", re.sub(r"\s", "", document.iban))
            if document.bic.strip():
                branch = self.cac(account, "FinancialInstitutionBranch")
                self.cbc(branch, "ID", document.bic.strip())
        if document.payment_terms.strip():
            terms = self.cac(root, "PaymentTerms")
            self.cbc(terms, "Note", document.payment_terms.strip())

    def tax_total(self, root: etree._Element) -> None:
        total = self.cac(root, "TaxTotal")
        self.money(total, "TaxAmount", self.document.vat_total)
        for subtotal in self.document.subtotals:
            self.tax_subtotal(total, subtotal)

    def tax_subtotal(self, parent: etree._Element, subtotal: TaxSubtotal) -> None:
        element = self.cac(parent, "TaxSubtotal")
        self.money(element, "TaxableAmount", subtotal.taxable_amount)
        self.money(element, "TaxAmount", subtotal.tax_amount)
        category = self.cac(element, "TaxCategory")
        self.cbc(category, "ID", subtotal.category)
        if subtotal.category != OUTSIDE_SCOPE:  # category O has no rate
            self.cbc(category, "Percent", _number(subtotal.rate))
        if subtotal.category in NEEDS_EXEMPTION_REASON:
            if subtotal.exemption_code.strip():
                self.cbc(category, "TaxExemptionReasonCode", subtotal.exemption_code.strip())
            if subtotal.exemption_reason.strip():
                self.cbc(category, "TaxExemptionReason", subtotal.exemption_reason.strip())
        scheme = self.cac(category, "TaxScheme")
        self.cbc(scheme, "ID", "VAT")

    def monetary_total(self, root: etree._Element) -> None:
        document = self.document
        total = self.cac(root, "LegalMonetaryTotal")
        self.money(total, "LineExtensionAmount", document.net_total)
        self.money(total, "TaxExclusiveAmount", document.net_total)
        self.money(total, "TaxInclusiveAmount", document.gross_total)
        self.money(total, "PayableAmount", document.gross_total)

    def invoice_line(self, root: etree._Element, index: int, line: Line) -> None:
        element = self.cac(root, self.syntax.line)
        self.cbc(element, "ID", str(index))
        self.cbc(element, self.syntax.quantity, _number(line.quantity), unitCode=line.unit_code)
        self.money(element, "LineExtensionAmount", line.net_amount)
        item = self.cac(element, "Item")
        if line.explanation.strip():
            self.cbc(item, "Description", line.explanation.strip())
        self.cbc(item, "Name", line.description.strip())
        category = self.cac(item, "ClassifiedTaxCategory")
        self.cbc(category, "ID", line.vat_category)
        if line.vat_category != OUTSIDE_SCOPE:  # BR-O-5
            self.cbc(category, "Percent", _number(line.vat_rate))
        scheme = self.cac(category, "TaxScheme")
        self.cbc(scheme, "ID", "VAT")
        price = self.cac(element, "Price")
        self.cbc(price, "PriceAmount", _price(line.price), currencyID=self.currency)


def invoice_xml(document: InvoiceDocument) -> bytes:
    """The document as a Peppol BIS Billing 3.0 UBL 2.1 Invoice (UTF-8 bytes).

    Raises :class:`EInvoiceRefused` when the buyer has no electronic address or the document
    no buyer reference."""
    return _xml(document, INVOICE_SYNTAX)


def credit_note_xml(document: InvoiceDocument) -> bytes:
    """The credit note as a Peppol BIS Billing 3.0 UBL 2.1 CreditNote (UTF-8 bytes), naming
    the invoice it corrects.

    Raises :class:`EInvoiceRefused` as :func:`invoice_xml` does, and a ValueError for a
    document that is no credit note or names no invoice it corrects."""
    if not document.is_credit_note:
        raise ValueError(f"{document.number or '(draft)'} is no credit note")
    if not document.preceding_number.strip():
        raise ValueError(f"credit note {document.number or '(draft)'} names no invoice")
    return _xml(document, CREDIT_NOTE_SYNTAX)


def einvoice_xml(document: InvoiceDocument) -> bytes:
    """The document's Peppol e-invoice: a UBL CreditNote for a credit note, else an Invoice."""
    if document.is_credit_note:
        return credit_note_xml(document)
    return invoice_xml(document)


def _xml(document: InvoiceDocument, syntax: _Syntax) -> bytes:
    ensure_einvoice_possible(document)
    root = _Writer(document, syntax).build()
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


__all__ = [
    "MISSING_BUYER_REFERENCE",
    "MISSING_ELECTRONIC_ADDRESS",
    "REFUSAL_MESSAGES",
    "EInvoiceRefused",
    "credit_note_xml",
    "einvoice_refusal",
    "einvoice_xml",
    "ensure_einvoice_possible",
    "invoice_xml",
    "payment_means_code",
    "peppol_address",
    "seller_address",
]
