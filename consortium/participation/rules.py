"""When notice takes effect: pure, no Flask, no database."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_takes_effect(given_on: date, notice_months: int, ends_at_year_end: bool) -> date:
    """The last day of a participation after notice given on ``given_on``.

    The notice period runs ``notice_months`` from the day notice is given; when the agreement
    ends at a year's end, the participation runs on to 31 December of the year the period
    ends in. The participation ends at the end of the returned day.
    """
    if notice_months < 0:
        raise ValueError("notice_months must not be negative")
    end = add_months(given_on, notice_months)
    return date(end.year, 12, 31) if ends_at_year_end else end


def is_current(starts_on: date, ends_on: date | None, on: date) -> bool:
    """Whether a period that ends at the end of ``ends_on`` covers the day."""
    return starts_on <= on and (ends_on is None or on <= ends_on)


def overlaps(
    starts_on: date, ends_on: date | None, other_starts_on: date, other_ends_on: date | None
) -> bool:
    """Whether two periods (open-ended when they have no end) share a day."""
    return (other_ends_on is None or starts_on <= other_ends_on) and (
        ends_on is None or other_starts_on <= ends_on
    )
