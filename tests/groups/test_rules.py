"""Composition warnings: pure rules, no app."""

from __future__ import annotations

import pytest

from consortium.groups.rules import GroupFacts, MemberFacts, composition_warnings


def _members(*roles):
    return tuple(MemberFacts(index, role) for index, role in enumerate(roles, start=1))


def _codes(facts):
    return [(warning.code, warning.count) for warning in composition_warnings(facts)]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (("chair", "member"), [("steering_size", 2)]),
        (("chair", "member", "member"), []),
        (("chair", "member", "member", "observer"), []),
        (("chair", "member", "observer", "observer"), [("steering_size", 2)]),
        (("chair",) + ("member",) * 5, []),
        (("chair",) + ("member",) * 6, [("steering_size", 7)]),
        (("chair",) + ("member",) * 5 + ("observer",) * 3, []),
    ],
)
def test_a_steering_committee_has_three_to_six_representatives(roles, expected):
    assert _codes(GroupFacts("steering_committee", "N2", _members(*roles))) == expected


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (("chair", "member"), [("coordination_size", 2)]),
        (("chair", "member", "observer"), [("coordination_size", 2)]),
        (("chair", "member", "member"), []),
        (("chair",) + ("member",) * 20, []),
    ],
)
def test_a_coordination_group_has_at_least_three(roles, expected):
    assert _codes(GroupFacts("coordination_group", None, _members(*roles))) == expected


def test_a_group_without_a_current_chair_is_warned_about():
    assert _codes(GroupFacts("board", None, _members("secretary", "member"))) == [("no_chair", 0)]
    assert _codes(GroupFacts("topic_group", None, ())) == [("no_chair", 0)]
    assert _codes(GroupFacts("topic_group", None, _members("chair"))) == []


def test_an_n3_product_needs_a_board_member_on_its_steering_committee():
    members = _members("chair", "member", "member")
    without = GroupFacts("steering_committee", "N3", members, frozenset({99}))
    assert _codes(without) == [("no_board_member", 0)]
    with_board = GroupFacts("steering_committee", "N3", members, frozenset({2}))
    assert _codes(with_board) == []
    # Below N3 no board member is needed.
    assert _codes(GroupFacts("steering_committee", "N2", members, frozenset())) == []


def test_sizes_do_not_apply_to_other_kinds():
    assert _codes(GroupFacts("general_assembly", None, _members("chair"))) == []
    assert _codes(GroupFacts("board", None, _members("chair"))) == []
