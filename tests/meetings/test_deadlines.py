"""The secretariat sets the bylaws' periods in the settings; the page of a general assembly or a
board meeting shows each deadline's day and whether it is done, due soon, missed (with a
warning) or still ahead, from what the records say happened."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import render_template_string
from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services
from consortium.meetings.deadlines import meeting_deadlines
from consortium.settings.services import get_settings
from tests.conftest import login, make_user
from tests.meetings.test_papers import pdf

BOX = '{% include "meetings/_deadlines.html" %}'


@pytest.fixture
def assembly(app):
    group = groups.create_group("general_assembly", "General assembly", code="GA")
    db.session.commit()
    return group


@pytest.fixture
def board(app):
    group = groups.create_group("board", "Board", code="BOARD")
    db.session.commit()
    return group


def _plan(group, day: date):
    meeting = services.plan_meeting(
        group,
        title="Annual general assembly" if group.kind == "general_assembly" else "Board meeting",
        day=day,
        starts=time(10, 0),
        ends=time(12, 0),
        timezone="Europe/Copenhagen",
    )
    db.session.commit()
    return meeting


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _statuses(meeting, today: date) -> dict[str, tuple[date, str | None]]:
    return {
        row.deadline.key: (row.deadline.due, row.status)
        for row in meeting_deadlines(meeting, today)
    }


def _box(app, meeting) -> str:
    with app.test_request_context("/"):
        return render_template_string(BOX, meeting=meeting)


def test_a_general_assembly_has_the_bylaws_deadlines_from_the_settings(assembly):
    meeting = _plan(assembly, date(2027, 5, 15))
    assert _statuses(meeting, date(2027, 3, 1)) == {
        "notice": (date(2027, 4, 15), "upcoming"),
        "proposals": (date(2027, 5, 1), None),
        "send_out": (date(2027, 5, 7), "upcoming"),
        "minutes": (date(2027, 5, 29), "upcoming"),
    }
    # A week before the notice is due, it is due soon; the day after, it is missed.
    assert _statuses(meeting, date(2027, 4, 9))["notice"][1] == "due"
    assert _statuses(meeting, date(2027, 4, 16))["notice"][1] == "missed"


def test_what_the_records_say_happened_makes_a_deadline_done_or_late(assembly):
    meeting = _plan(assembly, date(2027, 5, 15))
    meeting.invited_at = _at(date(2027, 4, 10))
    paper = services.attach_paper(meeting, "accounts.pdf", pdf())
    paper.uploaded_at = _at(date(2027, 5, 6))
    db.session.commit()
    found = _statuses(meeting, date(2027, 5, 10))
    assert found["notice"][1] == "done"
    assert found["send_out"][1] == "done"

    # A paper added after the day the papers were due makes the sending out late.
    late = services.attach_paper(meeting, "budget.pdf", pdf())
    late.uploaded_at = _at(date(2027, 5, 9))
    db.session.commit()
    db.session.expire(meeting, ["papers"])
    assert _statuses(meeting, date(2027, 5, 10))["send_out"][1] == "missed"


def test_the_minutes_are_published_when_approved_minutes_are_public(assembly):
    meeting = _plan(assembly, date.today() - timedelta(days=5))
    chair = make_user("chair@example.org", secretariat=True)
    minutes = services.write_minutes(meeting, chair, {None: "The accounts were approved."})
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    db.session.commit()
    later = date.today() + timedelta(days=30)
    # Approved (today, within the two weeks) but private: not published, and missed once its
    # day has passed.
    assert _statuses(meeting, later)["minutes"][1] == "missed"
    services.set_minutes_public(minutes, True)
    db.session.commit()
    assert _statuses(meeting, later)["minutes"][1] == "done"


def test_a_board_meeting_has_its_own_periods_and_no_proposals(board):
    meeting = _plan(board, date(2027, 9, 20))
    assert _statuses(meeting, date(2027, 8, 1)) == {
        "notice": (date(2027, 9, 6), "upcoming"),
        "send_out": (date(2027, 9, 13), "upcoming"),
        "minutes": (date(2027, 10, 4), "upcoming"),
    }


def test_ordinary_and_cancelled_meetings_have_no_box(app, assembly, product):
    committee = groups.create_group("steering_committee", "OS2forms SC", product, code="SC")
    ordinary = _plan(committee, date.today() + timedelta(days=20))
    assert meeting_deadlines(ordinary) == []
    assert "Deadlines" not in _box(app, ordinary)
    cancelled = _plan(assembly, date.today() + timedelta(days=20))
    services.cancel_meeting(cancelled)
    db.session.commit()
    assert _box(app, cancelled).strip() == ""


def test_the_box_warns_of_a_missed_deadline(app, assembly):
    # The general assembly is in ten days and nobody has been called to it.
    meeting = _plan(assembly, date.today() + timedelta(days=10))
    page = _box(app, meeting)
    assert "Deadlines of the bylaws" in page
    assert "Missed: Notice calling the meeting sent by" in page
    assert 'class="deadline-missed"' in page
    assert "Not recorded here" in page  # the proposals: a day only
    assert 'class="deadline-due"' in page  # the papers, due in two days
    meeting.invited_at = datetime.now(UTC) - timedelta(days=40)
    db.session.commit()
    page = _box(app, meeting)
    assert "Missed:" not in page
    assert 'class="deadline-done"' in page


def test_the_secretariat_changes_the_periods_and_the_trail_keeps_the_change(app, client, assembly):
    secretariat = make_user("office@example.org", secretariat=True)
    login(client, secretariat.email)
    page = client.get("/settings/meetings").get_data(as_text=True)
    assert 'name="assembly_notice_months" type="number" value="1"' in page or 'value="1"' in page
    response = client.post(
        "/settings/meetings",
        data={
            "assembly_notice_months": "2",
            "assembly_proposals_days": "21",
            "assembly_send_out_days": "10",
            "assembly_minutes_days": "30",
            "board_notice_days": "7",
            "board_send_out_days": "5",
            "board_minutes_days": "10",
        },
    )
    assert response.status_code == 302
    settings = get_settings()
    assert (settings.assembly_notice_months, settings.board_notice_days) == (2, 7)
    meeting = _plan(assembly, date(2027, 5, 15))
    found = _statuses(meeting, date(2027, 1, 1))
    assert found["notice"][0] == date(2027, 3, 15)
    assert found["proposals"][0] == date(2027, 4, 24)
    assert found["minutes"][0] == date(2027, 6, 14)

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "association_settings")
    ).all()
    assert any("assembly_notice_months" in (entry.changes or {}) for entry in entries)
    page = client.get("/settings/meetings").get_data(as_text=True)
    assert "<del>1</del> → <ins>2</ins>" in page  # the trail shows the change


@pytest.mark.parametrize("value", ["-1", "13", "abc", "", "1e9", "99999999999999999999"])
def test_a_period_out_of_range_is_explained(client, value):
    secretariat = make_user("office@example.org", secretariat=True)
    login(client, secretariat.email)
    data = {
        "assembly_notice_months": value,
        "assembly_proposals_days": "14",
        "assembly_send_out_days": "8",
        "assembly_minutes_days": "14",
        "board_notice_days": "14",
        "board_send_out_days": "7",
        "board_minutes_days": "14",
    }
    response = client.post("/settings/meetings", data=data)
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert get_settings().assembly_notice_months == 1


def test_only_the_secretariat_sets_the_periods(client):
    member = make_user("member@example.org")
    login(client, member.email)
    assert client.get("/settings/meetings").status_code == 403
