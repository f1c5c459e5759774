"""The bylaws' deadlines around a general assembly or a board meeting, computed from its day.

The notice calling the meeting goes out one calendar month before it (15 May → 15 April; a day
the earlier month lacks becomes its last day: 31 March → 28 or 29 February), proposals are due
two weeks before, the papers are sent out eight days before, and the minutes are published
within two weeks after. Each period is an association setting; the defaults are the bylaws'.

A deadline is "done" when what it asks for happened on or before its day, "missed" when it
happened later or has not happened and the day has passed, "due" in the days just before it
(``warn_days``, a week by default, its own day included) and "upcoming" before that.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

NOTICE, PROPOSALS, SEND_OUT, MINUTES = "notice", "proposals", "send_out", "minutes"
DONE, MISSED, DUE, UPCOMING = "done", "missed", "due", "upcoming"
STATUSES = (DONE, MISSED, DUE, UPCOMING)

LABELS: dict[str, LazyString] = {
    NOTICE: _l("Notice calling the meeting sent"),
    PROPOSALS: _l("Proposals due"),
    SEND_OUT: _l("Papers sent out"),
    MINUTES: _l("Minutes published"),
}

STATUS_LABELS: dict[str, LazyString] = {
    DONE: _l("Done"),
    MISSED: _l("Missed"),
    DUE: _l("Due soon"),
    UPCOMING: _l("Upcoming"),
}


@dataclass(frozen=True)
class Deadline:
    """One of the bylaws' deadlines of a meeting: its key (``notice``, ``proposals``,
    ``send_out``, ``minutes``), what it asks for in the reader's language and its day."""

    key: str
    label: LazyString
    due: date


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, or the last day of that month when it is
    shorter (31 March, one month → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise ValueError("the day lies before the calendar starts")
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def deadlines(
    meeting_day: date,
    *,
    notice_days: int | None = None,
    notice_months: int = 1,
    proposals_days: int = 14,
    send_out_days: int = 8,
    minutes_days: int = 14,
) -> list[Deadline]:
    """The meeting's deadlines in the order of their days. The notice is due ``notice_months``
    calendar months before the meeting, or ``notice_days`` days before when that is given;
    proposals ``proposals_days`` and the papers ``send_out_days`` before; the minutes
    ``minutes_days`` after. A ValueError for a negative period or a day off the calendar."""
    periods = (notice_days or 0, notice_months, proposals_days, send_out_days, minutes_days)
    if any(period < 0 for period in periods):
        raise ValueError("a period of the bylaws is not negative")
    try:
        notice = (
            months_before(meeting_day, notice_months)
            if notice_days is None
            else meeting_day - timedelta(days=notice_days)
        )
        found = [
            Deadline(NOTICE, LABELS[NOTICE], notice),
            Deadline(PROPOSALS, LABELS[PROPOSALS], meeting_day - timedelta(days=proposals_days)),
            Deadline(SEND_OUT, LABELS[SEND_OUT], meeting_day - timedelta(days=send_out_days)),
            Deadline(MINUTES, LABELS[MINUTES], meeting_day + timedelta(days=minutes_days)),
        ]
    except OverflowError:
        raise ValueError("the deadlines lie off the calendar") from None
    return sorted(found, key=lambda deadline: deadline.due)


def status(deadline: Deadline, done_on: date | None, today: date, *, warn_days: int = 7) -> str:
    """Where the deadline stands: "done" (on time), "missed" (late, or not done and past),
    "due" (not done, its day within ``warn_days`` from today) or "upcoming"."""
    if done_on is not None:
        return DONE if done_on <= deadline.due else MISSED
    if today > deadline.due:
        return MISSED
    if (deadline.due - today).days <= warn_days:
        return DUE
    return UPCOMING
