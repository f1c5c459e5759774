"""Decisions numbered per group and year without a gap; action items and who must do what."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.exc import IntegrityError

from consortium.extensions import db
from consortium.meetings import queries, services
from consortium.meetings.models import Decision
from consortium.meetings.services import MeetingError


def _meeting(group, day, title="Meeting"):
    return services.plan_meeting(group, title=title, day=day, starts=time(10), ends=time(12))


def test_decisions_are_numbered_per_group_and_year_without_a_gap(committee, coordination, meeting):
    codes = [services.record_decision(meeting, f"Decision {n}").code for n in range(1, 4)]
    assert codes == ["OS2FORMS-SC-2027-01", "OS2FORMS-SC-2027-02", "OS2FORMS-SC-2027-03"]
    # Another group counts on its own; a new year starts again at 1.
    other = _meeting(coordination, date(2027, 4, 1))
    assert services.record_decision(other, "Theirs").code == "OS2FORMS-KG-2027-01"
    next_year = _meeting(committee, date(2028, 1, 20))
    assert services.record_decision(next_year, "New year").code == "OS2FORMS-SC-2028-01"
    later = _meeting(committee, date(2027, 9, 1))
    assert services.record_decision(later, "Autumn").code == "OS2FORMS-SC-2027-04"


def test_the_year_is_the_meetings_own_on_new_years_eve(committee):
    # 23:30 on 31 December in Copenhagen is still 2027 there (22:30 UTC).
    meeting = services.plan_meeting(
        committee, title="Late", day=date(2027, 12, 31), starts=time(23, 0), ends=time(23, 45)
    )
    assert services.record_decision(meeting, "Happy new year").code.startswith("OS2FORMS-SC-2027-")


def test_a_decision_needs_the_group_code_and_a_text(meeting, committee):
    with pytest.raises(MeetingError) as refused:
        services.record_decision(meeting, "  ")
    assert refused.value.code == "decision_text"
    committee.code = None
    with pytest.raises(MeetingError) as refused:
        services.record_decision(meeting, "Agreed")
    assert refused.value.code == "group_code"


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_the_database_refuses_a_decision_number_twice(meeting):
    decision = services.record_decision(meeting, "First")
    db.session.commit()
    forged = Decision(
        group_id=decision.group_id,
        meeting_id=meeting.id,
        year=2027,
        number=1,
        code="OS2FORMS-SC-2027-99",
        text="Forged",
    )
    # Leaving the savepoint flushes the row.
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(forged)


def test_the_decision_register_per_group_and_for_everyone(committee, coordination, meeting):
    services.record_decision(meeting, "Ours")
    services.record_decision(_meeting(coordination, date(2027, 4, 1)), "Theirs")
    db.session.commit()
    assert [each.text for each in queries.decisions(committee)] == ["Ours"]
    assert {each.code for each in queries.decisions()} == {
        "OS2FORMS-SC-2027-01",
        "OS2FORMS-KG-2027-01",
    }
    assert queries.decisions(committee, year=2026) == []


def test_open_action_items_per_person_and_group_with_the_overdue_flagged(
    meeting, coordination, member, chair, secretary
):
    item = services.add_agenda_item(meeting, title="Budget")
    late = services.add_action_item(
        meeting, what="Send the budget", owner=member, due_on=date(2027, 3, 20), agenda_item=item
    )
    soon = services.add_action_item(
        meeting, what="Book a room", owner=member, due_on=date(2027, 4, 30)
    )
    whenever = services.add_action_item(meeting, what="Read the report", owner=member)
    services.add_action_item(meeting, what="Chair's task", owner=chair, due_on=date(2027, 3, 1))
    elsewhere = _meeting(coordination, date(2027, 4, 1))
    services.add_action_item(elsewhere, what="Other group's", owner=member, due_on=date(2027, 3, 2))
    done = services.add_action_item(
        meeting, what="Already done", owner=member, due_on=date(2027, 3, 1)
    )
    services.mark_action_done(done, member)
    db.session.commit()

    today = date(2027, 4, 1)
    mine = queries.open_actions_for(member.id, today)
    assert [(row.item.what, row.overdue) for row in mine] == [
        ("Other group's", True),
        ("Send the budget", True),
        ("Book a room", False),
        ("Read the report", False),
    ]
    assert mine[1].item.meeting.title == "Steering committee, spring"
    assert mine[1].item.agenda_item.title == "Budget"
    group_rows = queries.open_actions_of_group(meeting.group, today)
    assert [row.item.what for row in group_rows] == [
        "Chair's task",
        "Send the budget",
        "Book a room",
        "Read the report",
    ]
    assert late.is_overdue(today) and not soon.is_overdue(today) and not whenever.is_overdue(today)


def test_an_action_item_is_done_once_and_may_be_opened_again(meeting, member):
    item = services.add_action_item(meeting, what="Send the budget", owner=member)
    services.mark_action_done(item, member)
    assert item.status == "done" and item.done_at is not None
    with pytest.raises(MeetingError) as refused:
        services.mark_action_done(item, member)
    assert refused.value.code == "action_done"
    services.reopen_action_item(item)
    assert item.status == "open" and item.done_at is None
    assert [row.item for row in queries.open_actions_for(member.id)] == [item]


@pytest.mark.parametrize("what", ["", "\x00", "x" * 2001])
def test_an_action_item_says_what_is_to_be_done(meeting, member, what):
    with pytest.raises(MeetingError) as refused:
        services.add_action_item(meeting, what=what, owner=member)
    assert refused.value.code == "action_what"


def test_the_meetings_of_a_group(committee, meeting):
    from datetime import UTC, datetime

    past = _meeting(committee, date(2026, 11, 1), "Autumn 2026")
    db.session.commit()
    now = datetime(2027, 1, 1, tzinfo=UTC)
    assert queries.meetings_of(committee, upcoming=True, now=now) == [meeting]
    assert queries.meetings_of(committee, upcoming=False, now=now) == [past]
    assert queries.meetings_of(committee) == [meeting, past]


def test_only_published_approved_minutes_are_public(meeting, secretary, chair):
    minutes = services.write_minutes(meeting, secretary, {None: "Minutes"})
    services.circulate_minutes(minutes)
    assert queries.published_minutes() == []
    services.approve_minutes(minutes, chair)
    assert queries.published_minutes() == []
    services.set_minutes_public(minutes, True)
    assert queries.published_minutes() == [minutes]
    amended = services.amend_minutes(minutes, secretary)
    assert queries.published_minutes() == [minutes]
    services.circulate_minutes(amended)
    services.approve_minutes(amended, chair)
    services.set_minutes_public(amended, True)
    assert queries.published_minutes() == [amended]


@pytest.mark.parametrize(
    "code", ["", "os2 forms", "-SC", "SC-", "A--B", "Å-SC", "X" * 31, "SC\x00"]
)
def test_a_group_code_is_capital_letters_digits_and_hyphens(committee, code):
    with pytest.raises(MeetingError) as refused:
        services.set_group_code(committee, code)
    assert refused.value.code == "group_code_format"
    assert committee.code == "OS2FORMS-SC"


def test_a_group_code_is_one_groups_only(committee, coordination):
    services.set_group_code(committee, " os2forms-styregruppe ")
    assert committee.code == "OS2FORMS-STYREGRUPPE"
    with pytest.raises(MeetingError) as refused:
        services.set_group_code(coordination, "OS2FORMS-STYREGRUPPE")
    assert refused.value.code == "group_code_taken"
    assert "OS2FORMS-STYREGRUPPE" in refused.value.message
    db.session.commit()
    db.session.expire_all()
    assert coordination.code == "OS2FORMS-KG"


def test_the_audit_trail_keeps_who_planned_and_what_was_decided(meeting, secretary):
    from sqlalchemy import select

    from consortium.audit.models import AuditEntry

    decision = services.record_decision(meeting, "The budget is approved.")
    services.cancel_meeting(meeting)
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    kept = {(entry.record_type, entry.action) for entry in entries}
    assert {("meeting", "create"), ("decision", "create"), ("meeting", "update")} <= kept
    cancelled = [e for e in entries if e.record_type == "meeting" and e.action == "update"][-1]
    assert cancelled.changes["status"] == {"old": "planned", "new": "cancelled"}
    assert cancelled.changes["sequence"] == {"old": 0, "new": 1}
    created = next(e for e in entries if e.record_type == "decision")
    assert created.record_label == decision.code
