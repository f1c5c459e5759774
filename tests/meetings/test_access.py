"""Who may do what with a meeting, checked against the meeting's group."""

from __future__ import annotations

from datetime import date, time

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services
from consortium.permissions import can
from tests.groups.factories import add, contact

ACTIONS = (
    "meetings.view",
    "meetings.take_part",
    "meetings.plan",
    "meetings.write_minutes",
    "meetings.approve",
    "meetings.record_approval",
)


@pytest.fixture
def their_meeting(coordination):
    planned = services.plan_meeting(
        coordination, title="Coordination", day=date(2027, 3, 11), starts=time(9), ends=time(11)
    )
    db.session.commit()
    return planned


def _allowed(user, obj) -> set[str]:
    return {action for action in ACTIONS if can(user, action, obj)}


def test_a_member_sees_and_takes_part_but_does_not_plan(meeting, member):
    assert _allowed(member, meeting) == {"meetings.view", "meetings.take_part"}
    assert _allowed(member, meeting.group) == {"meetings.view", "meetings.take_part"}


def test_the_secretary_plans_and_writes_minutes_but_does_not_approve(meeting, secretary):
    assert _allowed(secretary, meeting) == {
        "meetings.view",
        "meetings.take_part",
        "meetings.plan",
        "meetings.write_minutes",
        "meetings.record_approval",
    }


def test_the_chair_also_approves(meeting, chair):
    assert _allowed(chair, meeting) == set(ACTIONS)


@pytest.mark.parametrize("person", ["member", "secretary", "chair"])
def test_nobody_has_rights_in_another_groups_meeting(request, their_meeting, person):
    user = request.getfixturevalue(person)
    assert _allowed(user, their_meeting) == set()
    assert _allowed(user, their_meeting.group) == set()


def test_the_secretariat_does_everything_everywhere(meeting, their_meeting, secretariat):
    assert _allowed(secretariat, meeting) == set(ACTIONS)
    assert _allowed(secretariat, their_meeting) == set(ACTIONS)


def test_a_member_whose_term_ended_has_no_rights(committee, aarhus, meeting):
    former = contact(aarhus, "former@aarhus.example.dk", "Frida Former")
    add(
        committee,
        former,
        aarhus,
        role="chair",
        starts_on=date(2020, 1, 1),
        ends_on=date(2024, 12, 31),
    )
    assert _allowed(former, meeting) == set()


def test_an_outsider_and_the_public_see_only_published_approved_minutes(
    meeting, outsider, secretary, chair
):
    minutes = services.write_minutes(meeting, secretary, {None: "Text"})
    assert _allowed(outsider, meeting) == set()
    assert _allowed(outsider, minutes) == set()
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    assert _allowed(outsider, minutes) == set()
    services.set_minutes_public(minutes, True)
    assert _allowed(outsider, minutes) == {"meetings.view"}
    assert _allowed(outsider, meeting) == set()
    # The public has no account: its pages show only what is published (queries.published_minutes).
    assert _allowed(None, minutes) == set()


def test_a_chair_of_another_group_cannot_approve_through_the_service(
    their_meeting, chair, secretariat
):
    minutes = services.write_minutes(their_meeting, secretariat, {None: "Text"})
    services.circulate_minutes(minutes)
    with pytest.raises(services.MeetingError) as refused:
        services.approve_minutes(minutes, chair)
    assert refused.value.code == "not_allowed_to_approve"


def test_rights_on_a_meeting_are_the_groups_of_today(meeting, committee, aarhus):
    newcomer = contact(aarhus, "new@aarhus.example.dk", "Nina Newcomer")
    assert _allowed(newcomer, meeting) == set()
    groups.add_member(
        committee, newcomer, organisation=aarhus, role="secretary", starts_on=date(2026, 1, 1)
    )
    assert "meetings.plan" in _allowed(newcomer, meeting)
