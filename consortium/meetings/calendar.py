"""A meeting's invitation as an iCalendar file (RFC 5545, with the iTIP methods of RFC 5546).

Every invitation of a meeting carries the same UID (:func:`meeting_uid`); a change of time is
sent again with a higher SEQUENCE, so that a calendar moves the event it already has instead of
adding a second one, and a cancellation is a CANCEL with the same UID. The start and the end are
written in the meeting's own time zone (``DTSTART;TZID=Europe/Copenhagen:20270326T100000``) with
a VTIMEZONE component that describes the zone's offsets around the meeting, so that a calendar
shows the right local time also when a daylight-saving change lies between the invitation and
the meeting.

Text (title, description, place, names) is written as text: commas, semicolons, backslashes and
line breaks escaped as RFC 5545 says, control characters dropped, long lines folded at 75
octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from icalendar import vCalAddress

METHODS = ("REQUEST", "CANCEL")
PRODUCT_ID = "-//consortium//meetings//EN"

# RFC 5545 allows no control character in a value but the tab; a line break in text is escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
# A parameter value (a name in CN=) may hold neither a double quote nor a line break.
_NOT_IN_PARAMETER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An address or a URL is one token: no spaces, no control characters, no quotes or brackets.
_NOT_IN_URI = re.compile(r"[\x00-\x20\x7f-\x9f\"<>\\^`{|}]")
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class Invitation:
    """What a meeting's invitation says. ``start`` and ``end`` are aware datetimes (in any zone;
    they are written in ``timezone``, an IANA name such as "Europe/Copenhagen"); ``attendees``
    are (name, email) pairs; ``sequence`` grows with every change that is sent."""

    uid: str
    sequence: int
    title: str
    description: str
    start: datetime
    end: datetime
    timezone: str
    location: str
    url: str
    organizer_name: str
    organizer_email: str
    attendees: tuple[tuple[str, str], ...]


def meeting_uid(meeting_id: int, domain: str) -> str:
    """The UID of a meeting's invitations: the same for every update and the cancellation, and
    unique across calendars through the association's domain name."""
    name = domain.strip().lower().rstrip(".")
    if not _DOMAIN.match(name):
        raise ValueError(f"not a domain name: {domain!r}")
    if meeting_id < 0:
        raise ValueError("a meeting's id is not negative")
    return f"meeting-{meeting_id}@{name}"


def invitation_ics(
    invitation: Invitation, *, method: str = "REQUEST", stamp: datetime | None = None
) -> bytes:
    """The invitation as an iCalendar file (UTF-8, CRLF line ends): a request to attend
    (``method="REQUEST"``) or its cancellation (``"CANCEL"``, with STATUS:CANCELLED).
    ``stamp`` is the DTSTAMP, the moment the file is made (now by default)."""
    # Imported here: icalendar (and the time zones it loads) is for calendar files only.
    from icalendar import Calendar, Event, Timezone, vText, vUri

    if method not in METHODS:
        raise ValueError(f"an invitation is a REQUEST or a CANCEL, not {method!r}")
    zone = _zone(invitation.timezone)
    if invitation.start.utcoffset() is None or invitation.end.utcoffset() is None:
        raise ValueError("a meeting's start and end need a time zone")
    if invitation.end <= invitation.start:
        raise ValueError("a meeting ends after it starts")
    if invitation.sequence < 0:
        raise ValueError("the sequence of an invitation is not negative")
    cancelled = method == "CANCEL"

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    start, end = invitation.start.astimezone(zone), invitation.end.astimezone(zone)
    # The zone's offsets from a year before the meeting to a year after: enough for any
    # calendar to place it, and a few lines instead of every change since 1970.
    try:
        vtimezone = Timezone.from_tzinfo(
            zone,
            tzid=invitation.timezone,
            first_date=(start - timedelta(days=366)).date(),
            last_date=(end + timedelta(days=366)).date(),
        )
    except OverflowError:
        raise ValueError("the meeting lies off the calendar") from None
    vtimezone.pop("COMMENT", None)
    calendar.add_component(vtimezone)

    event = Event()
    event.add("uid", _one_line(invitation.uid))
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", start.replace(microsecond=0))
    event.add("dtend", end.replace(microsecond=0))
    event.add("summary", vText(_text(invitation.title)))
    if invitation.description.strip():
        event.add("description", vText(_text(invitation.description)))
    if invitation.location.strip():
        event.add("location", vText(_text(invitation.location)))
    url = _NOT_IN_URI.sub("", invitation.url)
    if url:
        event.add("url", vUri(url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer_name, invitation.organizer_email))
    for name, email in invitation.attendees:
        attendee = _address(name, email)
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "FALSE" if cancelled else "TRUE"
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics


def _zone(name: str) -> ZoneInfo:
    """The IANA time zone of this name; a ValueError for a name that is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"not a time zone: {name!r}") from None


def _text(value: str) -> str:
    """Text with one kind of line break and no control characters (the escaping of commas,
    semicolons, backslashes and line breaks is the library's)."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))


def _one_line(value: str) -> str:
    """A value that must stay on one line (a UID)."""
    return _CONTROL.sub("", value.replace("\n", " ")).strip()


def _address(name: str, email: str) -> vCalAddress:
    """A person as a calendar address: mailto: their email, with their name as CN."""
    from icalendar import vCalAddress

    address = vCalAddress("mailto:" + _NOT_IN_URI.sub("", email))
    common_name = " ".join(_NOT_IN_PARAMETER.sub(" ", name).replace('"', "'").split())
    if common_name:
        address.params["CN"] = common_name
    return address
