"""The governance calendar as the secretariat reads it before a general assembly: when the
notice must go out, when proposals are due, when the papers go out and when the minutes must be
published, and which of these is done, due soon, missed or still ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.meetings.governance import (
    DONE,
    DUE,
    MISSED,
    UPCOMING,
    Deadline,
    deadlines,
    months_before,
    status,
)


def _due(meeting_day: date, **periods) -> dict[str, date]:
    return {deadline.key: deadline.due for deadline in deadlines(meeting_day, **periods)}


def test_the_bylaws_deadlines_of_a_general_assembly_in_may():
    assert _due(date(2027, 5, 15)) == {
        "notice": date(2027, 4, 15),
        "proposals": date(2027, 5, 1),
        "send_out": date(2027, 5, 7),
        "minutes": date(2027, 5, 29),
    }


def test_deadlines_come_in_the_order_of_their_days():
    found = deadlines(date(2027, 5, 15))
    assert [deadline.key for deadline in found] == ["notice", "proposals", "send_out", "minutes"]
    assert [deadline.due for deadline in found] == sorted(deadline.due for deadline in found)


@pytest.mark.parametrize(
    ("meeting_day", "notice"),
    [
        (date(2027, 5, 15), date(2027, 4, 15)),
        (date(2027, 3, 31), date(2027, 2, 28)),
        (date(2028, 3, 31), date(2028, 2, 29)),  # a leap year
        (date(2100, 3, 31), date(2100, 2, 28)),  # no leap year: a century
        (date(2000, 3, 30), date(2000, 2, 29)),  # a leap year: a fourth century
        (date(2027, 5, 31), date(2027, 4, 30)),
        (date(2027, 1, 15), date(2026, 12, 15)),  # across the turn of the year
        (date(2027, 1, 31), date(2026, 12, 31)),
        (date(2028, 2, 29), date(2028, 1, 29)),
        (date(2027, 4, 1), date(2027, 3, 1)),
    ],
)
def test_the_notice_is_one_calendar_month_before(meeting_day, notice):
    assert _due(meeting_day)["notice"] == notice


def test_the_minutes_deadline_runs_over_a_month_end_and_a_leap_day():
    assert _due(date(2028, 2, 20))["minutes"] == date(2028, 3, 5)
    assert _due(date(2027, 2, 20))["minutes"] == date(2027, 3, 6)
    assert _due(date(2027, 12, 22))["minutes"] == date(2028, 1, 5)


def test_the_proposals_and_papers_deadlines_count_back_over_a_leap_day():
    due = _due(date(2028, 3, 7))
    assert due["proposals"] == date(2028, 2, 22)
    assert due["send_out"] == date(2028, 2, 28)
    assert _due(date(2028, 3, 8))["send_out"] == date(2028, 2, 29)


def test_the_association_sets_its_own_periods():
    due = _due(
        date(2027, 5, 15), notice_days=21, proposals_days=28, send_out_days=10, minutes_days=30
    )
    assert due == {
        "notice": date(2027, 4, 24),
        "proposals": date(2027, 4, 17),
        "send_out": date(2027, 5, 5),
        "minutes": date(2027, 6, 14),
    }
    assert _due(date(2027, 5, 31), notice_months=3)["notice"] == date(2027, 2, 28)
    # Sorted by day: proposals due before the notice when the association says so.
    keys = [d.key for d in deadlines(date(2027, 5, 15), notice_days=21, proposals_days=28)]
    assert keys[:2] == ["proposals", "notice"]


@pytest.mark.parametrize(
    "periods",
    [{"notice_days": -1}, {"proposals_days": -14}, {"minutes_days": -1}, {"notice_months": -1}],
)
def test_a_negative_period_is_refused(periods):
    with pytest.raises(ValueError, match="not negative"):
        deadlines(date(2027, 5, 15), **periods)


@pytest.mark.parametrize("meeting_day", [date.min, date.max, date(1, 1, 20)])
def test_a_day_at_the_end_of_the_calendar_is_refused_not_a_crash(meeting_day):
    with pytest.raises(ValueError, match="calendar"):
        deadlines(meeting_day)


NOTICE = Deadline("notice", "Notice", date(2027, 4, 15))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("done_on", "today", "expected"),
    [
        (date(2027, 4, 10), date(2027, 4, 12), DONE),
        (date(2027, 4, 15), date(2027, 5, 20), DONE),  # on the day itself
        (date(2027, 4, 16), date(2027, 5, 20), MISSED),  # a day late
        (None, date(2027, 4, 16), MISSED),
        (None, date(2027, 4, 15), DUE),  # the last day
        (None, date(2027, 4, 8), DUE),  # a week before
        (None, date(2027, 4, 7), UPCOMING),
        (None, date(2027, 1, 1), UPCOMING),
        (date(2027, 3, 1), date(2027, 3, 1), DONE),  # early
    ],
)
def test_status_of_a_deadline(done_on, today, expected):
    assert status(NOTICE, done_on, today) == expected


def test_the_warning_window_is_a_setting():
    assert status(NOTICE, None, date(2027, 4, 1), warn_days=14) == DUE
    assert status(NOTICE, None, date(2027, 4, 14), warn_days=0) == UPCOMING
    assert status(NOTICE, None, date(2027, 4, 15), warn_days=0) == DUE


def test_labels_are_in_the_readers_language(app):
    from flask_babel import force_locale

    found = deadlines(date(2027, 5, 15))
    with app.test_request_context():
        english = [str(deadline.label) for deadline in found]
        with force_locale("da"):
            danish = [str(deadline.label) for deadline in found]
    assert english[0] == "Notice calling the meeting sent"
    assert all(danish) and all(d != e for d, e in zip(danish, english, strict=True))


@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)))
def test_the_notice_is_in_the_month_before_on_the_same_day_or_its_last(day):
    notice = months_before(day, 1)
    assert (notice.year * 12 + notice.month) == (day.year * 12 + day.month) - 1
    assert notice.day == day.day or (notice.day < day.day and (notice + timedelta(1)).day == 1)
