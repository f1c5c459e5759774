"""Part years: which part of a year a membership or participation pays for.

A factor is kept as an integer numerator over a denominator that depends only on the rule and
the year (2 for OS2's half year, 12 for months, 365 or 366 for days), so a split can weigh
thousands of participants by integers over one common denominator, with no Fraction per row.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

NO_PRO_RATA = "none"
# OS2: joining after 1 July pays half the year (joining on 1 July still pays the whole year).
HALF_YEAR_AFTER_1_JULY = "half_year_after_1_july"
# Whole months in force: a month counts when the membership is in force on its first day
# (joining on 15 August pays September to December, 4/12).
WHOLE_MONTHS = "whole_months"
# Started months: a month counts when the membership is in force on any day of it (joining on
# 15 August pays August to December, 5/12), as Danish associations usually count.
STARTED_MONTHS = "started_months"
# Days: the days in force over the days of the year (366 in a leap year).
DAYS = "days"
METHODS = (NO_PRO_RATA, HALF_YEAR_AFTER_1_JULY, WHOLE_MONTHS, STARTED_MONTHS, DAYS)


def in_force_during(year: int, starts_on: date | None, ends_on: date | None) -> bool:
    """Whether a span (None: open at that end; ends_on inclusive) has a day in the year."""
    return (starts_on is None or starts_on <= date(year, 12, 31)) and (
        ends_on is None or ends_on >= date(year, 1, 1)
    )


@dataclass(frozen=True)
class PartYearRule:
    """How joining (and, with refunds, leaving) during the year changes what is paid.

    Without refunds, leaving during the year pays the whole year (the end date is ignored for
    the year it falls in).
    """

    method: str = NO_PRO_RATA
    refunds: bool = False

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown part-year method {self.method!r}")

    def denominator(self, year: int) -> int:
        if self.method == HALF_YEAR_AFTER_1_JULY:
            return 2
        if self.method in (WHOLE_MONTHS, STARTED_MONTHS):
            return 12
        if self.method == DAYS:
            return 366 if calendar.isleap(year) else 365
        return 1

    def numerator(self, year: int, starts_on: date | None, ends_on: date | None) -> int:
        """The part of the year paid for, over denominator(year); 0 when not in force at all.

        0 also when in force but for no whole month (joining on 15 December with WHOLE_MONTHS):
        in_force_during() tells the two apart.
        """
        first, last = date(year, 1, 1), date(year, 12, 31)
        if not in_force_during(year, starts_on, ends_on):
            return 0
        whole = self.denominator(year)
        # Counted from the day it joined (if during the year) to the day it left (if during the
        # year and leaving is refunded).
        start = starts_on if starts_on is not None and starts_on > first else first
        end = ends_on if self.refunds and ends_on is not None and ends_on < last else last
        if start == first and end == last:
            return whole
        if self.method == HALF_YEAR_AFTER_1_JULY:
            july = date(year, 7, 1)
            return 1 if start > july or end < july else 2
        if self.method == WHOLE_MONTHS:
            first_month = start.month if start.day == 1 else start.month + 1
            return max(0, end.month - first_month + 1)
        if self.method == STARTED_MONTHS:
            return end.month - start.month + 1
        if self.method == DAYS:
            return (end - start).days + 1
        return whole
