"""The association's own settings: one row, edited by the secretariat, and the VAT that each
kind of invoice line carries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from consortium.db import UTCDateTime
from consortium.extensions import db

# The kinds of invoice lines: the fee components and a free line for anything else. Each kind
# has its VAT (ComponentVat); the invoicing domain names its lines by these codes.
MEMBERSHIP, PRODUCT, ENTRY, PLEDGE, FREE = "membership", "product", "entry", "pledge", "free"
COMPONENT_KINDS = (MEMBERSHIP, PRODUCT, ENTRY, PLEDGE, FREE)

# The VAT categories of the UNCL5305 code list that the association's invoices use: S standard,
# Z zero-rated, E exempt, O outside the scope of VAT, AE reverse charge (the same codes as
# consortium/invoicing/document.py, which lives above this domain).
VAT_CATEGORIES = ("S", "Z", "E", "O", "AE")
CATEGORIES_WITH_EXEMPTION = ("E", "O", "AE")

# The VATEX exemption codes offered, by the category each belongs to (Peppol BIS rules: VATEX-EU-O
# only on O, VATEX-EU-AE only on AE; the articles of the VAT directive for exempt supplies).
VATEX_CODES = {
    "VATEX-EU-O": "O",
    "VATEX-EU-AE": "AE",
    "VATEX-EU-132": "E",
    "VATEX-EU-143": "E",
    "VATEX-EU-148": "E",
    "VATEX-EU-151": "E",
    "VATEX-EU-309": "E",
}

OUTSIDE_SCOPE_REASON = "Contribution to a public cost-sharing association, outside the scope of VAT"

DEFAULT_INVOICE_PREFIX = ""
DEFAULT_CREDIT_NOTE_PREFIX = "CN-"
DEFAULT_PAYMENT_TERMS_DAYS = 30

# The bylaws' periods around a general assembly (OS2's): called one calendar month before,
# proposals due two weeks before, papers sent out eight days before, minutes published within
# two weeks after; and around a board meeting: called two weeks before, papers a week before,
# minutes within two weeks.
GOVERNANCE_DEFAULTS = {
    "assembly_notice_months": 1,
    "assembly_proposals_days": 14,
    "assembly_send_out_days": 8,
    "assembly_minutes_days": 14,
    "board_notice_days": 14,
    "board_send_out_days": 7,
    "board_minutes_days": 14,
}


def _period(name: str) -> Mapped[int]:
    value = GOVERNANCE_DEFAULTS[name]
    return mapped_column(Integer, default=value, server_default=str(value))


class AssociationSettings(db.Model):
    __tablename__ = "association_settings"
    __audited__ = True
    # The logo's bytes are not copied into the trail; its type and the change are.
    __audit_redacted__ = frozenset({"logo"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="DKK")
    country: Mapped[str] = mapped_column(String(2), default="DK")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    registration_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    vat_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # What the invoices say about the seller and how to pay it.
    legal_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    payment_terms_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_PAYMENT_TERMS_DAYS, server_default=str(DEFAULT_PAYMENT_TERMS_DAYS)
    )
    invoice_prefix: Mapped[str] = mapped_column(
        String(10), default=DEFAULT_INVOICE_PREFIX, server_default=DEFAULT_INVOICE_PREFIX
    )
    credit_note_prefix: Mapped[str] = mapped_column(
        String(10), default=DEFAULT_CREDIT_NOTE_PREFIX, server_default=DEFAULT_CREDIT_NOTE_PREFIX
    )
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary), active_history=True)
    logo_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Since when the association keeps its agreements in the app (set by migration 0018): the
    # members and suppliers approved before signed on paper and wait for no agreement here.
    agreements_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bylaws' deadlines of general assemblies and board meetings (consortium/meetings).
    assembly_notice_months: Mapped[int] = _period("assembly_notice_months")
    assembly_proposals_days: Mapped[int] = _period("assembly_proposals_days")
    assembly_send_out_days: Mapped[int] = _period("assembly_send_out_days")
    assembly_minutes_days: Mapped[int] = _period("assembly_minutes_days")
    board_notice_days: Mapped[int] = _period("board_notice_days")
    board_send_out_days: Mapped[int] = _period("board_send_out_days")
    board_minutes_days: Mapped[int] = _period("board_minutes_days")

    @property
    def audit_label(self) -> str:
        return self.name

    @property
    def invoicing_name(self) -> str:
        """The name invoices carry: the legal name, else the association's name."""
        return self.legal_name or self.name

    def __repr__(self) -> str:
        return f"<AssociationSettings {self.name!r}>"


class ComponentVat(db.Model):
    """The VAT category and rate of one kind of invoice line, with the exemption reason and its
    VATEX code for exempt, outside-scope and reverse-charge lines."""

    __tablename__ = "component_vat"
    __audited__ = True
    __table_args__ = (CheckConstraint("vat_rate >= 0 AND vat_rate <= 100", name="rate_in_range"),)

    component: Mapped[str] = mapped_column(String(20), primary_key=True)
    vat_category: Mapped[str] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    exemption_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    exemption_code: Mapped[str] = mapped_column(String(30), default="", server_default="")

    @property
    def audit_label(self) -> str:
        return self.component

    def __repr__(self) -> str:
        return f"<ComponentVat {self.component} {self.vat_category} {self.vat_rate}>"


def default_component_vat(component: str) -> ComponentVat:
    """The VAT of a kind of line before the secretariat has set it: outside the scope of VAT,
    as a contribution to a public cost-sharing association. The secretariat changes it in the
    settings when its tax adviser says otherwise."""
    return ComponentVat(
        component=component,
        vat_category="O",
        vat_rate=Decimal("0.00"),
        exemption_reason=OUTSIDE_SCOPE_REASON,
        exemption_code="VATEX-EU-O",
    )
