"""Gapless invoice numbers: one sequence per series and year, taken only when an invoice is
issued.

A number is prefix + year + "-" + five digits (``2027-00001``, ``CN-2027-00001``). The sequence
row is locked while a number is taken, and the increment belongs to the issuing transaction:
when the issue fails, the number goes back with it, so no number is lost and none is taken
twice, also when several people issue at the same moment.
"""

from __future__ import annotations

from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.models import CREDIT_NOTE, INVOICE, SERIES, InvoiceNumberSequence
from consortium.once import find_or_create, load_locked
from consortium.settings.services import get_settings


def format_number(prefix: str, year: int, sequence: int) -> str:
    """The number as invoices print it: prefix, year, dash, five digits."""
    return f"{prefix}{year}-{sequence:05d}"


def current_prefix(series: str) -> str:
    """The prefix the settings give a series now."""
    settings = get_settings()
    if series == INVOICE:
        return settings.invoice_prefix or ""
    if series == CREDIT_NOTE:
        return settings.credit_note_prefix or ""
    raise ValueError(f"unknown series {series!r}")


def next_number(series: str, year: int) -> str:
    """Take the next number of a series and year, inside the caller's transaction.

    Only :func:`consortium.invoicing.services.issue` calls this: a draft never has a number.
    The year's first number fixes its prefix, so a year's numbers all read alike.
    """
    if series not in SERIES:
        raise ValueError(f"unknown series {series!r}")

    def find() -> InvoiceNumberSequence | None:
        found: InvoiceNumberSequence | None = db.session.scalar(
            select(InvoiceNumberSequence).where(
                InvoiceNumberSequence.series == series, InvoiceNumberSequence.year == year
            )
        )
        return found

    def create() -> InvoiceNumberSequence:
        sequence = InvoiceNumberSequence(
            series=series, year=year, prefix=current_prefix(series), last_number=0
        )
        db.session.add(sequence)
        return sequence

    sequence, _created = find_or_create(find, create)
    locked = load_locked(InvoiceNumberSequence, sequence.id)
    assert locked is not None  # noqa: S101 - a sequence row is never deleted
    locked.last_number += 1
    db.session.flush()
    return format_number(locked.prefix, year, locked.last_number)


def coming_numbers(series: str, year: int, count: int) -> list[str]:
    """The next ``count`` numbers of a series and year as they stand now, without taking
    them: what a run's documents are rendered with before it is issued. Issuing takes them
    with the sequence locked and renders again any invoice whose number has moved on."""
    sequence = db.session.scalar(
        select(InvoiceNumberSequence).where(
            InvoiceNumberSequence.series == series, InvoiceNumberSequence.year == year
        )
    )
    prefix = sequence.prefix if sequence is not None else current_prefix(series)
    last = sequence.last_number if sequence is not None else 0
    return [format_number(prefix, year, last + offset) for offset in range(1, count + 1)]
