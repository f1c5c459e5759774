"""Circulated minutes are approved by the group's chair or at the next meeting: the secretary
records that a later meeting of the group, which has begun, approved them; the minutes are then
locked and say at which meeting they were approved."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Meeting, Minutes
from consortium.meetings.services import MeetingError

TODAY = date.today()


def _plan(group, title: str, day: date, starts: time = time(10), ends: time = time(12)):
    return services.plan_meeting(
        group, title=title, day=day, starts=starts, ends=ends, timezone="Europe/Copenhagen"
    )


@pytest.fixture
def autumn(committee, chair, secretary, member):
    """A meeting two months ago whose minutes were circulated."""
    meeting = _plan(committee, "Steering committee, autumn", TODAY - timedelta(days=60))
    item = services.add_agenda_item(meeting, title="Budget 2028")
    minutes = services.write_minutes(meeting, secretary, {item.id: "The budget was discussed."})
    services.circulate_minutes(minutes)
    db.session.commit()
    return meeting


@pytest.fixture
def circulated(autumn) -> Minutes:
    return autumn.latest_minutes


@pytest.fixture
def winter(committee):
    """The group's next meeting, a week ago."""
    meeting = _plan(committee, "Steering committee, winter", TODAY - timedelta(days=7))
    db.session.commit()
    return meeting


def _fresh(minutes_id: int) -> Minutes:
    db.session.expire_all()
    return db.session.get(Minutes, minutes_id)


def test_the_secretary_records_approval_at_the_next_meeting(circulated, winter, secretary):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    db.session.commit()

    minutes = _fresh(circulated.id)
    assert minutes.state == "approved"
    assert minutes.is_locked
    assert minutes.approved_at_meeting.id == winter.id
    assert minutes.approved_by.name == "Simon Secretary"
    assert minutes.approved_at is not None
    with pytest.raises(MeetingError) as refused:
        services.write_minutes(minutes.meeting, secretary, {None: "Changed afterwards"})
    assert refused.value.code == "minutes_approved"


def test_the_database_keeps_the_approving_meeting(circulated, winter, secretary, committee):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    other = _plan(committee, "Another meeting", TODAY - timedelta(days=3))
    db.session.commit()
    with pytest.raises(DatabaseError, match="approved minutes are locked"):
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE meeting_minutes SET approved_at_meeting_id = :other WHERE id = :id"),
                {"other": other.id, "id": circulated.id},
            )
    with pytest.raises(DatabaseError, match="approved minutes are locked"):
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE meeting_minutes SET approved_at_meeting_id = NULL WHERE id = :id"),
                {"id": circulated.id},
            )
    assert _fresh(circulated.id).approved_at_meeting_id == winter.id


def test_the_chairs_own_approval_still_works(circulated, chair):
    services.approve_minutes(circulated, chair)
    db.session.commit()
    minutes = _fresh(circulated.id)
    assert minutes.state == "approved"
    assert minutes.approved_by.name == "Charlotte Chair"
    assert minutes.approved_at_meeting is None


def test_the_secretary_does_not_approve_alone(circulated, secretary):
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary)
    assert refused.value.code == "not_allowed_to_approve"
    assert _fresh(circulated.id).state == "circulated"


@pytest.mark.parametrize("person", ["member", "outsider"])
def test_a_member_or_an_outsider_cannot_record_it(request, circulated, winter, person):
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, request.getfixturevalue(person), at_meeting=winter)
    assert refused.value.code == "not_allowed_to_record_approval"
    assert "secretary" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_a_meeting_of_another_group(circulated, coordination, secretary):
    theirs = _plan(coordination, "Coordination", TODAY - timedelta(days=5))
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=theirs)
    assert refused.value.code == "approval_meeting_other_group"
    assert "another group's" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_an_earlier_meeting_nor_at_the_same(circulated, autumn, committee, secretary):
    summer = _plan(committee, "Steering committee, summer", TODAY - timedelta(days=120))
    for earlier in (summer, autumn):
        with pytest.raises(MeetingError) as refused:
            services.approve_minutes(circulated, secretary, at_meeting=earlier)
        assert refused.value.code == "approval_meeting_not_later"
        assert "is not later than the meeting of the minutes" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_a_cancelled_meeting(circulated, winter, secretary):
    services.cancel_meeting(winter)
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=winter)
    assert refused.value.code == "approval_meeting_cancelled"
    assert "was cancelled" in refused.value.message


def test_not_at_a_meeting_that_has_not_begun(circulated, committee, secretary):
    spring = _plan(committee, "Steering committee, spring", TODAY + timedelta(days=30))
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=spring)
    assert refused.value.code == "approval_meeting_not_begun"
    assert "has not begun yet" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_twice(circulated, winter, secretary, chair):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    for by, at_meeting in ((secretary, winter), (chair, None)):
        with pytest.raises(MeetingError) as refused:
            services.approve_minutes(circulated, by, at_meeting=at_meeting)
        assert refused.value.code == "minutes_approved"
    assert _fresh(circulated.id).approved_at_meeting_id == winter.id


def test_draft_minutes_are_not_approved_at_a_meeting(autumn, winter, secretary, chair):
    services.approve_minutes(autumn.latest_minutes, chair)
    draft = services.amend_minutes(autumn.latest_minutes, secretary)
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(draft, secretary, at_meeting=winter)
    assert refused.value.code == "minutes_not_circulated"


def test_the_secretariat_records_it_for_any_group(circulated, winter, secretariat):
    services.approve_minutes(circulated, secretariat, at_meeting=winter)
    db.session.commit()
    minutes = _fresh(circulated.id)
    assert (minutes.approved_at_meeting_id, minutes.approved_by.name) == (
        winter.id,
        "Sam Secretariat",
    )


def test_approved_once_when_the_chair_and_the_secretary_act_at_once(committed_app):
    """Half approve as the chair, half record the next meeting's approval, all at the same
    moment: the minutes are approved once, and the others are told they already are."""
    from consortium.auth.models import User
    from consortium.groups import services as groups
    from tests.conftest import make_user
    from tests.meetings.test_races import N, _at_once

    with committed_app.app_context():
        group = groups.create_group("board", "The board")
        autumn = _plan(group, "Board, autumn", TODAY - timedelta(days=60))
        winter = _plan(group, "Board, winter", TODAY - timedelta(days=7))
        minutes = services.write_minutes(autumn, None, {None: "Approved."})
        services.circulate_minutes(minutes)
        chair = make_user("chair@example.org", secretariat=True)
        ids = (minutes.id, winter.id, chair.id)
        db.session.commit()

        def approve(index: int) -> str:
            minutes_id, winter_id, chair_id = ids
            found = db.session.get(Minutes, minutes_id)
            at_meeting = db.session.get(Meeting, winter_id) if index % 2 else None
            services.approve_minutes(found, db.session.get(User, chair_id), at_meeting=at_meeting)
            return "at the meeting" if at_meeting else "by the chair"

        outcomes = _at_once(committed_app, approve)
        approved = [outcome for outcome in outcomes if isinstance(outcome, str)]
        assert len(approved) == 1, outcomes
        refusals = [outcome for outcome in outcomes if isinstance(outcome, MeetingError)]
        assert [refusal.code for refusal in refusals] == ["minutes_approved"] * (N - 1)
        stored = _fresh(ids[0])
        assert stored.state == "approved"
        assert (stored.approved_at_meeting_id == ids[1]) == (approved == ["at the meeting"])
