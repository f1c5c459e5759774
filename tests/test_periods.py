"""Periods of dates: one answer to "in force on this day", "during this year" and "overlap"."""

from datetime import date

import pytest

from consortium.periods import ended_before, in_force_during, in_force_on, overlaps

D = date


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "day", "expected"),
    [
        (D(2025, 1, 1), None, D(2025, 1, 1), True),
        (D(2025, 1, 1), None, D(2024, 12, 31), False),
        (D(2025, 1, 1), D(2025, 6, 30), D(2025, 6, 30), True),
        (D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 1), False),
        (None, D(2025, 6, 30), D(1900, 1, 1), True),
        (None, None, D(2025, 1, 1), True),
    ],
)
def test_in_force_on_a_day_counts_both_ends(starts_on, ends_on, day, expected):
    assert in_force_on(starts_on, ends_on, day) is expected


def test_ended_before_a_day():
    assert ended_before(D(2025, 6, 30), D(2025, 7, 1))
    assert not ended_before(D(2025, 6, 30), D(2025, 6, 30))
    assert not ended_before(None, D(2200, 1, 1))


def test_periods_overlap_when_they_share_a_day():
    assert overlaps(D(2025, 1, 1), None, D(2020, 1, 1), None)
    assert overlaps(D(2025, 1, 1), None, D(2024, 1, 1), D(2025, 1, 1))
    assert not overlaps(D(2025, 1, 2), None, D(2024, 1, 1), D(2025, 1, 1))
    assert not overlaps(D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1), None)
    assert overlaps(None, None, D(2025, 1, 1), D(2025, 1, 1))
    assert not overlaps(None, D(2024, 12, 31), D(2025, 1, 1), None)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "expected"),
    [
        (D(2025, 12, 31), None, True),
        (D(2026, 1, 1), None, False),
        (None, D(2025, 1, 1), True),
        (None, D(2024, 12, 31), False),
        (D(2024, 3, 1), D(2026, 2, 1), True),
        (None, None, True),
    ],
)
def test_in_force_during_a_year(starts_on, ends_on, expected):
    assert in_force_during(2025, starts_on, ends_on) is expected


def test_overlap_is_symmetric_and_in_force_on_is_an_overlap_of_one_day():
    days = [None, D(2024, 12, 31), D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 1)]
    periods = [(a, b) for a in days for b in days if a is None or b is None or a <= b]
    for first in periods:
        for second in periods:
            assert overlaps(*first, *second) == overlaps(*second, *first)
        for day in days[1:]:
            assert in_force_on(*first, day) == overlaps(*first, day, day)
