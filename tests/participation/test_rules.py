"""When notice takes effect: pure rules, no app."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consortium.participation.rules import add_months, is_current, notice_takes_effect, overlaps


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


def test_current_and_overlapping_periods():
    assert is_current(date(2026, 1, 1), None, date(2026, 1, 1))
    assert is_current(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert not is_current(date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    assert not is_current(date(2026, 1, 2), None, date(2026, 1, 1))
    assert overlaps(date(2026, 1, 1), None, date(2020, 1, 1), None)
    assert overlaps(date(2026, 1, 1), None, date(2020, 1, 1), date(2026, 1, 1))
    assert not overlaps(date(2026, 1, 2), None, date(2020, 1, 1), date(2026, 1, 1))
    assert not overlaps(date(2020, 1, 1), date(2020, 12, 31), date(2021, 1, 1), None)
