"""Money received: payments of issued invoices, each invoice's balance, the status the balance
gives it, and the list of overdue invoices.

An invoice's balance is its total less the totals of its issued credit notes and its payments.
Its status follows: issued or sent, then partly paid and paid, or credited when credit notes
alone clear it. Overdue is never stored: an invoice is overdue while its due date has passed
(in the association's time zone) and its balance is above zero.

A payment is checked against the balance with the invoice's row locked, so two payments
recorded at the same moment never pay more than the balance together.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased, selectinload

from consortium.extensions import db
from consortium.invoicing import settling
from consortium.invoicing.credit_notes import credited_total
from consortium.invoicing.labels import INVOICE_STATUS_LABELS, OVERDUE, OVERDUE_LABEL
from consortium.invoicing.models import (
    CREDIT_NOTE,
    INVOICE,
    MANUAL,
    NUMBERED_STATUSES,
    OPEN_STATUSES,
    PAYMENT_SOURCES,
    Invoice,
    Payment,
    Reminder,
)
from consortium.invoicing.pdf import InvoiceFormat
from consortium.invoicing.services import InvoicingError, association_today
from consortium.once import load_locked

ONLY_ISSUED = _l(
    "Payments are recorded for issued invoices only; a draft is not to be paid yet and a "
    "credit note is not paid."
)
NOT_POSITIVE = _l("Enter an amount above zero.")
# The longest reference kept, as a bank statement's text may run long.
REFERENCE_LENGTH = 200


@dataclass(frozen=True)
class Account:
    """An invoice's money: its total, what its credit notes credited, what was paid, and the
    balance still to pay."""

    gross: Decimal
    credited: Decimal
    paid: Decimal
    balance: Decimal


def paid_total(invoice: Invoice) -> Decimal:
    """The sum of the invoice's payments."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.invoice_id == invoice.id)
    )
    return Decimal(total).quantize(settling.CENT)


def account(invoice: Invoice) -> Account:
    """The invoice's total, credited, paid and balance."""
    credited = credited_total(invoice)
    paid = paid_total(invoice)
    return Account(
        gross=invoice.gross_total,
        credited=credited,
        paid=paid,
        balance=settling.balance_of(invoice.gross_total, credited, paid),
    )


def balance(invoice: Invoice) -> Decimal:
    """What is still to pay of the invoice: its total less its issued credit notes' totals and
    its payments."""
    return account(invoice).balance


def balances(invoices: Iterable[Invoice]) -> dict[int, Decimal]:
    """The balance of each of the invoices, by id, in two queries whatever their number (for
    the lists). A credit note and a draft have none."""
    chosen = {
        invoice.id: invoice
        for invoice in invoices
        if invoice.series == INVOICE and invoice.status in NUMBERED_STATUSES
    }
    if not chosen:
        return {}
    paid = dict(
        db.session.execute(
            select(Payment.invoice_id, func.sum(Payment.amount))
            .where(Payment.invoice_id.in_(chosen))
            .group_by(Payment.invoice_id)
        ).all()
    )
    credited = dict(
        db.session.execute(
            select(Invoice.credited_invoice_id, func.sum(Invoice.gross_total))
            .where(
                Invoice.credited_invoice_id.in_(chosen),
                Invoice.series == CREDIT_NOTE,
                Invoice.status.in_(NUMBERED_STATUSES),
            )
            .group_by(Invoice.credited_invoice_id)
        ).all()
    )
    return {
        invoice_id: settling.balance_of(
            invoice.gross_total,
            Decimal(credited.get(invoice_id) or 0),
            Decimal(paid.get(invoice_id) or 0),
        )
        for invoice_id, invoice in chosen.items()
    }


def is_overdue(invoice: Invoice, today: date | None = None, *, owed: Decimal | None = None) -> bool:
    """Whether the invoice's due date has passed with something still to pay; ``owed`` is its
    balance when the caller knows it already."""
    if invoice.series != INVOICE or invoice.status not in OPEN_STATUSES:
        return False
    today = today or association_today()
    if invoice.due_on is None or invoice.due_on >= today:
        return False
    return settling.is_overdue(invoice.due_on, balance(invoice) if owed is None else owed, today)


def status_label(invoice: Invoice, overdue: bool = False) -> str:
    """The invoice's status in the reader's words; "Overdue" when it is overdue."""
    if overdue:
        return str(OVERDUE_LABEL)
    return str(INVOICE_STATUS_LABELS.get(invoice.status, invoice.status))


def shown_status(invoice: Invoice, overdue: bool) -> str:
    """The status code a page shows: the stored one, or "overdue"."""
    return OVERDUE if overdue else invoice.status


def update_status(invoice: Invoice, *, pending_credit: Decimal = settling.ZERO) -> str:
    """Set the invoice's status from its balance; ``pending_credit`` is the total of a credit
    note being issued in this transaction, not yet counted among the issued ones."""
    state = account(invoice)
    owed = state.balance - pending_credit
    invoice.status = settling.settled_status(invoice.status, owed, state.paid)
    db.session.flush()
    return invoice.status


def record_payment(
    invoice: Invoice,
    paid_on: date,
    amount: Decimal,
    reference: str,
    user_id: int | None,
    source: str = MANUAL,
) -> Payment:
    """Record money received for an issued invoice and move its status on.

    Partial payments are allowed; a payment of more than the balance is refused, naming the
    balance, and so is a payment dated in the future or before the invoice's issue date. The
    invoice's row is locked first, so two payments at the same moment are checked one after
    the other."""
    if source not in PAYMENT_SOURCES:
        raise ValueError(f"unknown payment source {source!r}")
    locked = load_locked(Invoice, invoice.id)
    if locked is None or locked.series != INVOICE or locked.status not in NUMBERED_STATUSES:
        raise InvoicingError(ONLY_ISSUED)
    invoice = locked
    amount = Decimal(amount)
    if amount <= 0:
        raise InvoicingError(NOT_POSITIVE)
    if amount != amount.quantize(settling.CENT):
        raise InvoicingError(_l("Enter the amount in whole cents, with at most two decimals."))
    check_payment_date(invoice, paid_on)
    owed = balance(invoice)
    if amount > owed:
        raise InvoicingError(overpayment_message(invoice, owed, amount))
    payment = Payment(
        invoice=invoice,
        paid_on=paid_on,
        amount=amount,
        reference=" ".join(reference.split())[:REFERENCE_LENGTH],
        source=source,
        recorded_by_user_id=user_id,
    )
    db.session.add(payment)
    db.session.flush()
    update_status(invoice)
    return payment


def check_payment_date(invoice: Invoice, paid_on: date, today: date | None = None) -> None:
    """A payment is dated on or after the invoice's issue date, and not after today."""
    today = today or association_today()
    if paid_on > today:
        raise InvoicingError(
            _l(
                "A payment cannot be dated in the future (%(date)s); enter the day the money "
                "was received.",
                date=format_date(paid_on),
            )
        )
    if invoice.issued_on is not None and paid_on < invoice.issued_on:
        raise InvoicingError(
            _l(
                "Invoice %(number)s was issued on %(issued)s; a payment of it cannot be dated "
                "before that.",
                number=invoice.number,
                issued=format_date(invoice.issued_on),
            )
        )


def overpayment_message(invoice: Invoice, owed: Decimal, amount: Decimal):
    """Why a payment is refused: it is more than the invoice's balance."""
    money = InvoiceFormat().money
    if owed <= 0:
        return _l(
            "Invoice %(number)s has nothing left to pay (its balance is %(balance)s); the "
            "payment of %(amount)s is not recorded.",
            number=invoice.number,
            balance=money(owed, invoice.currency),
            amount=money(amount, invoice.currency),
        )
    return _l(
        "The balance of %(number)s is %(balance)s; a payment of %(amount)s is more than that.",
        number=invoice.number,
        balance=money(owed, invoice.currency),
        amount=money(amount, invoice.currency),
    )


def credit_note_issuing(credit_note: Invoice, credit: Decimal) -> None:
    """The status of the invoice a credit note corrects, as the credit note of ``credit`` (its
    total) leaves its balance; called while the credit note is being issued. The invoice is
    locked, so a payment recorded at the same moment sees the credit, or waits for it."""
    if credit_note.credited_invoice_id is None:
        return
    credited = load_locked(Invoice, credit_note.credited_invoice_id)
    if credited is None or credited.status not in NUMBERED_STATUSES:
        return
    update_status(credited, pending_credit=credit)


# The credit notes of an invoice, beside it in one statement (made once: an alias's columns
# take a while to set up, and the count is asked on every page the secretariat opens).
_CREDIT_NOTE = aliased(Invoice)


def past_due(today: date | ColumnElement[date]) -> tuple[ColumnElement[bool], ...]:
    """The invoices that may be overdue: issued, not settled, due before today (a date, or a
    parameter of a larger statement). Those whose balance is above zero are."""
    return (
        Invoice.series == INVOICE,
        Invoice.status.in_(OPEN_STATUSES),
        Invoice.due_on < today,
    )


def overdue_count(today: date | None = None) -> int:
    """How many invoices are overdue today (those ``overdue_invoices`` lists), in one
    statement: each candidate's total with the sums of its payments and its credit notes."""
    today = today or association_today()
    credit_note = _CREDIT_NOTE
    paid = (
        select(func.sum(Payment.amount)).where(Payment.invoice_id == Invoice.id).scalar_subquery()
    )
    credited = (
        select(func.sum(credit_note.gross_total))
        .where(
            credit_note.credited_invoice_id == Invoice.id,
            credit_note.series == CREDIT_NOTE,
            credit_note.status.in_(NUMBERED_STATUSES),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Invoice.due_on, Invoice.gross_total, credited, paid).where(*past_due(today))
    ).all()
    return sum(
        1
        for due_on, gross, credited_sum, paid_sum in rows
        if settling.is_overdue(
            due_on,
            settling.balance_of(gross, Decimal(credited_sum or 0), Decimal(paid_sum or 0)),
            today,
        )
    )


@dataclass(frozen=True)
class OverdueInvoice:
    """An overdue invoice as the list shows it."""

    invoice: Invoice
    balance: Decimal
    days: int
    last_reminder: Reminder | None


def overdue_invoices(today: date | None = None) -> list[OverdueInvoice]:
    """Every invoice overdue today, the longest overdue first, with its balance, the days since
    its due date and its last reminder."""
    today = today or association_today()
    candidates = list(
        db.session.scalars(
            select(Invoice)
            .where(*past_due(today))
            .options(selectinload(Invoice.organisation), selectinload(Invoice.reminders))
            .order_by(Invoice.due_on, Invoice.number)
        )
    )
    owed = balances(candidates)
    return [
        OverdueInvoice(
            invoice=invoice,
            balance=owed[invoice.id],
            days=settling.days_overdue(invoice.due_on, today),
            last_reminder=invoice.reminders[-1] if invoice.reminders else None,
        )
        for invoice in candidates
        if invoice.due_on is not None
        and settling.is_overdue(invoice.due_on, owed[invoice.id], today)
    ]
