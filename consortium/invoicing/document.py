"""An invoice as its documents show it: the data the PDF and the Peppol UBL are made from.

Pure: no Flask, no database. The invoicing services build an :class:`InvoiceDocument` from an
issued invoice; :mod:`consortium.invoicing.ubl` writes it as Peppol BIS Billing 3.0 and the PDF
template reads the same object, so both documents always say the same.

A credit note is the same document of another kind: it names the invoice it corrects (BT-25)
and that invoice's issue date (BT-26), and its amounts are positive, the amounts credited.

VAT works as EN 16931 says: every line has a VAT category (S standard, Z zero-rated, E exempt,
O outside the scope of VAT, AE reverse charge) and a rate; the VAT of a category and rate is
computed on the sum of its lines' net amounts, rounded half up to the cent (BR-CO-17); E, O and
AE carry an exemption reason and its VATEX code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# The VAT categories of the UNCL5305 code list that an association's invoices use.
STANDARD, ZERO_RATED, EXEMPT, OUTSIDE_SCOPE, REVERSE_CHARGE = "S", "Z", "E", "O", "AE"
VAT_CATEGORIES = (STANDARD, ZERO_RATED, EXEMPT, OUTSIDE_SCOPE, REVERSE_CHARGE)
# Categories that need an exemption reason (BR-E-10, BR-O-10, BR-AE-10).
NEEDS_EXEMPTION_REASON = (EXEMPT, OUTSIDE_SCOPE, REVERSE_CHARGE)
# Categories whose rate is always 0 (BR-Z-5, BR-E-5, BR-AE-5; O has no rate at all, BR-O-5).
ZERO_RATE_CATEGORIES = (ZERO_RATED, EXEMPT, REVERSE_CHARGE, OUTSIDE_SCOPE)

# Electronic address schemes (EAS code list) the register holds.
SCHEME_GLN = "0088"
SCHEME_DK_CVR = "0184"
SCHEME_LEITWEG_ID = "0204"

PEPPOL_CUSTOMIZATION_ID = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
)
PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# What a document is, and its UNCL1001 type code: a commercial invoice or a credit note.
INVOICE, CREDIT_NOTE = "invoice", "credit_note"
TYPE_CODES = {INVOICE: "380", CREDIT_NOTE: "381"}


def cents(value: Decimal) -> Decimal:
    """Rounded half up to the cent, as EN 16931 rounds VAT amounts."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ElectronicAddress:
    """Where an e-invoice is delivered (BT-34 / BT-49): a scheme of the EAS list and an id."""

    scheme: str
    identifier: str


@dataclass(frozen=True)
class Party:
    """The seller or the buyer."""

    name: str
    street: str = ""
    additional_street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = "DK"  # ISO 3166-1 alpha-2
    vat_number: str = ""  # with its country prefix, e.g. DK12345678 (BT-31 / BT-48)
    registration_number: str = ""  # legal registration, e.g. a CVR (BT-30 / BT-47)
    electronic_address: ElectronicAddress | None = None
    email: str = ""
    contact_name: str = ""


@dataclass(frozen=True)
class Line:
    """One invoice line: a component of the fees (membership, a product share, an entry fee,
    a pledge) or a free line; amounts are net, in the invoice's currency."""

    description: str
    net_amount: Decimal
    vat_category: str
    vat_rate: Decimal  # percent, e.g. Decimal("25"); 0 for Z, E, AE and O
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None  # the net amount when the quantity is 1
    unit_code: str = "C62"  # "one" (UN/ECE Recommendation 20)
    exemption_reason: str = ""
    exemption_code: str = ""  # VATEX code, e.g. VATEX-EU-O
    explanation: str = ""  # why this amount: the fee engine's words, in the buyer's language

    @property
    def price(self) -> Decimal:
        return self.unit_price if self.unit_price is not None else self.net_amount


@dataclass(frozen=True)
class TaxSubtotal:
    """The VAT of one category and rate (BG-23)."""

    category: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


def tax_breakdown(lines: Sequence[Line]) -> list[TaxSubtotal]:
    """The VAT per category and rate: computed on the sum of the lines' net amounts and rounded
    half up to the cent (BR-CO-17), in a fixed order."""
    groups: dict[tuple[str, Decimal], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.vat_category, line.vat_rate), []).append(line)
    subtotals = []
    for (category, rate), members in sorted(groups.items(), key=lambda item: item[0]):
        taxable = sum((line.net_amount for line in members), Decimal("0"))
        tax = cents(taxable * rate / Decimal(100)) if category == STANDARD else Decimal("0.00")
        first = members[0]
        subtotals.append(
            TaxSubtotal(
                category=category,
                rate=rate,
                taxable_amount=cents(taxable),
                tax_amount=tax,
                exemption_reason=first.exemption_reason,
                exemption_code=first.exemption_code,
            )
        )
    return subtotals


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an EU VAT invoice shows (VAT directive art. 226) and Peppol BIS 3.0 needs."""

    number: str
    issue_date: date
    due_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    language: str = "en"
    period_start: date | None = None  # the supply period (BG-14)
    period_end: date | None = None
    buyer_reference: str = ""  # BT-10: the invoice reference (e.g. a Leitweg-ID), else the GLN
    order_reference: str = ""  # BT-13
    iban: str = ""
    bic: str = ""
    payment_reference: str = ""  # BT-83, the invoice number by default
    payment_terms: str = ""  # BT-20
    note: str = ""  # BT-22
    type_code: str = ""  # UNCL1001: 380 for an invoice, 381 for a credit note, by its kind
    subtotals: tuple[TaxSubtotal, ...] = field(default=())
    kind: str = INVOICE  # INVOICE or CREDIT_NOTE
    preceding_number: str = ""  # BT-25: the invoice a credit note corrects
    preceding_issue_date: date | None = None  # BT-26: that invoice's issue date

    def __post_init__(self) -> None:
        if self.kind not in TYPE_CODES:
            raise ValueError(f"unknown kind of document {self.kind!r}")
        # The code of the other kind (a document copied as a credit note) follows the kind.
        if not self.type_code or self.type_code in TYPE_CODES.values():
            object.__setattr__(self, "type_code", TYPE_CODES[self.kind])
        if not self.subtotals:
            object.__setattr__(self, "subtotals", tuple(tax_breakdown(self.lines)))

    @property
    def is_credit_note(self) -> bool:
        return self.kind == CREDIT_NOTE

    @property
    def net_total(self) -> Decimal:
        """Sum of the lines' net amounts (BT-106), which is also the total without VAT
        (BT-109): the association's invoices carry no document-level allowances or charges."""
        return cents(sum((line.net_amount for line in self.lines), Decimal("0")))

    @property
    def vat_total(self) -> Decimal:
        """BT-110."""
        return cents(sum((subtotal.tax_amount for subtotal in self.subtotals), Decimal("0")))

    @property
    def gross_total(self) -> Decimal:
        """BT-112, and the amount due (BT-115): nothing is prepaid when an invoice is issued.
        On a credit note, the amount credited."""
        return self.net_total + self.vat_total
