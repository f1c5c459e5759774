"""The demo association's meetings as its users find them: groups with codes, past meetings
with published minutes, Anna Jensen's overdue action item, an upcoming meeting with a paper,
and a general assembly and a board meeting with their deadlines."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string
from sqlalchemy import select

from consortium.auth.services import find_user_by_email
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.mail.models import KEPT, OutboxMessage
from consortium.meetings import queries
from consortium.meetings.models import Meeting, Minutes


@pytest.fixture
def session(demo_app):
    with demo_app.app_context():
        yield db.session


def test_every_group_has_a_code(session):
    groups = session.scalars(select(Group)).all()
    assert groups and all(group.code for group in groups)
    codes = {group.code for group in groups}
    assert {"BOARD", "GA"} <= codes
    assert any(code.endswith("-SC") for code in codes)


def test_past_meetings_have_approved_minutes_published_and_one_kept_private(session):
    published = queries.published_minutes()
    assert len(published) >= 3
    minutes = published[-1]
    meeting = minutes.meeting
    assert meeting.starts_at.date() < date.today()
    assert meeting.decisions and meeting.action_items
    assert any(each.presence == "present" for each in meeting.attendances)
    assert any(each.presence == "excused" for each in meeting.attendances)
    private = session.scalars(
        select(Minutes).where(Minutes.state == "approved", Minutes.is_public.is_(False))
    ).all()
    assert len(private) == 1


def test_some_minutes_were_approved_at_the_next_meeting(session):
    at_meeting = session.scalars(
        select(Minutes).where(Minutes.approved_at_meeting_id.is_not(None))
    ).all()
    assert at_meeting
    for minutes in at_meeting:
        approving = minutes.approved_at_meeting
        assert approving.group_id == minutes.meeting.group_id
        assert minutes.meeting.starts_at < approving.starts_at <= minutes.approved_at


def test_anna_has_an_overdue_action_item_and_a_done_one_exists(session):
    anna = find_user_by_email("anna.jensen@demo.example.org")
    mine = queries.open_actions_for(anna.id)
    assert any(action.overdue for action in mine)
    done = session.scalars(select(Meeting)).all()
    assert any(item.status == "done" for meeting in done for item in meeting.action_items)


def test_upcoming_meetings_have_an_agenda_a_paper_and_a_sent_invitation(session):
    upcoming = session.scalars(
        select(Meeting).where(Meeting.kind == "ordinary").order_by(Meeting.starts_at.desc())
    ).first()
    assert upcoming.local_start.date() > date.today()
    assert upcoming.agenda and upcoming.papers
    assert upcoming.papers[0].content.startswith(b"%PDF-")
    assert upcoming.invited_at is not None
    mails = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains(upcoming.title))
    ).all()
    assert mails and all(mail.status == KEPT for mail in mails)
    assert mails[0].attachments[0].filename == "invitation.ics"


def test_the_general_assembly_and_the_board_show_their_deadlines(demo_app, session):
    box = '{% include "meetings/_deadlines.html" %}'
    assembly = session.scalar(select(Meeting).where(Meeting.kind == "general_assembly"))
    board = session.scalar(select(Meeting).where(Meeting.kind == "board"))
    with demo_app.test_request_context("/"):
        assembly_box = render_template_string(box, meeting=assembly)
        board_box = render_template_string(box, meeting=board)
    assert "Proposals due" in assembly_box
    assert 'class="deadline-done"' in assembly_box  # called a month ahead
    assert "Missed:" not in assembly_box
    assert "Missed: Notice calling the meeting sent" in board_box  # called too late
