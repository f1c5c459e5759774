"""A meeting's agenda and its minutes as PDFs: A4, tagged for screen readers, the labels, dates
and times in the reader's language and the meeting's time zone, and what the group wrote (titles,
minutes, decisions, action items) as written. Every page carries the group, the meeting's day
and "Page 1 of 2"; approved minutes are archivable (PDF/A-2b) and name their version and who
approved them when.

The pages get plain views (:class:`AgendaView`, :class:`MinutesView`), made from the records by
the caller, so that the layout never reaches into the database.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import force_locale, get_locale, pgettext
from flask_babel import gettext as _

from consortium.agreements.text import render_markdown
from consortium.groups.labels import ROLE_LABELS
from consortium.pdf import css_string, page_counter, render_pdf

MINUTES_PDF_VARIANT = "pdf/a-2b"
PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"
OPEN, DONE = "open", "done"

# Control characters have no glyph and no place in the PDF's XML metadata; line breaks in a
# title or a name are spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")
_WEB_LINK = re.compile(r"^https?://[^\s\"<>]+$", re.IGNORECASE)

_View = TypeVar("_View")


@dataclass(frozen=True)
class AgendaItemView:
    """An item of the agenda: its number, title, who presents it, how many minutes it is
    expected to take (None: not said) and the file names of its papers."""

    position: int
    title: str
    presenter: str = ""
    duration_minutes: int | None = None
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaView:
    """A meeting as its agenda shows it. ``start`` and ``end`` are aware datetimes, shown in
    ``timezone`` (an IANA name); ``place`` and ``video_link`` may be empty."""

    group_name: str
    title: str
    start: datetime
    end: datetime
    timezone: str
    place: str
    video_link: str
    items: tuple[AgendaItemView, ...]


@dataclass(frozen=True)
class AttendanceRow:
    """A member at the meeting: name, role in the group ("chair", "secretary", "member",
    "observer", shown in the reader's language; any other text as written) and whether they
    were "present", "absent" or "excused"."""

    name: str
    role: str
    attendance: str


@dataclass(frozen=True)
class DecisionView:
    """A decision: its code (e.g. "OS2FORMS-SC-2027-04") and its text."""

    code: str
    text: str


@dataclass(frozen=True)
class ActionItemView:
    """An action item: what is to be done, by whom, by when (None: no day) and its status,
    "open" or "done"."""

    what: str
    owner: str
    due_on: date | None
    status: str


@dataclass(frozen=True)
class MinutesItemView:
    """An agenda item in the minutes: its number, title and presenter, the minutes in Markdown
    as the secretary wrote them, and its decisions and action items."""

    position: int
    title: str
    presenter: str = ""
    minutes_markdown: str = ""
    decisions: tuple[DecisionView, ...] = ()
    action_items: tuple[ActionItemView, ...] = ()


@dataclass(frozen=True)
class MinutesView:
    """The minutes of a meeting: the meeting as on its agenda, who attended (and the guests, by
    name), the items with their minutes, and the version with who approved it on which day
    (``approved_on`` None: not approved yet, printed as a draft). Minutes approved at a later
    meeting name that meeting's day (``approved_at_meeting_on``); ``approved_by`` is then who
    recorded it on ``approved_on``."""

    meeting: AgendaView
    attendance: tuple[AttendanceRow, ...]
    guests: tuple[str, ...]
    items: tuple[MinutesItemView, ...]
    version: int
    approved_by: str = ""
    approved_on: date | None = None
    approved_at_meeting_on: date | None = None


def agenda_pdf(meeting: AgendaView, language: str) -> bytes:
    """The agenda as PDF bytes in ``language``."""
    meeting = _cleaned(meeting)
    with force_locale(language):
        title = _("Agenda: %(title)s", title=meeting.title)
        when = _when(meeting)
        return render_pdf(
            "meetings/agenda_pdf.html",
            stylesheets=("pdf/meetings.css",),
            language=language,
            title=title,
            meeting=meeting,
            when=when,
            video_href=_web_link(meeting.video_link),
            items=[(item, _item_details(item)) for item in meeting.items],
            running_title=css_string(meeting.group_name),
            footer=css_string(title),
            counter=page_counter(),
        )


def minutes_pdf(minutes: MinutesView, language: str) -> bytes:
    """The minutes as PDF bytes in ``language`` (an archivable PDF/A-2b)."""
    minutes = _cleaned(minutes)
    meeting = minutes.meeting
    with force_locale(language):
        title = _("Minutes: %(title)s", title=meeting.title)
        version = _("Version %(version)s", version=minutes.version)
        if minutes.approved_on is not None and minutes.approved_at_meeting_on is not None:
            approval = _(
                "Approved at the meeting of %(day)s (recorded by %(name)s, %(when)s)",
                day=_day(minutes.approved_at_meeting_on),
                name=minutes.approved_by or "–",
                when=_day(minutes.approved_on),
            )
        elif minutes.approved_on is not None:
            approval = _(
                "Approved by %(name)s on %(day)s",
                name=minutes.approved_by or "–",
                day=_day(minutes.approved_on),
            )
        else:
            approval = _("Draft, not approved")
        return render_pdf(
            "meetings/minutes_pdf.html",
            stylesheets=("pdf/meetings.css",),
            pdf_variant=MINUTES_PDF_VARIANT,
            language=language,
            title=title,
            meeting=meeting,
            when=_when(meeting),
            video_href=_web_link(meeting.video_link),
            status_line=f"{version} · {approval}",
            attendance=_attendance(minutes),
            items=[
                (
                    item,
                    render_markdown(item.minutes_markdown),
                    [_action(action) for action in item.action_items],
                )
                for item in minutes.items
            ],
            running_title=css_string(meeting.group_name),
            footer=css_string(f"{title} · {version}"),
            counter=page_counter(),
        )


def _cleaned(view: _View) -> _View:
    """The view with control characters dropped from its text, and line breaks turned into
    spaces except in the minutes' Markdown and a decision's text (whose lines are kept)."""

    def clean(value: Any, keep_lines: bool) -> Any:
        if isinstance(value, str):
            value = _CONTROL.sub("", value)
            return (value if keep_lines else _LINE_BREAKS.sub(" ", value)).strip()
        if isinstance(value, tuple):
            return tuple(clean(part, keep_lines) for part in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(
                value,
                **{
                    field.name: clean(
                        getattr(value, field.name), field.name in ("minutes_markdown", "text")
                    )
                    for field in dataclasses.fields(value)
                },
            )
        return value

    cleaned: _View = clean(view, False)
    return cleaned


def _locale() -> str:
    return str(get_locale() or "en")


def _day(day: date) -> str:
    return format_date(day, "long", locale=_locale())


def _when(meeting: AgendaView) -> str:
    """The meeting's day and hours in its own time zone: "Friday, 26 March 2027, 10:00–12:00
    (Central European Time)"."""
    try:
        zone: tzinfo | None = ZoneInfo(meeting.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = meeting.start.tzinfo  # no zone of that name: the times as they were given
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
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


def _web_link(link: str) -> str | None:
    """The video link when it is a web address a reader may follow; None otherwise."""
    return link if _WEB_LINK.match(link) else None


def _item_details(item: AgendaItemView) -> str:
    """The line under an agenda item: presenter, expected duration, papers."""
    parts = []
    if item.presenter:
        parts.append(_("Presenter: %(name)s", name=item.presenter))
    if item.duration_minutes:
        parts.append(_("%(minutes)s min.", minutes=item.duration_minutes))
    if item.papers:
        parts.append(_("Papers: %(names)s", names=", ".join(item.papers)))
    return " · ".join(parts)


def _role(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


def _attendance(minutes: MinutesView) -> list[tuple[str, str]]:
    """The attendance as a heading and a list of names per kind, present first."""
    groups = (
        (PRESENT, pgettext("attendance", "Present")),
        (EXCUSED, pgettext("attendance", "Excused")),
        (ABSENT, pgettext("attendance", "Absent")),
    )
    lines = []
    for key, label in groups:
        names = [
            f"{row.name} ({_role(row.role)})" if row.role and row.role != "member" else row.name
            for row in minutes.attendance
            if row.attendance == key
        ]
        if names:
            lines.append((label, ", ".join(names)))
    if minutes.guests:
        lines.append((_("Guests"), ", ".join(minutes.guests)))
    return lines


def _action(action: ActionItemView) -> tuple[str, str]:
    """An action item as its text and the line of who, by when and its status."""
    parts = [_("Owner: %(name)s", name=action.owner or "–")]
    if action.due_on is not None:
        parts.append(_("due %(day)s", day=_day(action.due_on)))
    parts.append(
        pgettext("action item", "Done")
        if action.status == DONE
        else pgettext("action item", "Open")
    )
    return action.what, " · ".join(parts)
