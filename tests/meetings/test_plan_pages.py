"""The meeting pages as a group's secretary, a member, a member of another group, the secretariat
and an anonymous visitor use them: planning, the meeting page, the agenda, papers, replies and
attendance."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime, time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import AgendaItem, Attendance, Meeting, Paper
from tests.conftest import login
from tests.groups.factories import add, contact

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _as(client, person):
    assert login(client, person.email).status_code == 302
    return client


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _plan_data(group, **changes) -> dict:
    data = {
        "group": str(group.id),
        "kind": "ordinary",
        "title": "Steering committee, autumn",
        "day": "2027-10-05",
        "starts": "10:00",
        "ends": "12:00",
        "timezone": "Europe/Copenhagen",
        "place": "Aarhus Rådhus, room 3",
        "video_url": "https://meet.example.org/os2forms",
    }
    data.update(changes)
    return data


# --- planning ---------------------------------------------------------------------------------


def test_the_secretary_plans_a_meeting_and_the_members_are_on_its_list(
    client, committee, coordination, secretary, chair, member
):
    _as(client, secretary)
    page = _text(client.get(f"/meetings/new?group={committee.id}"))
    # Only the groups the secretary may plan for are offered, the association's zone first.
    assert "OS2forms steering committee" in page
    assert "OS2forms coordination group" not in page
    assert '<option selected value="Europe/Copenhagen">' in page

    response = client.post("/meetings/new", data=_plan_data(committee))
    assert response.status_code == 302
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.title == "Steering committee, autumn")
    )
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
    # 10:00 in Copenhagen in October (summer time) is 08:00 UTC.
    assert meeting.starts_at == datetime(2027, 10, 5, 8, 0, tzinfo=UTC)
    assert meeting.local_start.hour == 10
    assert {row.user_id for row in meeting.attendances} == {chair.id, secretary.id, member.id}

    page = _text(client.get(response.headers["Location"]))
    assert "is planned" in page
    assert (
        "Tuesday, October 5, 2027, 10:00\u202fAM–12:00\u202fPM (Central European Summer Time)"
        in page
    )
    assert "Aarhus Rådhus, room 3" in page
    assert 'href="https://meet.example.org/os2forms"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends": "09:00"}, "The meeting must end after it starts."),
        ({"day": "2027-02-30"}, "Not a valid date value."),
        ({"title": "Budget\x00meeting"}, "Contains a character that is not allowed"),
        ({"title": "x" * 10_000}, "Use at most 200 characters."),
        ({"title": "   "}, "Please fill in this field."),
        ({"starts": "25:00"}, "Not a valid time value."),
        ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice."),
        ({"video_url": "javascript:alert(1)"}, "Enter a web address starting with https://."),
        # The clocks skip 02:00–03:00 in Copenhagen on 28 March 2027.
        ({"day": "2027-03-28", "starts": "02:30", "ends": "04:00"}, "02:30 does not exist"),
    ],
)
def test_a_plan_with_bad_input_gets_the_fields_message_and_stores_nothing(
    client, committee, secretary, changes, message
):
    _as(client, secretary)
    response = client.post("/meetings/new", data=_plan_data(committee, **changes))
    assert response.status_code == 422
    page = _text(response)
    assert message in page
    assert 'class="error"' in page
    assert _count(Meeting) == 0


def test_the_plan_form_speaks_the_readers_language(client, committee, secretary):
    secretary.language = "da"
    db.session.commit()
    _as(client, secretary)
    response = client.post("/meetings/new", data=_plan_data(committee, ends="09:00"))
    assert "Mødet skal slutte, efter det begynder." in _text(response)


def test_a_member_a_stranger_and_the_public_may_not_plan(client, committee, member, outsider):
    assert client.get("/meetings/new").headers["Location"].startswith("/sign-in")
    _as(client, member)
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=_plan_data(committee)).status_code == 403
    client.post("/sign-out")
    _as(client, outsider)
    assert client.get(f"/meetings/new?group={committee.id}").status_code == 403
    assert _count(Meeting) == 0


def test_a_secretary_cannot_plan_for_another_group_by_naming_it(
    client, committee, coordination, secretary
):
    _as(client, secretary)
    response = client.post("/meetings/new", data=_plan_data(coordination))
    assert response.status_code == 422
    assert "Not a valid choice." in _text(response)
    assert _count(Meeting) == 0


def test_the_secretariat_plans_for_any_group(client, coordination, secretariat):
    _as(client, secretariat)
    response = client.post("/meetings/new", data=_plan_data(coordination))
    assert response.status_code == 302
    assert _count(Meeting, Meeting.group_id == coordination.id) == 1


def test_changing_the_time_keeps_the_meeting_and_moves_it(client, meeting, secretary):
    _as(client, secretary)
    form = _text(client.get(f"/meetings/{meeting.id}/edit"))
    assert 'value="13:00"' in form and 'value="2027-03-10"' in form
    data = _plan_data(meeting.group, day="2027-03-11", starts="14:00", ends="16:00")
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.starts_at == datetime(2027, 3, 11, 13, 0, tzinfo=UTC)
    assert meeting.sequence == 1


# --- the meeting page ----------------------------------------------------------------------------


def test_who_sees_the_meeting_page(
    client, meeting, member, outsider, secretariat, coordination, aarhus
):
    url = f"/meetings/{meeting.id}"
    # A member of another group.
    other = contact(aarhus, "kim@aarhus.example.dk", "Kim")
    add(coordination, other, aarhus)
    assert client.get(url).headers["Location"].startswith("/sign-in")
    _as(client, member)
    page = _text(client.get(url))
    assert "Steering committee, spring" in page
    # A member replies but does not plan.
    assert "I attend" in page
    assert "Send the invitation" not in page
    assert "Cancel the meeting" not in page
    assert client.get("/meetings/999999").status_code == 404
    client.post("/sign-out")
    _as(client, other)
    assert client.get(url).status_code == 403
    assert client.get(f"/meetings/{meeting.id}/invitation.ics").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/agenda.pdf").status_code == 403
    client.post("/sign-out")
    _as(client, outsider)
    assert client.get(url).status_code == 403
    client.post("/sign-out")
    _as(client, secretariat)
    page = _text(client.get(url))
    assert "Send the invitation" in page and "Cancel the meeting" in page


def test_the_time_is_shown_in_the_meetings_zone_in_the_readers_language(client, committee, member):
    meeting = services.plan_meeting(
        committee,
        title="Call with the supplier",
        day=date(2027, 11, 9),
        starts=time(9, 0),
        ends=time(10, 30),
        timezone="America/New_York",
    )
    member.language = "de"
    db.session.commit()
    _as(client, member)
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert (
        "Dienstag, 9. November 2027, 09:00–10:30 (Nordamerikanische Ostküsten-Normalzeit)" in page
    )


def test_the_index_lists_the_meetings_of_ones_own_groups(
    client, meeting, coordination, member, secretariat
):
    theirs = services.plan_meeting(
        coordination,
        title="Coordination, March",
        day=date(2027, 3, 11),
        starts=time(9),
        ends=time(11),
    )
    db.session.commit()
    _as(client, member)
    page = _text(client.get("/meetings/"))
    assert "Steering committee, spring" in page
    assert "Coordination, March" not in page
    assert "Plan a meeting" not in page
    # Naming another group in the filter shows no more.
    assert "Coordination, March" not in _text(client.get(f"/meetings/?group={coordination.id}"))
    client.post("/sign-out")
    _as(client, secretariat)
    page = _text(client.get("/meetings/"))
    assert "Steering committee, spring" in page and "Coordination, March" in page
    page = _text(client.get(f"/meetings/?group={coordination.id}"))
    assert "Coordination, March" in page and "Steering committee, spring" not in page
    assert f'href="/meetings/{theirs.id}"' in page


# --- the agenda -----------------------------------------------------------------------------------


def _titles(meeting) -> list[str]:
    db.session.expire_all()
    return [
        item.title
        for item in db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        )
    ]


def test_the_secretary_builds_and_reorders_the_agenda(client, meeting, secretary):
    _as(client, secretary)
    for title, presenter, minutes in (
        ("Approval of the agenda", "Charlotte Chair", "5"),
        ("Budget 2028", "Simon Secretary", "40"),
        ("Any other business", "", ""),
    ):
        response = client.post(
            f"/meetings/{meeting.id}/agenda/new",
            data={"title": title, "presenter": presenter, "expected_minutes": minutes},
        )
        assert response.status_code == 302
    assert _titles(meeting) == ["Approval of the agenda", "Budget 2028", "Any other business"]

    items = {
        item.title: item.id
        for item in db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        )
    }
    move = f"/meetings/{meeting.id}/agenda/{items['Any other business']}/move"
    assert client.post(move, data={"direction": "up"}).status_code == 302
    assert _titles(meeting) == ["Approval of the agenda", "Any other business", "Budget 2028"]
    first = f"/meetings/{meeting.id}/agenda/{items['Approval of the agenda']}/move"
    client.post(first, data={"direction": "up"})
    assert _titles(meeting)[0] == "Approval of the agenda"

    page = _text(client.get(f"/meetings/{meeting.id}"))
    agenda = page[page.index('<ol class="agenda">') :]
    assert agenda.index("Any other business") < agenda.index("Budget 2028")
    assert "Presenter: Simon Secretary" in page and "40 min." in page

    edit = f"/meetings/{meeting.id}/agenda/{items['Budget 2028']}/edit"
    assert 'value="Budget 2028"' in _text(client.get(edit))
    response = client.post(
        edit, data={"title": "Budget 2028 and cost key", "expected_minutes": "0"}
    )
    assert response.status_code == 422
    assert "Enter a number from 1 to 1,440." in _text(response)
    client.post(edit, data={"title": "Budget 2028 and cost key", "expected_minutes": "45"})
    remove = f"/meetings/{meeting.id}/agenda/{items['Approval of the agenda']}/remove"
    assert client.post(remove).status_code == 302
    assert _titles(meeting) == ["Any other business", "Budget 2028 and cost key"]


def test_a_member_cannot_change_the_agenda(client, meeting, member):
    item = services.add_agenda_item(meeting, title="Budget")
    db.session.commit()
    _as(client, member)
    assert client.get(f"/meetings/{meeting.id}/agenda/new").status_code == 403
    assert (
        client.post(
            f"/meetings/{meeting.id}/agenda/{item.id}/move", data={"direction": "down"}
        ).status_code
        == 403
    )
    assert client.post(f"/meetings/{meeting.id}/agenda/{item.id}/remove").status_code == 403
    assert _titles(meeting) == ["Budget"]


def test_an_agenda_item_of_another_meeting_is_not_found(client, meeting, committee, secretary):
    other = services.plan_meeting(
        committee, title="Other", day=date(2027, 5, 1), starts=time(9), ends=time(10)
    )
    item = services.add_agenda_item(other, title="Elsewhere")
    db.session.commit()
    _as(client, secretary)
    assert client.post(f"/meetings/{meeting.id}/agenda/{item.id}/remove").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/agenda/{item.id}/edit").status_code == 404


# --- papers -----------------------------------------------------------------------------------


def _upload(client, meeting, name, content, item=""):
    return client.post(
        f"/meetings/{meeting.id}/papers",
        data={"file": (io.BytesIO(content), name), "agenda_item": str(item)},
        content_type="multipart/form-data",
    )


def test_a_fake_pdf_is_refused_with_the_reason_and_nothing_is_kept(client, meeting, secretary):
    _as(client, secretary)
    response = _upload(client, meeting, "budget.pdf", b"MZ\x90\x00 not a pdf at all")
    assert response.status_code == 422
    assert "The content of “budget.pdf” is not a PDF or office document" in _text(response)
    assert _count(Paper) == 0
    response = _upload(client, meeting, "budget.exe", PDF)
    assert response.status_code == 422
    assert "is not a PDF or office document (PDF, DOCX" in _text(response)
    response = _upload(client, meeting, "empty.pdf", b"")
    assert response.status_code == 422
    assert _count(Paper) == 0


def test_a_paper_is_attached_to_an_item_and_downloaded_by_members_only(
    client, meeting, secretary, member, outsider
):
    item = services.add_agenda_item(meeting, title="Budget 2028")
    db.session.commit()
    _as(client, secretary)
    response = _upload(client, meeting, "budget 2028 «final».pdf", PDF, item.id)
    assert response.status_code == 302
    paper = db.session.scalar(select(Paper))
    assert paper.agenda_item_id == item.id
    assert paper.filename == "budget 2028 «final».pdf"
    client.post("/sign-out")

    _as(client, member)
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "budget 2028 «final».pdf" in page
    download = client.get(f"/meetings/{meeting.id}/papers/{paper.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "budget%202028%20%C2%ABfinal%C2%BB.pdf" in download.headers["Content-Disposition"]
    assert client.post(f"/meetings/{meeting.id}/papers/{paper.id}/remove").status_code == 403
    client.post("/sign-out")

    _as(client, outsider)
    assert client.get(f"/meetings/{meeting.id}/papers/{paper.id}").status_code == 403
    client.post("/sign-out")
    _as(client, secretary)
    assert client.post(f"/meetings/{meeting.id}/papers/{paper.id}/remove").status_code == 302
    assert _count(Paper) == 0


# --- replies and attendance ----------------------------------------------------------------------


def _row(meeting, person) -> Attendance:
    db.session.expire_all()
    return db.session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.user_id == person.id
        )
    )


def test_a_member_replies_on_the_page(client, meeting, member, outsider):
    _as(client, member)
    assert "You have not replied yet." in _text(client.get(f"/meetings/{meeting.id}"))
    response = client.post(f"/meetings/{meeting.id}/reply", data={"reply": "attending"})
    assert response.status_code == 302
    assert _row(meeting, member).reply == "attending"
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "You have replied: Attending." in page
    client.post(f"/meetings/{meeting.id}/reply", data={"reply": "declined"})
    assert _row(meeting, member).reply == "declined"
    response = client.post(
        f"/meetings/{meeting.id}/reply", data={"reply": "maybe"}, follow_redirects=True
    )
    assert "Reply that you attend or that you do not." in _text(response)
    assert _row(meeting, member).reply == "declined"
    client.post("/sign-out")
    _as(client, outsider)
    assert (
        client.post(f"/meetings/{meeting.id}/reply", data={"reply": "attending"}).status_code == 403
    )


def test_the_secretary_records_attendance_and_a_guest(client, meeting, secretary, member, chair):
    _as(client, secretary)
    rows = {row.user_id: row.id for row in meeting.attendances}
    response = client.post(
        f"/meetings/{meeting.id}/attendance",
        data={f"presence_{rows[member.id]}": "excused", f"presence_{rows[chair.id]}": "present"},
    )
    assert response.status_code == 302
    assert _row(meeting, member).presence == "excused"
    assert _row(meeting, chair).presence == "present"
    assert _row(meeting, secretary).presence is None

    response = client.post(
        f"/meetings/{meeting.id}/guests",
        data={"guest_name": "Lars Leverandør (Magenta ApS)", "presence": "present"},
    )
    assert response.status_code == 302
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "Lars Leverandør (Magenta ApS)" in page
    response = client.post(
        f"/meetings/{meeting.id}/guests", data={"guest_name": "\x00", "presence": "present"}
    )
    assert response.status_code == 422
    assert _count(Attendance, Attendance.user_id.is_(None)) == 1


def test_a_member_cannot_record_attendance(client, meeting, member):
    _as(client, member)
    row = _row(meeting, member)
    response = client.post(
        f"/meetings/{meeting.id}/attendance", data={f"presence_{row.id}": "present"}
    )
    assert response.status_code == 403
    assert _row(meeting, member).presence is None


# --- cancelling -------------------------------------------------------------------------------


def test_the_secretary_cancels_and_the_meeting_says_so(client, meeting, secretary, member):
    _as(client, member)
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 403
    client.post("/sign-out")
    _as(client, secretary)
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "This meeting is cancelled." in page
    assert "Send the invitation" not in page
    response = client.post(f"/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "The meeting is already cancelled." in _text(response)
    response = client.post(
        f"/meetings/{meeting.id}/agenda/new", data={"title": "Late"}, follow_redirects=True
    )
    assert "The meeting is cancelled." in _text(response)
    assert _titles(meeting) == []


# --- downloads ---------------------------------------------------------------------------------


def test_the_agenda_pdf_reads_back_in_the_readers_language(client, meeting, member, tmp_path):
    services.add_agenda_item(
        meeting, title="Godkendelse af dagsorden", presenter="Charlotte Chair", expected_minutes=5
    )
    services.add_agenda_item(meeting, title="Budget 2028")
    db.session.commit()
    member.language = "da"
    db.session.commit()
    _as(client, member)
    response = client.get(f"/meetings/{meeting.id}/agenda.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Dagsorden: Steering committee, spring" in text
    assert "Godkendelse af dagsorden" in text and "Budget 2028" in text
    assert "onsdag den 10. marts 2027" in text
    assert "13.00–15.00" in text
    assert "Aarhus Rådhus" in text
    (tmp_path / "agenda.pdf").write_bytes(response.data)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(tmp_path / "agenda.pdf"), str(tmp_path / "agenda")],
        check=True,
    )
    assert list(tmp_path.glob("agenda*.png"))


def test_the_calendar_file_downloads_with_the_meetings_uid(client, meeting, member):
    from icalendar import Calendar

    _as(client, member)
    response = client.get(f"/meetings/{meeting.id}/invitation.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["uid"]) == meeting.uid
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (13, 0, "Europe/Copenhagen")
    assert [str(each) for each in [event["attendee"]]] == ["mailto:member@aarhus.example.dk"]


def test_a_meeting_in_utc_keeps_its_zone_when_it_is_changed(client, committee, secretary):
    meeting = services.plan_meeting(
        committee, title="Call", day=date(2027, 6, 1), starts=time(8), ends=time(9), timezone="UTC"
    )
    db.session.commit()
    _as(client, secretary)
    assert '<option selected value="UTC">' in _text(client.get(f"/meetings/{meeting.id}/edit"))
    data = _plan_data(committee, title="Call", day="2027-06-01", starts="08:30", ends="09:00")
    data["timezone"] = "UTC"
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.timezone, stored.starts_at) == ("UTC", datetime(2027, 6, 1, 8, 30, tzinfo=UTC))
