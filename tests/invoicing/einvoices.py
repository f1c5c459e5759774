"""Invoices as the association sends them to its members, for the e-invoice tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from consortium.invoicing.document import (
    EXEMPT,
    OUTSIDE_SCOPE,
    REVERSE_CHARGE,
    SCHEME_GLN,
    SCHEME_LEITWEG_ID,
    STANDARD,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
)

NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

ASSOCIATION = Party(
    name="OS2 - Offentligt digitaliseringsfællesskab",
    street="Vesterbrogade 1",
    city="København V",
    postcode="1620",
    country="DK",
    vat_number="DK29283958",
    registration_number="29283958",
    email="faktura@os2.eu",
    contact_name="Sekretariatet",
)

AARHUS_GLN = "5798000020108"
AARHUS = Party(
    name="Aarhus Kommune",
    street="Rådhuspladsen 2",
    city="Aarhus C",
    postcode="8000",
    country="DK",
    registration_number="55133018",
    electronic_address=ElectronicAddress(SCHEME_GLN, AARHUS_GLN),
)

LEITWEG_ID = "05315000-00001-34"
BONN = Party(
    name="Bundesstadt Bonn",
    street="Berliner Platz 2",
    city="Bonn",
    postcode="53111",
    country="DE",
    vat_number="DE122119035",
    electronic_address=ElectronicAddress(SCHEME_LEITWEG_ID, LEITWEG_ID),
)


def danish_invoice(*lines: Line, **changes) -> InvoiceDocument:
    """Aarhus's yearly invoice, in Danish kroner, addressed by its GLN."""
    values = {
        "number": "2027-00001",
        "issue_date": date(2027, 1, 15),
        "due_date": date(2027, 2, 14),
        "currency": "DKK",
        "seller": ASSOCIATION,
        "buyer": AARHUS,
        "lines": lines
        or (
            Line(
                "Kontingent 2027",
                Decimal("25000.00"),
                STANDARD,
                Decimal("25"),
                explanation="fast kontingent på 25.000,00 DKK om året",
            ),
            Line("OS2forms, andel 2027", Decimal("12345.67"), STANDARD, Decimal("25")),
        ),
        "language": "da",
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 12, 31),
        "buyer_reference": AARHUS_GLN,
        "iban": "DK50 0040 0440 1162 43",
        "bic": "NDEADKKK",
        "payment_reference": "2027-00001",
        "payment_terms": "Netto 30 dage",
    }
    values.update(changes)
    return InvoiceDocument(**values)


def german_invoice(**changes) -> InvoiceDocument:
    """Bonn's invoice in euros, addressed by its Leitweg-ID, VAT reverse-charged."""
    values = {
        "number": "2027-00002",
        "issue_date": date(2027, 1, 15),
        "due_date": date(2027, 2, 14),
        "currency": "EUR",
        "seller": ASSOCIATION,
        "buyer": BONN,
        "lines": (
            Line(
                "Mitgliedsbeitrag 2027",
                Decimal("3350.00"),
                REVERSE_CHARGE,
                Decimal("0"),
                exemption_reason="Steuerschuldnerschaft des Leistungsempfängers",
                exemption_code="VATEX-EU-AE",
            ),
        ),
        "language": "de",
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 12, 31),
        "buyer_reference": LEITWEG_ID,
        "iban": "DK50 0040 0440 1162 43",
        "bic": "NDEADKKK",
        "payment_terms": "Zahlbar innerhalb von 30 Tagen",
    }
    values.update(changes)
    return InvoiceDocument(**values)


def exempt_line(amount: str = "5000.00") -> Line:
    return Line(
        "Indmeldelsesgebyr",
        Decimal(amount),
        EXEMPT,
        Decimal("0"),
        exemption_reason="Momsfritaget efter momslovens § 13",
        exemption_code="VATEX-EU-132",
    )


def outside_scope_line(description: str, amount: str) -> Line:
    return Line(
        description,
        Decimal(amount),
        OUTSIDE_SCOPE,
        Decimal("0"),
        exemption_reason="Ikke momspligtigt tilskud",
        exemption_code="VATEX-EU-O",
    )


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def edited(xml: bytes, change) -> bytes:
    """The XML with one change made to its tree, e.g. an element removed."""
    tree = etree.fromstring(xml)
    change(tree)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def remove(tree: etree._Element, path: str) -> None:
    for element in tree.findall(path, NS):
        element.getparent().remove(element)


def text(tree: etree._Element, path: str) -> str:
    return tree.findtext(path, namespaces=NS)
