"""Meetings, minutes, decisions and action items through the API: anyone reads published
minutes with people by name only; a group's members read its meetings and circulated minutes,
its chair the drafts too; no one reads another group's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services as meetings
from consortium.members import services as members
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


@dataclass
class Board:
    chair: object
    member: object
    outsider: object
    held: int
    planned: int
    published_minutes: int
    other_group: int


@pytest.fixture
def board(app):
    """The board (code BOARD): a meeting held with approved, published minutes, a decision
    and an action item for the member; a later meeting with draft minutes; and a second group
    the outsider sits in."""
    aarhus = members.create_organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    chair = make_user("chair@aarhus.example.dk", name="Kim Chair")
    member = make_user("member@aarhus.example.dk", name="Lea Member")
    outsider = make_user("outsider@aarhus.example.dk", name="Ole Outsider")
    for person in (chair, member, outsider):
        members.add_contact(aarhus, person.id, "it")
    group = groups.create_group("board", "The board")
    group.code = "BOARD"
    groups.add_member(group, chair, organisation=aarhus, role="chair", starts_on=date(2024, 1, 1))
    groups.add_member(group, member, organisation=aarhus, starts_on=date(2024, 1, 1))
    other = groups.create_group("general_assembly", "General assembly")
    groups.add_member(other, outsider, organisation=aarhus, starts_on=date(2024, 1, 1))
    held, planned = (
        meetings.plan_meeting(
            group,
            title=title,
            day=day,
            starts=time(10),
            ends=time(12),
            timezone="Europe/Copenhagen",
        )
        for title, day in (
            ("Spring meeting", date(2025, 3, 4)),
            ("Autumn meeting", date(2025, 9, 2)),
        )
    )
    item = meetings.add_agenda_item(held, title="Budget")
    meetings.record_attendance(held, member, "present")
    meetings.record_attendance(held, chair, "present")
    minutes = meetings.write_minutes(held, chair, {item.id: "The budget was **approved**."})
    meetings.record_decision(held, "The budget is approved.", agenda_item=item, recorded_by=chair)
    meetings.add_action_item(held, what="Send the budget", owner=member, agenda_item=item)
    meetings.circulate_minutes(minutes)
    meetings.approve_minutes(minutes, chair)
    meetings.set_minutes_public(minutes, True)
    meetings.write_minutes(planned, chair, {None: "Draft notes."})
    db.session.commit()
    return Board(chair, member, outsider, held.id, planned.id, minutes.id, other.id)


def test_anyone_reads_published_minutes_with_names_only(client, board):
    listed = client.get("/api/v1/public/minutes").json
    assert [(row["group_name"], row["meeting_title"]) for row in listed] == [
        ("The board", "Spring meeting")
    ]
    minutes = client.get(f"/api/v1/public/minutes/{board.published_minutes}").json
    assert minutes["meeting_day"] == "2025-03-04"
    assert minutes["attendance"] == [{"heading": "Present", "names": ["Kim Chair", "Lea Member"]}]
    (section,) = minutes["sections"]
    assert section["text"] == "The budget was **approved**."
    assert section["decisions"][0]["code"].startswith("BOARD-2025-")
    assert "action_items" not in section
    assert "@" not in str(minutes), "no email address reaches the public"
    # Draft minutes are not there for the public, nor meetings, decisions or action items.
    draft = client.get(f"/api/v1/public/minutes/{board.published_minutes + 1}")
    assert draft.status_code == 404
    for url in ("/api/v1/meetings", "/api/v1/decisions", "/api/v1/action-items"):
        assert client.get(url).status_code == 401, url


def test_a_member_reads_circulated_minutes_and_the_chair_the_drafts(client, board):
    member, chair = token_for(board.member), token_for(board.chair)
    listed = client.get("/api/v1/meetings?sort=starts_at", headers=bearer(member)).json
    assert [row["title"] for row in listed] == ["Spring meeting", "Autumn meeting"]
    assert len(client.get("/api/v1/meetings?when=past", headers=bearer(member)).json) == 2
    assert client.get("/api/v1/meetings?when=upcoming", headers=bearer(member)).json == []
    planned = f"/api/v1/meetings/{board.planned}"
    assert client.get(planned, headers=bearer(member)).json["minutes"] == []
    (draft,) = client.get(planned, headers=bearer(chair)).json["minutes"]
    assert draft["state"] == "draft" and draft["sections"][-1]["text"] == "Draft notes."
    held = client.get(f"/api/v1/meetings/{board.held}", headers=bearer(member)).json
    (approved,) = held["minutes"]
    (action,) = approved["sections"][0]["action_items"]
    assert (action["what"], action["owner_name"]) == ("Send the budget", "Lea Member")


def test_decisions_and_action_items_of_ones_own_groups_only(client, board):
    member, outsider = token_for(board.member), token_for(board.outsider)
    decisions = client.get("/api/v1/decisions?q=budget", headers=bearer(member)).json
    assert [row["text"] for row in decisions] == ["The budget is approved."]
    assert client.get("/api/v1/decisions", headers=bearer(outsider)).json == []
    own = client.get("/api/v1/action-items", headers=bearer(member)).json
    assert [row["what"] for row in own] == ["Send the budget"]
    assert client.get("/api/v1/action-items", headers=bearer(outsider)).json == []
    board_group = client.get("/api/v1/meetings", headers=bearer(member)).json[0]["group_id"]
    refused = client.get(f"/api/v1/action-items?group={board_group}", headers=bearer(outsider))
    assert refused.status_code == 403
    assert client.get(f"/api/v1/meetings/{board.held}", headers=bearer(outsider)).status_code == 403
    assert client.get("/api/v1/meetings", headers=bearer(outsider)).json == []
