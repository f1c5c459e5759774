"""Periods of dates: terms, participations, memberships, anything in force from one day to
another. A period starts at the start of ``starts_on`` and ends at the end of ``ends_on``;
without an end (None) it runs on. Pure: no Flask, no database.

The same questions asked in a database query are :func:`consortium.db.in_force_on`.
"""

from __future__ import annotations

from datetime import date


def in_force_on(starts_on: date | None, ends_on: date | None, day: date) -> bool:
    """Whether the period covers the day (None: open at that end)."""
    return (starts_on is None or starts_on <= day) and (ends_on is None or day <= ends_on)


def ended_before(ends_on: date | None, day: date) -> bool:
    """Whether the period was over before the day began (one without an end never is)."""
    return ends_on is not None and ends_on < day


def overlaps(
    starts_on: date | None,
    ends_on: date | None,
    other_starts_on: date | None,
    other_ends_on: date | None,
) -> bool:
    """Whether two periods share a day (None: open at that end)."""
    return (starts_on is None or other_ends_on is None or starts_on <= other_ends_on) and (
        ends_on is None or other_starts_on is None or other_starts_on <= ends_on
    )


def in_force_during(year: int, starts_on: date | None, ends_on: date | None) -> bool:
    """Whether the period has a day in the year."""
    return overlaps(starts_on, ends_on, date(year, 1, 1), date(year, 12, 31))
