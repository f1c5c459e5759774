"""Importing a bank statement: one payment per line, matched to an invoice by the invoice
number in the transfer's reference, all or nothing.

The file has the columns ``date,amount,reference`` (others, such as a balance column, are
ignored). Amounts are read as the bank's spreadsheet writes them (1250.00, 1.250,00). A line
is refused when its date or amount cannot be read, when its reference names no issued invoice
(or more than one), when it pays more than the invoice's balance (also together with the
file's other lines of that invoice), when it was recorded already (the same invoice, date,
amount and reference) or when it is dated in the future or before the invoice. One refused
line and nothing is recorded; every refused line is named with its number and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium import csvio, numbers
from consortium.extensions import db
from consortium.imports import ImportReport, RowResult, check_header, read_table, run_import
from consortium.invoicing import settling
from consortium.invoicing.models import IMPORT, INVOICE, NUMBERED_STATUSES, Invoice, Payment
from consortium.invoicing.payments import (
    REFERENCE_LENGTH,
    balances,
    check_payment_date,
    overpayment_message,
    record_payment,
)
from consortium.invoicing.services import InvoicingError, association_today
from consortium.settings.services import get_settings

REQUIRED = ("date", "amount", "reference")


@dataclass(frozen=True)
class PlannedPayment:
    """A line of the statement that is to be recorded as a payment."""

    line: int
    invoice: Invoice
    paid_on: date
    amount: Decimal
    reference: str


@dataclass
class PaymentImport:
    """What importing a statement found, or recorded."""

    report: ImportReport
    planned: list[PlannedPayment]

    @property
    def total(self) -> Decimal:
        return sum((each.amount for each in self.planned), settling.ZERO)


class _Invoices:
    """The issued invoices, found by the number a reference names."""

    def __init__(self) -> None:
        invoices = db.session.scalars(
            select(Invoice).where(Invoice.series == INVOICE, Invoice.status.in_(NUMBERED_STATUSES))
        ).all()
        self.by_number = {invoice.number.upper(): invoice for invoice in invoices if invoice.number}
        self.by_digits: dict[str, list[Invoice]] = {}
        for number, invoice in self.by_number.items():
            self.by_digits.setdefault(number[-10:], []).append(invoice)

    def named_in(self, reference: str) -> list[Invoice]:
        """The invoices the reference names: by their whole number, or by its year and digits
        when the reference writes no prefix before them."""
        found: list[Invoice] = []
        for written, digits in settling.invoice_numbers_in(reference):
            invoice = self.by_number.get(written)
            if invoice is None and written == digits:
                matches = self.by_digits.get(digits, [])
                invoice = matches[0] if len(matches) == 1 else None
            if invoice is not None and invoice not in found:
                found.append(invoice)
        return found


def check_statement(data: bytes, filename: str) -> PaymentImport:
    """Read a bank statement and check every line; nothing is recorded."""
    report = ImportReport(filename)
    result = PaymentImport(report, [])
    table = read_table(data, report, {get_settings().country})
    if table is None:
        return result
    check_header(table, report, None, REQUIRED)
    if report.problems:
        return result
    mark = csvio.decimal_mark_for(table.delimiter)
    invoices = _Invoices()
    owed = balances(invoices.by_number.values())
    recorded = {
        (payment.invoice_id, payment.paid_on, payment.amount, payment.reference)
        for payment in db.session.scalars(select(Payment))
    }
    today = association_today()
    seen: dict[tuple[int, date, Decimal, str], int] = {}
    for line, cells in table.rows:
        before = len(report.problems)
        paid_on = settling.parse_statement_date(cells.get("date", ""))
        if paid_on is None:
            report.add(line, "date", _l("Enter a date such as 2027-01-31 or 31.01.2027."))
        amount = _amount(cells.get("amount", ""), mark, report, line)
        reference = " ".join(cells.get("reference", "").split())[:REFERENCE_LENGTH]
        named = invoices.named_in(reference)
        if not named:
            report.add(
                line,
                "reference",
                _l("The reference names no issued invoice by its number (e.g. 2027-00003)."),
            )
        elif len(named) > 1:
            report.add(
                line,
                "reference",
                _l(
                    "The reference names more than one invoice (%(numbers)s); record this "
                    "payment by hand.",
                    numbers=", ".join(invoice.number or "" for invoice in named),
                ),
            )
        if len(report.problems) > before or paid_on is None or amount is None:
            continue
        invoice = named[0]
        try:
            check_payment_date(invoice, paid_on, today)
        except InvoicingError as error:
            report.add(line, "date", error.message)
            continue
        key = (invoice.id, paid_on, amount, reference)
        if key in recorded:
            report.add(
                line,
                "reference",
                _l(
                    "This payment of invoice %(number)s has been recorded already (the same "
                    "date, amount and reference).",
                    number=invoice.number,
                ),
            )
            continue
        if key in seen:
            report.add(
                line,
                "reference",
                _l("This line is the same as line %(line)d of the file.", line=seen[key]),
            )
            continue
        seen[key] = line
        left = owed.get(invoice.id, settling.ZERO)
        if amount > left:
            report.add(line, "amount", overpayment_message(invoice, left, amount))
            continue
        owed[invoice.id] = left - amount
        result.planned.append(PlannedPayment(line, invoice, paid_on, amount, reference))
    return result


def _amount(text: str, mark: str, report: ImportReport, line: int) -> Decimal | None:
    """An amount as the bank writes it, above zero and in cents; None with the reason in the
    report."""
    try:
        value = numbers.parse_with_mark(text, mark)
    except numbers.NumberError:
        report.add(line, "amount", _l("Enter an amount such as 1250.00 or 1.250,00."))
        return None
    if value <= 0:
        report.add(
            line, "amount", _l("Only money received is imported: the amount must be above zero.")
        )
        return None
    if value != value.quantize(settling.CENT) or value >= Decimal("1000000000000"):
        report.add(line, "amount", _l("Enter an amount in whole cents, such as 1250.00."))
        return None
    return value.quantize(settling.CENT)


def import_statement(data: bytes, filename: str, user_id: int | None = None) -> PaymentImport:
    """Check a bank statement and, when every line is right, record its payments (flushed,
    not committed). When a line turns out wrong while recording (a payment recorded at the
    same moment by someone else), nothing is recorded and the line is named."""
    result = check_statement(data, filename)
    if result.report.problems or not result.planned:
        return result

    def work() -> list[RowResult]:
        rows = []
        for each in result.planned:
            try:
                record_payment(
                    each.invoice, each.paid_on, each.amount, each.reference, user_id, IMPORT
                )
            except InvoicingError as error:
                result.report.add(each.line, "amount", error.message)
                raise
            rows.append(RowResult(each.line, "create", each.invoice.number or ""))
        return rows

    try:
        run_import(result.report, True, work, filename)
    except InvoicingError:
        result.planned = []
    return result
