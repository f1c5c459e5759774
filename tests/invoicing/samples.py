"""Invoices as the documents show them, for the tests of the PDF: a Danish, a German and an
English buyer, and an invoice of many lines."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from consortium.invoicing.document import (
    EXEMPT,
    SCHEME_DK_CVR,
    SCHEME_GLN,
    SCHEME_LEITWEG_ID,
    STANDARD,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
)


def logo_png(width: int = 240, height: int = 72) -> bytes:
    """A PNG logo: a blue band with a lighter square, made here so that no file is needed."""

    def pixel(x: int, y: int) -> bytes:
        if 12 <= x < 60 and 12 <= y < 60:
            return b"\x6c\x9c\xd4"
        return b"\x1f\x3a\x5f"

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SELLER = Party(
    name="Fællesskabet for Offentlig Software",
    street="Rådhuspladsen 1",
    postcode="1550",
    city="København V",
    country="DK",
    vat_number="DK12345674",
    registration_number="12345674",
    electronic_address=ElectronicAddress(SCHEME_DK_CVR, "12345674"),
    email="faktura@fos.example",
)

EXEMPTION_REASON = "Momsfritaget efter momslovens § 13, stk. 1, nr. 19"


def _membership(amount: str = "25000.00") -> Line:
    return Line(
        description="Kontingent 2027",
        net_amount=Decimal(amount),
        vat_category=STANDARD,
        vat_rate=Decimal("25"),
        explanation="Fast kontingent for en dansk offentlig myndighed: 25.000,00 kr.",
    )


def _share(product: str, amount: str) -> Line:
    return Line(
        description=f"Andel af {product} 2027",
        net_amount=Decimal(amount),
        vat_category=EXEMPT,
        vat_rate=Decimal("0"),
        exemption_reason=EXEMPTION_REASON,
        exemption_code="VATEX-EU-132",
        explanation=(
            f"{product}: budget 1.000.000,00 kr. fordelt efter indbyggertal; "
            "Aarhus Kommune har 367.095 af 3.000.000 indbyggere blandt de deltagende."
        ),
    )


def danish_invoice() -> InvoiceDocument:
    """Aarhus pays the membership fee (25 % VAT) and an exempt product share: 32.484,57 kr."""
    return InvoiceDocument(
        number="2027-00001",
        issue_date=date(2027, 1, 15),
        due_date=date(2027, 2, 14),
        currency="DKK",
        seller=SELLER,
        buyer=Party(
            name="Aarhus Kommune",
            street="Rådhuspladsen 2",
            postcode="8000",
            city="Aarhus C",
            country="DK",
            vat_number="DK55133018",
            registration_number="55133018",
            electronic_address=ElectronicAddress(SCHEME_GLN, "5798005770213"),
            contact_name="Borgmesterens Afdeling",
        ),
        lines=(_membership(), _share("OS2forms", "1234.57")),
        language="da",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        buyer_reference="5798005770213",
        order_reference="PO-4711",
        iban="DK5000400440116243",
        bic="DABADKKK",
        payment_reference="2027-00001",
        payment_terms="Netto 30 dage",
    )


def german_invoice() -> InvoiceDocument:
    """The Stadt Musterhausen pays in euros, addressed by its Leitweg-ID: 2.975,00 € due."""
    return InvoiceDocument(
        number="2027-00002",
        issue_date=date(2027, 1, 15),
        due_date=date(2027, 2, 14),
        currency="EUR",
        seller=replace(SELLER, email="rechnung@fos.example"),
        buyer=Party(
            name="Stadt Musterhausen",
            street="Marktplatz 1",
            postcode="12345",
            city="Musterhausen",
            country="DE",
            vat_number="DE123456789",
            electronic_address=ElectronicAddress(SCHEME_LEITWEG_ID, "991-12345-67"),
        ),
        lines=(
            Line(
                description="Mitgliedsbeitrag 2027",
                net_amount=Decimal("2500.00"),
                vat_category=STANDARD,
                vat_rate=Decimal("19"),
                explanation="Pauschaler Mitgliedsbeitrag für eine deutsche Kommune.",
            ),
        ),
        language="de",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        buyer_reference="991-12345-67",
        iban="DE89370400440532013000",
        bic="COBADEFFXXX",
        payment_terms="Zahlbar innerhalb von 30 Tagen ohne Abzug",
    )


def english_invoice() -> InvoiceDocument:
    """An English buyer; the same lines as the Danish invoice, rates of 25 % and 12.5 %."""
    return replace(
        danish_invoice(),
        number="2027-00003",
        language="en",
        buyer=Party(
            name="City of Testville",
            street="1 Town Hall Square",
            postcode="TV1 1AA",
            city="Testville",
            country="GB",
            electronic_address=ElectronicAddress(SCHEME_GLN, "5790000000005"),
        ),
        lines=(
            _membership(),
            Line(
                description="Hosting share 2027",
                net_amount=Decimal("800.00"),
                quantity=Decimal("2.5"),
                unit_price=Decimal("320.00"),
                vat_category=STANDARD,
                vat_rate=Decimal("12.5"),
            ),
        ),
        subtotals=(),
        payment_terms="",
    )


def long_invoice(language: str = "da", lines: int = 60) -> InvoiceDocument:
    """Many product shares, with long descriptions, on one invoice."""
    shares = tuple(
        replace(
            _share(
                f"Produkt nummer {index} med et meget langt navn", f"{1000 + index}.{index:02d}"
            ),
            description=(
                f"Andel af Produkt nummer {index} med et meget langt navn, der går over "
                "flere linjer i beskrivelsen, fordi kommunen deltager i både udvikling og drift"
            ),
        )
        for index in range(1, lines + 1)
    )
    return replace(
        danish_invoice(), language=language, lines=(_membership(), *shares), subtotals=()
    )
