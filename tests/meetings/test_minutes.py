"""Minutes go draft, circulated, approved; approved minutes are locked, in the service and in
the database, and a change is a new version that keeps the old one readable."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Minutes, MinutesText
from consortium.meetings.services import MeetingError


@pytest.fixture
def agenda(meeting):
    welcome = services.add_agenda_item(meeting, title="Welcome")
    budget = services.add_agenda_item(meeting, title="Budget 2028")
    db.session.commit()
    return welcome, budget


@pytest.fixture
def approved(meeting, agenda, secretary, chair):
    welcome, budget = agenda
    minutes = services.write_minutes(
        meeting,
        secretary,
        {welcome.id: "Everyone was welcomed.", budget.id: "The budget was discussed.", None: "AOB"},
    )
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    db.session.commit()
    return minutes


def _fresh(minutes_id: int) -> Minutes:
    db.session.expire_all()
    return db.session.get(Minutes, minutes_id)


def test_a_secretary_writes_circulates_and_the_chair_approves(
    meeting, agenda, secretary, chair, member
):
    welcome, budget = agenda
    minutes = services.write_minutes(meeting, secretary, {welcome.id: "Hello *all*."})
    minutes = services.write_minutes(meeting, secretary, {budget.id: "Approved, see below."})
    assert minutes.version == 1
    assert minutes.state == "draft"
    services.circulate_minutes(minutes)
    services.comment_on_minutes(minutes, member, "Please add that Odder abstained.")
    services.write_minutes(meeting, secretary, {budget.id: "Approved; Odder abstained."})
    services.approve_minutes(minutes, chair)
    db.session.commit()

    minutes = _fresh(minutes.id)
    assert minutes.state == "approved"
    assert minutes.approved_by.name == "Charlotte Chair"
    assert minutes.author.name == "Simon Secretary"
    assert minutes.approved_at is not None and minutes.circulated_at is not None
    assert minutes.text_for(welcome) == "Hello *all*."
    assert minutes.text_for(budget) == "Approved; Odder abstained."
    assert [comment.text for comment in minutes.comments] == ["Please add that Odder abstained."]
    assert meeting.approved_minutes is minutes


def test_the_state_machine_goes_one_way(meeting, agenda, secretary, chair, member):
    minutes = services.write_minutes(meeting, secretary, {})
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(minutes, chair)
    assert refused.value.code == "minutes_not_circulated"
    with pytest.raises(MeetingError) as refused:
        services.comment_on_minutes(minutes, member, "Too early")
    assert refused.value.code == "minutes_not_circulated"
    services.circulate_minutes(minutes)
    with pytest.raises(MeetingError) as refused:
        services.circulate_minutes(minutes)
    assert refused.value.code == "minutes_not_draft"
    with pytest.raises(MeetingError) as refused:
        services.comment_on_minutes(minutes, member, "   ")
    assert refused.value.code == "comment"


def test_only_the_chair_or_the_secretariat_approves(
    meeting, agenda, secretary, member, secretariat, outsider
):
    minutes = services.write_minutes(meeting, secretary, {})
    services.circulate_minutes(minutes)
    for person in (secretary, member, outsider):
        with pytest.raises(MeetingError) as refused:
            services.approve_minutes(minutes, person)
        assert refused.value.code == "not_allowed_to_approve"
    services.approve_minutes(minutes, secretariat)
    assert minutes.state == "approved"


def test_approved_minutes_cannot_be_written_again(approved, meeting, agenda, secretary, chair):
    welcome, _budget = agenda
    with pytest.raises(MeetingError) as refused:
        services.write_minutes(meeting, secretary, {welcome.id: "Changed afterwards"})
    assert refused.value.code == "minutes_approved"
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(approved, chair)
    assert refused.value.code == "minutes_approved"
    assert _fresh(approved.id).text_for(welcome) == "Everyone was welcomed."


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE meeting_minutes_text SET text = 'forged' WHERE minutes_id = :id",
        "DELETE FROM meeting_minutes_text WHERE minutes_id = :id",
        "INSERT INTO meeting_minutes_text (minutes_id, agenda_item_id, text) VALUES (:id, NULL, 'x')",
        "UPDATE meeting_minutes SET state = 'draft' WHERE id = :id",
        "UPDATE meeting_minutes SET author_user_id = NULL WHERE id = :id",
        "DELETE FROM meeting_minutes WHERE id = :id",
    ],
)
def test_the_database_refuses_to_change_approved_minutes(approved, statement):
    with pytest.raises(DatabaseError, match="approved minutes are locked"):
        with db.session.begin_nested():
            db.session.execute(text(statement), {"id": approved.id})
    texts = _fresh(approved.id).texts
    assert sorted(each.text for each in texts) == sorted(
        ["Everyone was welcomed.", "The budget was discussed.", "AOB"]
    )


def test_approved_minutes_may_still_be_published(approved):
    services.set_minutes_public(approved, True)
    db.session.commit()
    assert _fresh(approved.id).is_published


def test_draft_minutes_are_not_published(meeting, secretary):
    minutes = services.write_minutes(meeting, secretary, {})
    with pytest.raises(MeetingError) as refused:
        services.set_minutes_public(minutes, True)
    assert refused.value.code == "minutes_not_approved"


def test_amending_approved_minutes_makes_a_new_version_and_keeps_the_old(
    approved, meeting, agenda, secretary, chair
):
    welcome, budget = agenda
    amended = services.amend_minutes(approved, secretary)
    assert (amended.version, amended.state) == (2, "draft")
    assert amended.text_for(budget) == "The budget was discussed."
    services.write_minutes(meeting, secretary, {budget.id: "The budget was approved."})
    services.circulate_minutes(amended)
    services.approve_minutes(amended, chair)
    db.session.commit()

    old, new = _fresh(approved.id), _fresh(amended.id)
    assert old.text_for(budget) == "The budget was discussed."
    assert new.text_for(budget) == "The budget was approved."
    assert [each.version for each in meeting.minutes_versions] == [1, 2]
    assert meeting.approved_minutes.version == 2
    # Only the latest version is amended.
    with pytest.raises(MeetingError) as refused:
        services.amend_minutes(old, secretary)
    assert refused.value.code == "minutes_not_latest"


def test_minutes_refuse_text_of_another_meetings_agenda(meeting, secretary):
    with pytest.raises(MeetingError) as refused:
        services.write_minutes(meeting, secretary, {987654: "Elsewhere"})
    assert refused.value.code == "not_this_meeting"


@pytest.mark.parametrize("written", ["NUL \x00 byte", "x" * 200_001])
def test_minutes_text_that_cannot_be_kept_is_refused(meeting, agenda, secretary, written):
    with pytest.raises(MeetingError) as refused:
        services.write_minutes(meeting, secretary, {agenda[0].id: written})
    assert refused.value.code == "text"


def test_a_script_in_the_minutes_is_kept_as_written(meeting, agenda, secretary):
    """The Markdown is kept as typed; the pages sanitise it when they show it."""
    written = "<script>alert(1)</script> **bold**"
    minutes = services.write_minutes(meeting, secretary, {agenda[0].id: written})
    db.session.commit()
    assert db.session.get(MinutesText, minutes.texts[0].id).text == written
