"""When notice takes effect, and what an amount may be: pure, no Flask, no database."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

# The largest amount the register holds (the columns are Numeric(14, 2)).
MAX_AMOUNT = Decimal("999999999999.99")
# Notice is recorded for a day at most this many years before or after today.
NOTICE_YEARS = 10


def amount_problem(value: Decimal) -> str | None:
    """Why ``value`` is no amount the register can hold ("invalid", "negative", "too_large")."""
    if not value.is_finite():
        return "invalid"
    if value < 0:
        return "negative"
    if value > MAX_AMOUNT:
        return "too_large"
    return None


def to_cents(value: Decimal) -> Decimal:
    """An amount that passed ``amount_problem``, rounded to cents (never -0.00)."""
    return value.quantize(Decimal("0.01")) + Decimal("0.00")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day.

    ValueError when that falls outside the years 1 to 9999.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_takes_effect(given_on: date, notice_months: int, ends_at_year_end: bool) -> date:
    """The last day of a participation after notice given on ``given_on``.

    The notice period runs ``notice_months`` from the day notice is given; when the agreement
    ends at a year's end, the participation runs on to 31 December of the year the period
    ends in. The participation ends at the end of the returned day. ValueError when the day
    falls outside the years 1 to 9999.
    """
    if notice_months < 0:
        raise ValueError("notice_months must not be negative")
    end = add_months(given_on, notice_months)
    return date(end.year, 12, 31) if ends_at_year_end else end


def notice_day_in_range(given_on: date, today: date) -> bool:
    """Whether notice may be recorded for the day: at most NOTICE_YEARS from today."""
    try:
        earliest = add_months(today, -12 * NOTICE_YEARS)
        latest = add_months(today, 12 * NOTICE_YEARS)
    except ValueError:
        return False
    return earliest <= given_on <= latest
