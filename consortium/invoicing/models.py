"""Invoices: runs of a year's drafts, invoices with their lines, and the gapless number series.

An issued invoice never changes: the database refuses changes to its number, parties, amounts,
dates and stored files, and any change to its lines (migration 0011); only its status moves on.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.members.models import BillingIdentity, Organisation
from consortium.products.models import Product

# The series an invoice is numbered in.
INVOICE, CREDIT_NOTE = "invoice", "credit_note"
SERIES = (INVOICE, CREDIT_NOTE)

# An invoice's status. A number is taken when a draft is issued; "set aside" is a draft that the
# secretariat keeps out of a run's issue. After issue the status follows the balance (payments
# and credit notes): partly paid, paid, or credited (credited in full, nothing paid).
DRAFT, ISSUED, SENT, SET_ASIDE = "draft", "issued", "sent", "set_aside"
PARTLY_PAID, PAID, CREDITED = "partly_paid", "paid", "credited"
INVOICE_STATUSES = (DRAFT, ISSUED, SENT, PARTLY_PAID, PAID, CREDITED, SET_ASIDE)
# Statuses of an invoice that has its number: the database keeps it as it was issued.
NUMBERED_STATUSES = (ISSUED, SENT, PARTLY_PAID, PAID, CREDITED)
# Statuses of an issued invoice with a balance still to pay.
OPEN_STATUSES = (ISSUED, SENT, PARTLY_PAID)

# Where a payment was recorded from.
MANUAL, IMPORT = "manual", "import"
PAYMENT_SOURCES = (MANUAL, IMPORT)

# A run's status.
RUN_DRAFT, RUN_ISSUED, RUN_DISCARDED = "draft", "issued", "discarded"
RUN_STATUSES = (RUN_DRAFT, RUN_ISSUED, RUN_DISCARDED)
# A year has one run in draft or issued at most; discarded ones are kept for the trail.
OPEN_RUN = text("status IN ('draft', 'issued')")


class InvoiceRun(db.Model):
    """The drafts of one year's fees, made together and issued together."""

    __tablename__ = "invoice_run"
    __audited__ = True
    __table_args__ = (
        Index(
            "uq_invoice_run_open_year",
            "year",
            unique=True,
            sqlite_where=OPEN_RUN,
            postgresql_where=OPEN_RUN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default=RUN_DRAFT)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoices: Mapped[list[Invoice]] = relationship(back_populates="run")

    @property
    def audit_label(self) -> str:
        return str(self.year)

    def __repr__(self) -> str:
        return f"<InvoiceRun {self.year} {self.status}>"


class Invoice(db.Model):
    """An invoice or credit note to one billing identity of an organisation.

    The seller's and the buyer's data are copied onto the invoice when it is issued, so that
    the invoice keeps saying what it said when the register changes later.
    """

    __tablename__ = "invoice"
    __audited__ = True
    # The stored documents are kept once, not copied into the trail.
    __audit_redacted__ = frozenset({"pdf", "ubl"})
    __table_args__ = (
        UniqueConstraint("number", name="uq_invoice_number"),
        CheckConstraint(
            "number IS NOT NULL OR status IN ('draft', 'set_aside')", name="numbered_when_issued"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_run.id"), index=True)
    series: Mapped[str] = mapped_column(String(20), default=INVOICE)
    number: Mapped[str | None] = mapped_column(String(40))
    number_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    period_start_on: Mapped[date | None] = mapped_column(Date)
    period_end_on: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The invoice a credit note corrects (BT-25); None on an invoice.
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    billing_identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_identity.id"), index=True
    )
    # Who drafted the invoice, when someone did (a credit note is drafted by a person).
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The seller as it was at issue.
    seller_name: Mapped[str] = mapped_column(String(200), default="")
    seller_address: Mapped[str] = mapped_column(Text, default="")
    seller_country: Mapped[str] = mapped_column(String(2), default="")
    seller_registration_number: Mapped[str] = mapped_column(String(40), default="")
    seller_vat_number: Mapped[str] = mapped_column(String(40), default="")
    seller_endpoint_scheme: Mapped[str] = mapped_column(String(4), default="")
    seller_endpoint_id: Mapped[str] = mapped_column(String(60), default="")
    seller_email: Mapped[str] = mapped_column(String(254), default="")
    seller_iban: Mapped[str] = mapped_column(String(34), default="")
    seller_bic: Mapped[str] = mapped_column(String(11), default="")
    # The buyer as it was at issue: the organisation and the billing identity that pays.
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_department: Mapped[str] = mapped_column(String(200), default="")
    buyer_address: Mapped[str] = mapped_column(Text, default="")
    buyer_country: Mapped[str] = mapped_column(String(2), default="")
    buyer_registration_number: Mapped[str] = mapped_column(String(40), default="")
    buyer_vat_number: Mapped[str] = mapped_column(String(40), default="")
    buyer_endpoint_scheme: Mapped[str] = mapped_column(String(4), default="")
    buyer_endpoint_id: Mapped[str] = mapped_column(String(60), default="")
    buyer_reference: Mapped[str] = mapped_column(String(100), default="")
    buyer_email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    net_total: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    vat_total: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    gross_total: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    ubl: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[InvoiceRun | None] = relationship(back_populates="invoices")
    organisation: Mapped[Organisation] = relationship()
    billing_identity: Mapped[BillingIdentity | None] = relationship()
    credited_invoice: Mapped[Invoice | None] = relationship(
        remote_side=[id], back_populates="credit_notes"
    )
    credit_notes: Mapped[list[Invoice]] = relationship(
        back_populates="credited_invoice", order_by="Invoice.id"
    )
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        order_by="InvoiceLine.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="(Payment.paid_on, Payment.id)"
    )
    reminders: Mapped[list[Reminder]] = relationship(
        back_populates="invoice", order_by="(Reminder.sent_on, Reminder.id)"
    )

    permission_subject = "invoice"

    def has_contact(self, user_id: int) -> bool:
        """Whether the user is a contact of the organisation the invoice goes to."""
        return self.organisation.has_contact(user_id)

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def is_numbered(self) -> bool:
        return self.status in NUMBERED_STATUSES

    @property
    def is_credit_note(self) -> bool:
        return self.series == CREDIT_NOTE

    @property
    def audit_label(self) -> str:
        return self.number or f"#{self.id}"

    def __repr__(self) -> str:
        return f"<Invoice {self.number or self.id} {self.status}>"


class InvoiceLine(db.Model):
    """One line: a fee component (membership, a product share, an entry fee, a pledge) or a
    free line, net, with its VAT and the engine's explanation of the amount.

    A credit note's line names the invoice line it credits, whole or a part of its amount; a
    line is never credited for more than its amount in total, which crediting keeps with the
    invoice's row locked (consortium/invoicing/credit_notes.py)."""

    __tablename__ = "invoice_line"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    component: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    net_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    vat_category: Mapped[str] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    exemption_reason: Mapped[str] = mapped_column(Text, default="")
    exemption_code: Mapped[str] = mapped_column(String(30), default="")
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id"), index=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()
    credited_line: Mapped[InvoiceLine | None] = relationship(remote_side=[id])

    @property
    def audit_label(self) -> str:
        return self.description[:80]

    def __repr__(self) -> str:
        return f"<InvoiceLine {self.invoice_id}/{self.position} {self.net_amount}>"


class InvoiceNumberSequence(db.Model):
    """The last number taken in one series and year. Numbers are taken one by one with the row
    locked, so they run without a gap; the prefix is fixed by the year's first number."""

    __tablename__ = "invoice_number_sequence"
    __table_args__ = (UniqueConstraint("series", "year", name="uq_invoice_number_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(10), default="")
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<InvoiceNumberSequence {self.series} {self.prefix}{self.year} {self.last_number}>"


class Payment(db.Model):
    """Money received for an issued invoice: one bank transfer, recorded by hand or imported
    from a bank statement. A payment is a row of its own; the invoice never changes."""

    __tablename__ = "payment"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("source IN ('manual', 'import')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reference: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(10), default=MANUAL)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")

    @property
    def audit_label(self) -> str:
        return f"{self.invoice.number if self.invoice else self.invoice_id} {self.paid_on}"

    def __repr__(self) -> str:
        return f"<Payment {self.invoice_id} {self.paid_on} {self.amount}>"


class Reminder(db.Model):
    """A reminder of an overdue invoice, sent to its buyer with the reminder PDF; one a day
    per invoice, which the unique constraint keeps also when it is asked for twice at once."""

    __tablename__ = "reminder"
    __audited__ = True
    __audit_redacted__ = frozenset({"pdf"})
    __table_args__ = (UniqueConstraint("invoice_id", "sent_on", name="uq_reminder_invoice_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    # What was due when the reminder was written, as it says.
    balance: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id"), index=True
    )
    sent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="reminders")

    @property
    def audit_label(self) -> str:
        number = self.invoice.number if self.invoice else self.invoice_id
        return f"{number} {self.level}"

    def __repr__(self) -> str:
        return f"<Reminder {self.invoice_id} {self.sent_on} {self.level}>"


# A year-end settlement's status: a draft members see, then issued as invoices and credit notes.
SETTLEMENT_DRAFT, SETTLEMENT_ISSUED = "draft", "issued"
SETTLEMENT_STATUSES = (SETTLEMENT_DRAFT, SETTLEMENT_ISSUED)


class ProductSettlement(db.Model):
    """A product's year settled against its frozen budget: the actual cost, the difference
    and (in :class:`SettlementShare`) each participant's part of it, as members are shown it
    before it is issued. One per product and year."""

    __tablename__ = "product_settlement"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("product_id", "year", name="uq_product_settlement_product_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    # The frozen budget as it was when the settlement was drafted.
    budget_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    actual_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # The actual cost less the budget: more than zero is invoiced, less is credited.
    difference: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default=SETTLEMENT_DRAFT)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    product: Mapped[Product] = relationship()
    shares: Mapped[list[SettlementShare]] = relationship(
        back_populates="settlement",
        order_by="SettlementShare.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_draft(self) -> bool:
        return self.status == SETTLEMENT_DRAFT

    @property
    def audit_label(self) -> str:
        return f"{self.product.name} {self.year}" if self.product else str(self.year)

    def __repr__(self) -> str:
        return f"<ProductSettlement {self.product_id} {self.year} {self.status}>"


class SettlementShare(db.Model):
    """One organisation's part of a settlement's difference: its share of the budget, the
    amount, the invoice line a credit is taken from and, once issued, the extra invoice or
    credit note it became. A part that rounds to zero is kept, and becomes nothing."""

    __tablename__ = "settlement_share"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "settlement_id", "organisation_id", name="uq_settlement_share_settlement_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("product_settlement.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # What the organisation was charged of the budget, and that as a share of it in percent.
    budget_share: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    share_percent: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    # Its part of the difference: more than zero to pay, less than zero credited.
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # The issued invoice line of the year's product share that a credit is taken from.
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id"), index=True)
    # The extra invoice or the credit note the part became when the settlement was issued.
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)

    settlement: Mapped[ProductSettlement] = relationship(back_populates="shares")
    organisation: Mapped[Organisation] = relationship()
    credited_line: Mapped[InvoiceLine | None] = relationship()
    invoice: Mapped[Invoice | None] = relationship()

    permission_subject = "settlement_share"

    def has_contact(self, user_id: int) -> bool:
        """Whether the user is a contact of the organisation the part concerns."""
        return self.organisation.has_contact(user_id)

    @property
    def is_extra(self) -> bool:
        return self.amount > 0

    @property
    def is_credit(self) -> bool:
        return self.amount < 0

    @property
    def audit_label(self) -> str:
        return self.organisation.name if self.organisation else f"#{self.id}"

    def __repr__(self) -> str:
        return f"<SettlementShare {self.settlement_id}/{self.organisation_id} {self.amount}>"
