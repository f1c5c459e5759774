"""When notice takes effect: pure rules, no app."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from consortium.participation.rules import (
    MAX_AMOUNT,
    add_months,
    amount_problem,
    notice_day_in_range,
    notice_takes_effect,
    to_cents,
)


@pytest.mark.parametrize(
    ("given_on", "months", "year_end", "expected"),
    [
        (date(2026, 3, 15), 6, True, date(2026, 12, 31)),
        (date(2026, 3, 15), 6, False, date(2026, 9, 15)),
        (date(2026, 6, 30), 6, True, date(2026, 12, 31)),
        (date(2026, 7, 1), 6, True, date(2027, 12, 31)),
        (date(2026, 7, 2), 6, True, date(2027, 12, 31)),
        (date(2026, 7, 2), 6, False, date(2027, 1, 2)),
        (date(2026, 8, 31), 6, False, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, False, date(2028, 2, 29)),
        (date(2026, 12, 31), 0, True, date(2026, 12, 31)),
        (date(2026, 12, 31), 12, False, date(2027, 12, 31)),
        (date(2026, 1, 31), 1, False, date(2026, 2, 28)),
        (date(2026, 5, 10), 24, True, date(2028, 12, 31)),
    ],
)
def test_notice_takes_effect(given_on, months, year_end, expected):
    assert notice_takes_effect(given_on, months, year_end) == expected


def test_a_negative_notice_period_is_a_mistake():
    with pytest.raises(ValueError, match="negative"):
        notice_takes_effect(date(2026, 1, 1), -1, True)


@pytest.mark.parametrize("year_end", [True, False])
@pytest.mark.parametrize("months", [0, 1, 3, 6, 11, 12, 13, 36])
def test_notice_never_ends_before_its_period(months, year_end):
    # Every day of a leap year and the next, as notice days.
    for offset in range(731):
        given_on = date(2027, 12, 1) + timedelta(days=offset)
        end = notice_takes_effect(given_on, months, year_end)
        period_end = add_months(given_on, months)
        assert end >= period_end >= given_on
        assert end - period_end < timedelta(days=366)
        assert end.year == period_end.year
        if year_end:
            assert (end.month, end.day) == (12, 31)
        else:
            assert end == period_end


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", None),
        ("12500.50", None),
        ("999999999999.99", None),
        ("NaN", "invalid"),
        ("sNaN", "invalid"),
        ("Infinity", "invalid"),
        ("-0.01", "negative"),
        ("-Infinity", "invalid"),
        ("999999999999.991", "too_large"),
        ("1E+100", "too_large"),
        ("1" * 30, "too_large"),
    ],
)
def test_what_an_amount_may_be(value, problem):
    assert amount_problem(Decimal(value)) == problem


def test_amounts_are_rounded_to_cents_without_a_minus_zero():
    assert str(to_cents(Decimal("-0"))) == "0.00"
    assert to_cents(Decimal("12.345")) == Decimal("12.34")
    assert to_cents(MAX_AMOUNT) == MAX_AMOUNT


def test_notice_days_lie_within_ten_years_of_today():
    today = date(2026, 11, 23)
    assert notice_day_in_range(date(2036, 11, 23), today)
    assert notice_day_in_range(date(2016, 11, 23), today)
    assert not notice_day_in_range(date(2036, 11, 24), today)
    assert not notice_day_in_range(date(2016, 11, 22), today)
    assert not notice_day_in_range(date(9999, 10, 1), today)
    # Near the calendar's end there is no day ten years on: nothing is in range.
    assert not notice_day_in_range(date(9995, 1, 1), date(9995, 1, 1))


def test_a_notice_end_past_the_calendar_is_a_value_error():
    with pytest.raises(ValueError, match="out of range"):
        notice_takes_effect(date(9999, 10, 1), 6, True)
