"""Composition warnings for groups: pure, no Flask, no database. They never block a change."""

from __future__ import annotations

from dataclasses import dataclass, field

STEERING_MIN, STEERING_MAX = 3, 6
COORDINATION_MIN = 3


@dataclass(frozen=True)
class MemberFacts:
    user_id: int
    role: str


@dataclass(frozen=True)
class GroupFacts:
    """What the rules need to know about a group and its current members."""

    kind: str
    product_level: str | None = None
    members: tuple[MemberFacts, ...] = ()
    board_user_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Warning:
    code: str  # steering_size, coordination_size, no_board_member, no_chair
    count: int = 0


def representatives(members) -> int:
    """Members who count towards the size: everyone but observers."""
    return sum(1 for member in members if member.role != "observer")


def composition_warnings(group: GroupFacts) -> list[Warning]:
    """What is unusual about the group's current composition."""
    warnings = []
    count = representatives(group.members)
    if group.kind == "steering_committee" and not STEERING_MIN <= count <= STEERING_MAX:
        warnings.append(Warning("steering_size", count))
    if group.kind == "coordination_group" and count < COORDINATION_MIN:
        warnings.append(Warning("coordination_size", count))
    if (
        group.kind == "steering_committee"
        and group.product_level == "N3"
        and not any(member.user_id in group.board_user_ids for member in group.members)
    ):
        warnings.append(Warning("no_board_member"))
    if not any(member.role == "chair" for member in group.members):
        warnings.append(Warning("no_chair"))
    return warnings
