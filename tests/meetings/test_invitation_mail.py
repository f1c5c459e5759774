"""The invitation by mail as the members receive it: in their language, with the agenda, a link
to the meeting's page and a calendar file that their calendar places at the right local time;
an update after a change carries the same UID and the next sequence, a cancellation is a
CANCEL."""

from __future__ import annotations

import re
from datetime import UTC, date, time

from icalendar import Calendar
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.meetings import services
from consortium.meetings.models import Meeting
from tests.conftest import login
from tests.groups.factories import add, contact

LINK = "https://consortium.example.org/meetings/{id}"


def _as(client, person):
    assert login(client, person.email).status_code == 302
    return client


def _messages() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _calendar(message):
    (attachment,) = message.attachments
    assert attachment.filename == "invitation.ics"
    assert attachment.content_type == "text/calendar"
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _before_the_clocks_change(committee, secretary):
    """A meeting on Friday 26 March 2027 at 10:00 in Copenhagen, two days before summer time
    begins, with an agenda."""
    meeting = services.plan_meeting(
        committee,
        title="Steering committee, March",
        day=date(2027, 3, 26),
        starts=time(10),
        ends=time(12),
        timezone="Europe/Copenhagen",
        place="Aarhus Rådhus, room 3",
        video_url="https://meet.example.org/os2forms",
        planned_by=secretary,
    )
    services.add_agenda_item(
        meeting, title="Budget 2028", presenter="Simon Secretary", expected_minutes=40
    )
    services.add_agenda_item(meeting, title="Any other business")
    db.session.commit()
    return meeting


def test_every_member_gets_the_invitation_in_their_language(
    client, committee, chair, secretary, member, outsider, outbox
):
    meeting = _before_the_clocks_change(committee, secretary)
    member.language = "de"
    chair.language = "da"
    db.session.commit()
    _as(client, secretary)
    response = client.post(f"/meetings/{meeting.id}/invite", follow_redirects=True)
    assert "The invitation went to 3 members." in response.get_data(as_text=True)
    assert outbox(outsider.email) == []

    (german,) = outbox(member.email)
    assert german.subject.startswith(
        "Einladung: Steering committee, March (OS2forms steering committee)"
    )
    assert "Freitag, 26. März 2027, 10:00–12:00 (Mitteleuropäische Normalzeit)" in german.body
    assert "1. Budget 2028 (Vortragende Person: Simon Secretary, 40 Min.)" in german.body
    assert "2. Any other business" in german.body
    assert "Aarhus Rådhus, room 3" in german.body
    assert "https://meet.example.org/os2forms" in german.body
    assert LINK.format(id=meeting.id) in german.body
    (danish,) = outbox(chair.email)
    assert danish.subject.startswith("Indkaldelse: Steering committee, March")
    assert "fredag den 26. marts 2027, 10.00–12.00" in danish.body
    (english,) = outbox(secretary.email)
    assert english.subject.startswith(
        "Invitation: Steering committee, March (OS2forms steering committee)"
    )

    calendar, event = _calendar(german)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == 0
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Europe/Copenhagen")
    assert start.astimezone(UTC).hour == 9
    # Each member's file names them alone: nobody learns the others' addresses from it.
    assert [str(each) for each in [event["attendee"]]] == [f"mailto:{member.email}"]
    assert str(event["url"]) == LINK.format(id=meeting.id)

    stored = db.session.get(Meeting, meeting.id)
    assert stored.invited_at is not None
    assert "Sent on" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_mail_holds_no_link_but_the_meetings_page(client, meeting, secretary, member, outbox):
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    (message,) = outbox(member.email)
    links = set(re.findall(r"https?://\S+", message.body))
    assert links == {LINK.format(id=meeting.id)}
    assert "token" not in message.body.lower()


def test_the_invitation_is_sent_once(client, meeting, secretary, member, outbox):
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    sent = _messages()
    assert sent == 3
    response = client.post(f"/meetings/{meeting.id}/invite", follow_redirects=True)
    assert "The invitation has already been sent." in response.get_data(as_text=True)
    assert _messages() == sent
    assert len(outbox(member.email)) == 1


def test_a_member_may_not_send_the_invitation(client, meeting, member):
    _as(client, member)
    assert client.post(f"/meetings/{meeting.id}/invite").status_code == 403
    assert _messages() == 0


def test_a_new_time_across_the_clock_change_is_sent_as_an_update_of_the_same_event(
    client, committee, secretary, member, outbox
):
    meeting = _before_the_clocks_change(committee, secretary)
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    _calendar_before, first = _calendar(outbox(member.email)[0])

    data = {
        "title": "Steering committee, March",
        "day": "2027-04-02",
        "starts": "10:00",
        "ends": "12:00",
        "timezone": "Europe/Copenhagen",
        "place": "Aarhus Rådhus, room 3",
        "video_url": "https://meet.example.org/os2forms",
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data, follow_redirects=True)
    assert "sent to 2 members" in response.get_data(as_text=True)
    messages = outbox(member.email)
    assert len(messages) == 2
    update = messages[1]
    assert update.subject.startswith("Changed: Steering committee, March")
    assert "Friday, April 2, 2027" in update.body
    calendar, event = _calendar(update)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == str(first["uid"])
    assert int(event["sequence"]) == int(first["sequence"]) + 1
    start = event.decoded("dtstart")
    # Summer time has begun: 10:00 on the wall is 08:00 UTC, no longer 09:00.
    assert (start.hour, str(start.tzinfo)) == (10, "Europe/Copenhagen")
    assert start.astimezone(UTC).hour == 8
    assert first.decoded("dtstart").astimezone(UTC).hour == 9


def test_saving_without_a_change_sends_nothing(client, meeting, secretary, member, outbox):
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    data = {
        "title": meeting.title,
        "day": "2027-03-10",
        "starts": "13:00",
        "ends": "15:00",
        "timezone": "Europe/Copenhagen",
        "place": meeting.place,
        "video_url": "",
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert len(outbox(member.email)) == 1


def test_a_change_before_the_invitation_sends_nothing(client, meeting, secretary):
    _as(client, secretary)
    data = {
        "title": "Steering committee, spring (moved)",
        "day": "2027-03-12",
        "starts": "13:00",
        "ends": "15:00",
        "timezone": "Europe/Copenhagen",
    }
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    assert _messages() == 0


def test_the_cancellation_is_a_cancel_of_the_same_event(client, meeting, secretary, member, outbox):
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    response = client.post(f"/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "3 members were told" in response.get_data(as_text=True)
    invitation, cancellation = outbox(member.email)
    assert cancellation.subject.startswith("Cancelled: Steering committee, spring")
    _calendar_sent, first = _calendar(invitation)
    calendar, event = _calendar(cancellation)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(first["uid"])
    assert int(event["sequence"]) == int(first["sequence"]) + 1
    # The page's calendar file now says the same.
    download = client.get(f"/meetings/{meeting.id}/invitation.ics")
    assert str(Calendar.from_ical(download.data)["method"]) == "CANCEL"


def test_only_current_members_are_mailed_and_newcomers_get_the_update(
    client, meeting, committee, aarhus, secretary, outbox
):
    former = contact(aarhus, "former@aarhus.example.dk", "Frida Former")
    add(committee, former, aarhus, starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31))
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/invite")
    assert outbox(former.email) == []

    newcomer = contact(aarhus, "new@aarhus.example.dk", "Nina Newcomer")
    add(committee, newcomer, aarhus)
    data = {
        "title": "Steering committee, spring",
        "day": "2027-03-10",
        "starts": "14:00",
        "ends": "16:00",
        "timezone": "Europe/Copenhagen",
        "place": "Aarhus Rådhus",
    }
    client.post(f"/meetings/{meeting.id}/edit", data=data)
    (update,) = outbox(newcomer.email)
    assert "Steering committee, spring" in update.subject
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Nina Newcomer" in page


def test_a_cancelled_meeting_sends_no_invitation(client, meeting, secretary):
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/cancel")
    response = client.post(f"/meetings/{meeting.id}/invite", follow_redirects=True)
    assert "The meeting is cancelled; no invitation is sent." in response.get_data(as_text=True)
    assert _messages() == 0
