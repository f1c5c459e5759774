"""The rules of money received for an invoice: its balance, the status the balance gives it,
when it is overdue, and how a bank statement names it.

Pure: no Flask, no database, no I/O.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The statuses an issued invoice moves through (the codes of consortium.invoicing.models).
ISSUED, SENT, PARTLY_PAID, PAID, CREDITED = "issued", "sent", "partly_paid", "paid", "credited"

# An invoice number in a payment's reference: the series' prefix (letters, perhaps a dash), the
# year and five digits, e.g. "2027-00003" or "INV-2027-00003", not inside a longer number.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{0,10}-?)?([0-9]{4}-[0-9]{5})(?![0-9])")
# The years a bank statement's date may have.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def balance_of(gross: Decimal, credited: Decimal, paid: Decimal) -> Decimal:
    """What is still to pay: the invoice's total less its issued credit notes and payments.
    Below zero when more was credited and paid than the invoice asked (money to pay back)."""
    return (gross - credited - paid).quantize(CENT)


def settled_status(current: str, balance: Decimal, paid: Decimal) -> str:
    """The status of an issued invoice once its balance is known.

    Nothing left to pay: paid when money was received, credited when credit notes alone
    cleared it. Something left to pay after a payment: partly paid. Nothing received and
    something to pay: the status it had (issued or sent), which payments never set back.
    """
    if balance <= 0:
        return PAID if paid > 0 else CREDITED
    if paid > 0:
        return PARTLY_PAID
    return current if current in (ISSUED, SENT) else SENT


def is_overdue(due_on: date | None, balance: Decimal, today: date) -> bool:
    """Whether the due date has passed with something still to pay."""
    return due_on is not None and due_on < today and balance > 0


def days_overdue(due_on: date, today: date) -> int:
    """How many days have passed since the due date (0 on the due date and before)."""
    return max((today - due_on).days, 0)


def invoice_numbers_in(reference: str) -> list[tuple[str, str]]:
    """The invoice numbers a payment's reference seems to name, in order, each as (the number
    with the prefix written before it, upper case; the year and five digits)."""
    found: list[tuple[str, str]] = []
    for match in _NUMBER.finditer(reference):
        prefix, digits = match.group(1) or "", match.group(2)
        candidate = (prefix.upper() + digits, digits)
        if candidate not in found:
            found.append(candidate)
    return found


def parse_statement_date(text: str) -> date | None:
    """A date as banks and spreadsheets write it: 2027-02-01, 01.02.2027, 01-02-2027 or
    01/02/2027 (day first); None when it is none."""
    text = text.strip()
    for separator in ("-", ".", "/"):
        parts = [part.strip() for part in text.split(separator)]
        if len(parts) != 3 or not all(re.fullmatch(r"[0-9]{1,4}", part) for part in parts):
            continue
        if len(parts[0]) == 4:
            year, month, day = (int(part) for part in parts)
        elif len(parts[2]) == 4:
            day, month, year = (int(part) for part in parts)
        else:
            return None
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return None
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None
