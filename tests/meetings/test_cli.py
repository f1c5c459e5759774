"""The secretariat's batch work: every meeting's invitation and approved minutes written to a
folder, and the decision register on standard output as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date, time

import pytest
from icalendar import Calendar

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services


@pytest.fixture
def decided(meeting, chair, secretary, member):
    """The committee's spring meeting with minutes approved: a decision on the budget item."""
    item = services.add_agenda_item(meeting, title="Budget 2028", presenter="Charlotte Chair")
    services.record_attendance(meeting, chair, "present")
    services.record_attendance(meeting, member, "excused")
    services.record_decision(
        meeting, "The budget for 2028 is approved.", agenda_item=item, recorded_by=secretary
    )
    services.record_decision(meeting, '=HYPERLINK("http://x")', recorded_by=secretary)
    services.add_action_item(
        meeting, what="Send the budget to the board", owner=member, due_on=date(2027, 4, 1)
    )
    minutes = services.write_minutes(meeting, secretary, {item.id: "We went through it."})
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    db.session.commit()
    return meeting


def test_export_writes_each_invitation_and_the_approved_minutes(
    runner, tmp_path, decided, committee, product, secretary
):
    cancelled = services.plan_meeting(
        committee,
        title="Extra meeting",
        day=date(2027, 6, 2),
        starts=time(9, 0),
        ends=time(10, 0),
        timezone="Europe/Copenhagen",
    )
    services.update_meeting(
        cancelled,
        title="Extra meeting",
        day=date(2027, 6, 3),
        starts=time(9, 0),
        ends=time(10, 0),
        timezone=None,
        place="",
        video_url="",
    )
    services.cancel_meeting(cancelled)
    nameless = groups.create_group("topic_group", "Brugergruppe for Ærø & Fanø", product)
    services.plan_meeting(
        nameless,
        title="Kick-off",
        day=date(2027, 3, 10),
        starts=time(9, 0),
        ends=time(10, 0),
        timezone="Europe/Copenhagen",
    )
    db.session.commit()

    result = runner.invoke(args=["meetings", "export", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "3 invitations and 1 approved minutes" in result.output
    files = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert files == [
        "OS2FORMS-SC_2027-03-10.ics",
        "OS2FORMS-SC_2027-03-10.pdf",
        "OS2FORMS-SC_2027-06-03.ics",
        "brugergruppe-for-aeroe-fanoe_2027-03-10.ics",
    ]

    spring = Calendar.from_ical((tmp_path / "out" / "OS2FORMS-SC_2027-03-10.ics").read_bytes())
    assert spring["METHOD"] == "REQUEST"
    event = spring.walk("VEVENT")[0]
    assert str(event["UID"]) == decided.uid
    assert int(event["SEQUENCE"]) == decided.sequence
    assert event.decoded("DTSTART").hour == 13  # Copenhagen time, as planned
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Copenhagen"
    attendees = {str(attendee) for attendee in event.get("ATTENDEE")}
    assert "mailto:member@aarhus.example.dk" in attendees

    extra = Calendar.from_ical((tmp_path / "out" / "OS2FORMS-SC_2027-06-03.ics").read_bytes())
    assert extra["METHOD"] == "CANCEL"
    extra_event = extra.walk("VEVENT")[0]
    assert str(extra_event["UID"]) == cancelled.uid
    assert int(extra_event["SEQUENCE"]) == 2  # moved once, then cancelled
    assert str(extra_event["STATUS"]) == "CANCELLED"

    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "out" / "OS2FORMS-SC_2027-03-10.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "OS2FORMS-SC-2027-01" in text
    assert "The budget for 2028 is approved." in text
    assert "Send the budget to the board" in text
    assert "Charlotte Chair" in text


def test_two_meetings_of_a_group_on_one_day_get_two_files(runner, tmp_path, meeting, committee):
    services.plan_meeting(
        committee,
        title="Afternoon",
        day=date(2027, 3, 10),
        starts=time(16, 0),
        ends=time(17, 0),
        timezone="Europe/Copenhagen",
    )
    db.session.commit()
    result = runner.invoke(args=["meetings", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "OS2FORMS-SC_2027-03-10.ics",
        "OS2FORMS-SC_2027-03-10_2.ics",
    ]


def test_export_into_a_file_is_a_clear_error(runner, tmp_path, meeting):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    result = runner.invoke(args=["meetings", "export", "--out", str(blocker)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "taken" in result.output


def test_the_decision_register_as_csv_neutralises_formulas(runner, decided):
    result = runner.invoke(args=["meetings", "decisions", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == ["OS2FORMS-SC-2027-02", "OS2FORMS-SC-2027-01"]
    first = rows[1]
    assert first["group"] == "OS2forms steering committee"
    assert first["meeting_date"] == "2027-03-10"
    assert first["agenda_item"] == "Budget 2028"
    assert first["text"] == "The budget for 2028 is approved."
    # A spreadsheet shows the formula as text instead of running it.
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")'


def test_the_decision_register_as_json_for_a_group_and_a_year(runner, decided, coordination, chair):
    other = services.plan_meeting(
        coordination,
        title="Coordination",
        day=date(2028, 1, 20),
        starts=time(9, 0),
        ends=time(10, 0),
        timezone="Europe/Copenhagen",
    )
    services.record_decision(other, "Release 3.1 goes out in February.")
    db.session.commit()
    result = runner.invoke(
        args=["meetings", "decisions", "--format", "json", "--group", "os2forms-sc"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert {row["code"] for row in found} == {"OS2FORMS-SC-2027-01", "OS2FORMS-SC-2027-02"}
    budget = next(row for row in found if row["code"] == "OS2FORMS-SC-2027-01")
    assert budget == {
        "code": "OS2FORMS-SC-2027-01",
        "group": "OS2forms steering committee",
        "meeting_date": "2027-03-10",
        "meeting": "Steering committee, spring",
        "agenda_item": "Budget 2028",
        "text": "The budget for 2028 is approved.",
    }
    result = runner.invoke(args=["meetings", "decisions", "--format", "json", "--year", "2028"])
    assert [row["code"] for row in json.loads(result.output)] == ["OS2FORMS-KG-2028-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "NOPE"], "no group has the code"),
        (["--group", "A\x00B"], "no group has the code"),
        (["--format", "xml"], "'xml' is not one of"),
        (["--year", "0"], "--year"),
    ],
)
def test_an_unknown_group_or_format_is_a_clear_error(runner, decided, args, message):
    result = runner.invoke(args=["meetings", "decisions", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_decision_register_lists_a_decision_without_a_meeting_with_its_day(
    runner, decided, committee
):
    """A round's result is recorded without a meeting: the register names no meeting and gives
    the day it was recorded."""
    decision = services.record_group_decision(committee, "Round result: forms first.", year=2027)
    db.session.commit()
    result = runner.invoke(args=["meetings", "decisions", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert rows[decision.code]["meeting"] == ""
    assert rows[decision.code]["text"] == "Round result: forms first."
    assert rows[decision.code]["meeting_date"] == decision.taken_on.isoformat()
