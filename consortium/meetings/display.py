"""How a meeting reads on its pages, in its mails and on its agenda PDF: the day and hours in the
meeting's own time zone, named, in the reader's language; and the agenda as the PDF shows it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import get_locale
from flask_babel import gettext as _

from consortium.meetings.models import Meeting
from consortium.meetings.pdf import AgendaItemView, AgendaView


def _locale() -> str:
    return str(get_locale() or "en")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when_text(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    """ "Friday, 26 March 2027, 10:00–12:00 (Central European Standard Time)": the clock in the
    meeting's zone, which is named, so that a reader elsewhere knows which hours are meant."""
    zone = _zone(timezone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    locale = _locale()
    zone_name = get_timezone_name(start, "long", locale=locale)
    if start.date() == end.date():
        return str(
            _(
                "%(day)s, %(start)s–%(end)s (%(zone)s)",
                day=format_date(start.date(), "full", locale=locale),
                start=format_time(start.time(), "short", locale=locale),
                end=format_time(end.time(), "short", locale=locale),
                zone=zone_name,
            )
        )
    return str(
        _(
            "%(start_day)s, %(start)s – %(end_day)s, %(end)s (%(zone)s)",
            start_day=format_date(start.date(), "full", locale=locale),
            start=format_time(start.time(), "short", locale=locale),
            end_day=format_date(end.date(), "full", locale=locale),
            end=format_time(end.time(), "short", locale=locale),
            zone=zone_name,
        )
    )


def meeting_when(meeting: Meeting) -> str:
    """The meeting's day and hours in its own zone, in the reader's language."""
    return when_text(meeting.starts_at, meeting.ends_at, meeting.timezone)


def short_when(meeting: Meeting) -> str:
    """The day and start in a list: "10 Mar 2027, 13:00 (Europe/Copenhagen)"."""
    start = meeting.starts_at.astimezone(_zone(meeting.timezone))
    locale = _locale()
    return str(
        _(
            "%(day)s, %(time)s (%(zone)s)",
            day=format_date(start.date(), "medium", locale=locale),
            time=format_time(start.time(), "short", locale=locale),
            zone=meeting.timezone,
        )
    )


def agenda_view(meeting: Meeting) -> AgendaView:
    """The meeting as its agenda PDF shows it."""
    return AgendaView(
        group_name=meeting.group.name,
        title=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        place=meeting.place,
        video_link=meeting.video_url,
        items=tuple(
            AgendaItemView(
                position=item.position,
                title=item.title,
                presenter=item.presenter,
                duration_minutes=item.expected_minutes,
                papers=tuple(paper.filename for paper in item.papers),
            )
            for item in meeting.agenda
        ),
    )
