"""A meeting's invitation as a member's calendar reads it: the right local time on both sides of
a daylight-saving change, one event that moves when the time changes and disappears when the
meeting is cancelled, and the text as the secretary typed it."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from consortium.meetings.calendar import Invitation, invitation_ics, meeting_uid

CPH = ZoneInfo("Europe/Copenhagen")
STAMP = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)


def _invitation(**changes) -> Invitation:
    base = Invitation(
        uid=meeting_uid(42, "consortium.example.org"),
        sequence=0,
        title="Styregruppemøde OS2forms",
        description="Dagsorden: godkendelse af referat, budget 2028",
        start=datetime(2027, 3, 26, 10, 0, tzinfo=CPH),
        end=datetime(2027, 3, 26, 12, 0, tzinfo=CPH),
        timezone="Europe/Copenhagen",
        location="Aarhus Rådhus, mødelokale 3",
        url="https://consortium.example.org/meetings/42",
        organizer_name="Søren Ørsted",
        organizer_email="soren@aarhus.example.dk",
        attendees=(("Jiří Dvořák", "jiri@brno.example.cz"), ("Anna Müller", "anna@example.de")),
    )
    return dataclasses.replace(base, **changes)


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _unfolded(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")


def test_times_are_right_on_both_sides_of_the_daylight_saving_change():
    before = _invitation()
    after = _invitation(
        start=datetime(2027, 4, 2, 10, 0, tzinfo=CPH), end=datetime(2027, 4, 2, 12, 0, tzinfo=CPH)
    )
    for invitation, utc_hour in ((before, 9), (after, 8)):
        ics = invitation_ics(invitation, stamp=STAMP)
        _calendar, event = _event(ics)
        start = event.decoded("dtstart")
        end = event.decoded("dtend")
        assert start.astimezone(UTC) == invitation.start.astimezone(UTC)
        assert start.astimezone(UTC).hour == utc_hour
        assert end - start == timedelta(hours=2)
        day = invitation.start.strftime("%Y%m%d")
        assert f"DTSTART;TZID=Europe/Copenhagen:{day}T100000\r\n" in ics.decode()
        assert f"DTEND;TZID=Europe/Copenhagen:{day}T120000\r\n" in ics.decode()


def test_the_time_zone_is_described_in_the_file():
    """A calendar that knows no zone names places the meeting from the VTIMEZONE alone."""
    ics = invitation_ics(_invitation(), stamp=STAMP)
    calendar = Calendar.from_ical(ics)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Copenhagen"
    offsets = {(str(part.name), part.decoded("TZOFFSETTO")) for part in zone.subcomponents}
    assert ("DAYLIGHT", timedelta(hours=2)) in offsets
    assert ("STANDARD", timedelta(hours=1)) in offsets
    # The change of 28 March 2027 is among the transitions it lists.
    assert "20270328T030000" in ics.decode() or "20270328T020000" in ics.decode()


@pytest.mark.parametrize(
    ("zone", "utc_hour"),
    [("UTC", 10), ("Asia/Tokyo", 1), ("America/New_York", 14), ("Europe/Prague", 9)],
)
def test_zones_with_and_without_daylight_saving(zone, utc_hour):
    tz = ZoneInfo(zone)
    invitation = _invitation(
        timezone=zone,
        start=datetime(2027, 3, 26, 10, tzinfo=tz),
        end=datetime(2027, 3, 26, 12, tzinfo=tz),
    )
    _calendar, event = _event(invitation_ics(invitation, stamp=STAMP))
    assert event.decoded("dtstart").astimezone(UTC).hour == utc_hour


def test_a_meeting_given_in_another_zone_is_written_in_the_meeting_zone():
    invitation = _invitation(
        start=datetime(2027, 4, 2, 8, 0, tzinfo=UTC), end=datetime(2027, 4, 2, 9, 30, tzinfo=UTC)
    )
    text = invitation_ics(invitation, stamp=STAMP).decode()
    assert "DTSTART;TZID=Europe/Copenhagen:20270402T100000" in text
    assert "DTEND;TZID=Europe/Copenhagen:20270402T113000" in text


def test_a_request_names_organizer_attendees_and_asks_for_a_reply():
    ics = invitation_ics(_invitation(), stamp=STAMP)
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == "meeting-42@consortium.example.org"
    assert event.decoded("sequence") == 0
    assert event.decoded("dtstamp") == STAMP
    assert str(event["URL"]) == "https://consortium.example.org/meetings/42"
    assert str(event["LOCATION"]) == "Aarhus Rådhus, mødelokale 3"
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:soren@aarhus.example.dk"
    assert organizer.params["CN"] == "Søren Ørsted"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:jiri@brno.example.cz", "mailto:anna@example.de"}
    jiri = attendees["mailto:jiri@brno.example.cz"]
    assert jiri["CN"] == "Jiří Dvořák"
    assert jiri["ROLE"] == "REQ-PARTICIPANT"
    assert jiri["PARTSTAT"] == "NEEDS-ACTION"
    assert jiri["RSVP"] == "TRUE"


def test_an_update_keeps_the_uid_with_a_higher_sequence():
    first = _event(invitation_ics(_invitation(), stamp=STAMP))[1]
    moved = _invitation(
        sequence=1,
        start=datetime(2027, 4, 2, 13, 0, tzinfo=CPH),
        end=datetime(2027, 4, 2, 15, 0, tzinfo=CPH),
    )
    second = _event(invitation_ics(moved, stamp=STAMP + timedelta(days=1)))[1]
    assert str(second["UID"]) == str(first["UID"])
    assert second.decoded("sequence") > first.decoded("sequence")
    assert second.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 2, 11, 0, tzinfo=UTC)


def test_a_cancellation_carries_cancel_and_cancelled():
    ics = invitation_ics(_invitation(sequence=2), method="CANCEL", stamp=STAMP)
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-42@consortium.example.org"
    assert event.decoded("sequence") == 2
    # The attendees whose calendars drop the event are named, and no reply is asked for.
    assert all(a.params["RSVP"] == "FALSE" for a in event["ATTENDEE"])


@pytest.mark.parametrize("method", ["PUBLISH", "request", "", "CANCEL\r\nX"])
def test_only_request_and_cancel_are_made(method):
    with pytest.raises(ValueError, match="REQUEST or a CANCEL"):
        invitation_ics(_invitation(), method=method)


def test_the_meeting_uid_is_stable_and_names_the_domain():
    assert meeting_uid(42, "Consortium.Example.org") == "meeting-42@consortium.example.org"
    assert meeting_uid(42, "consortium.example.org.") == meeting_uid(42, "consortium.example.org")
    assert meeting_uid(43, "consortium.example.org") != meeting_uid(42, "consortium.example.org")
    for domain in ("", "a b", "evil.org\r\nX", "x@y"):
        with pytest.raises(ValueError, match="domain"):
            meeting_uid(1, domain)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"start": datetime(2027, 3, 26, 10, 0), "end": datetime(2027, 3, 26, 12, 0)},
            "time zone",
        ),
        ({"end": datetime(2027, 3, 26, 9, 0, tzinfo=CPH)}, "ends after it starts"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"timezone": "../../etc/passwd"}, "not a time zone"),
        ({"timezone": "Europe/Copenhagen\x00"}, "not a time zone"),
        ({"sequence": -1}, "sequence"),
        (
            {
                "start": datetime(9999, 12, 1, 10, tzinfo=CPH),
                "end": datetime(9999, 12, 1, 12, tzinfo=CPH),
            },
            "off the calendar",
        ),
        (
            {
                "start": datetime(1, 2, 1, 10, tzinfo=CPH),
                "end": datetime(1, 2, 1, 12, tzinfo=CPH),
            },
            "off the calendar",
        ),
    ],
)
def test_an_impossible_meeting_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        invitation_ics(_invitation(**changes))


HOSTILE = _invitation(
    title="Møde; punkt 1, 2 og 3\\ END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
    description="Linje 1\nLinje 2; med, tegn\r\nMETHOD:CANCEL\x00\x07 slut čř ÆØÅ",
    location="Brno, Dominikánské nám. 1; 2. patro\nATTENDEE:mailto:evil@example.org",
    organizer_name='Eve "Mallory"\r\nORGANIZER:mailto:evil@example.org',
    organizer_email="eve@example.org\r\nATTENDEE:mailto:evil@example.org",
    url="https://example.org/x\r\nMETHOD:CANCEL",
    uid="meeting-1@example.org\r\nSEQUENCE:99",
    attendees=(('Jan "Honza", IT; Brno\nROLE:CHAIR', "jan@example.cz"),),
)


def test_hostile_text_stays_text():
    ics = invitation_ics(HOSTILE, stamp=STAMP)
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert len(calendar.walk("VEVENT")) == 1
    assert str(event["SUMMARY"]) == HOSTILE.title.replace("\r\n", "\n")
    assert str(event["DESCRIPTION"]) == "Linje 1\nLinje 2; med, tegn\nMETHOD:CANCEL slut čř ÆØÅ"
    assert str(event["LOCATION"]) == HOSTILE.location
    assert event.decoded("sequence") == 0
    assert str(event["UID"]).startswith("meeting-1@example.org")
    text = _unfolded(ics)
    # Every line of the file is a property of our own; nothing typed starts a line.
    names = {re.split(r"[;:]", line, maxsplit=1)[0] for line in text.split("\r\n") if line}
    assert names <= {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "TZID", "DTSTART", "RDATE",
        "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "SUMMARY", "DTEND", "DTSTAMP", "UID",
        "SEQUENCE", "ATTENDEE", "DESCRIPTION", "LOCATION", "ORGANIZER", "STATUS", "TRANSP",
        "URL", "RRULE",
    }  # fmt: skip
    lines = text.split("\r\n")
    assert sum(line.startswith("ATTENDEE") for line in lines) == 1
    assert sum(line.startswith("ORGANIZER") for line in lines) == 1
    assert "\x00" not in text and "\x07" not in text
    assert (
        "SUMMARY:Møde\\; punkt 1\\, 2 og 3\\\\ END:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:injected" in text
    )
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:jan@example.cz"
    assert attendee.params["CN"] == "Jan 'Honza', IT; Brno ROLE:CHAIR"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"


def _assert_strictly_folded(ics: bytes) -> None:
    """RFC 5545 §3.1: CRLF line ends, no line longer than 75 octets, no UTF-8 character split
    over two lines, no bare CR or LF."""
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    for line in lines:
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split character would not decode on its own
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"


@pytest.mark.parametrize(
    "invitation",
    [
        _invitation(),
        HOSTILE,
        _invitation(
            title="Řídicí výbor " * 12,
            description="æøå čřž " * 40,
            attendees=tuple((f"Jiří Dvořák č. {n}", f"j{n}@example.cz") for n in range(30)),
        ),
    ],
)
def test_lines_are_folded_at_75_octets(invitation):
    _assert_strictly_folded(invitation_ics(invitation, stamp=STAMP))
    _assert_strictly_folded(invitation_ics(invitation, method="CANCEL", stamp=STAMP))


def test_a_second_reader_understands_the_file():
    vobject = pytest.importorskip("vobject")
    for invitation, method in ((_invitation(), "REQUEST"), (HOSTILE, "CANCEL")):
        ics = invitation_ics(invitation, method=method, stamp=STAMP)
        calendar = vobject.readOne(ics.decode("utf-8"))
        assert calendar.method.value == method
        event = calendar.vevent
        assert event.summary.value == invitation.title.replace("\r\n", "\n")
        assert event.location.value == invitation.location
        assert event.dtstart.value.astimezone(UTC) == invitation.start.astimezone(UTC)
        assert event.dtend.value.astimezone(UTC) == invitation.end.astimezone(UTC)
        assert event.uid.value == _event(ics)[1]["UID"]
