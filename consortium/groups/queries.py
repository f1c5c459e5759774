"""Reading groups: lists, current members, someone's groups, composition warnings."""

from __future__ import annotations

from datetime import date

from flask import g, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from consortium.db import in_force_on
from consortium.extensions import db
from consortium.groups import rules
from consortium.groups.models import Group, GroupMember


def _current(day: date):
    return in_force_on(GroupMember.starts_on, GroupMember.ends_on, day)


def _with_members():
    """Load a group's product and members (with their people, organisations and suppliers)."""
    return (
        selectinload(Group.product),
        selectinload(Group.members).selectinload(GroupMember.user),
        selectinload(Group.members).selectinload(GroupMember.organisation),
        selectinload(Group.members).selectinload(GroupMember.supplier),
    )


def group(group_id: int) -> Group | None:
    """One group with its members loaded."""
    return db.session.scalar(select(Group).options(*_with_members()).where(Group.id == group_id))


def groups(kind: str = "", product_id: int | None = None) -> list[Group]:
    """All groups, filtered by kind and product, with their members loaded."""
    query = groups_statement(kind, product_id)
    return list(db.session.scalars(query.order_by(Group.kind, Group.name, Group.id)))


def groups_statement(kind: str = "", product_id: int | None = None):
    """The groups of a kind and product (all when not given), unsorted, members loaded."""
    query = select(Group).options(*_with_members())
    if kind:
        query = query.where(Group.kind == kind)
    if product_id:
        query = query.where(Group.product_id == product_id)
    return query


def current_members(group: Group, on: date | None = None) -> list[GroupMember]:
    day = on or date.today()
    return [member for member in group.members if member.current_on(day)]


def past_members(group: Group, on: date | None = None) -> list[GroupMember]:
    day = on or date.today()
    return [member for member in group.members if not member.current_on(day)]


def board_user_ids(on: date | None = None) -> frozenset[int]:
    """The people on the board now."""
    day = on or date.today()
    return frozenset(
        db.session.scalars(
            select(GroupMember.user_id).join(Group).where(Group.kind == "board", _current(day))
        )
    )


def warnings_for(
    group: Group, board: frozenset[int] | None = None, on: date | None = None
) -> list[rules.Warning]:
    """The group's composition warnings, today."""
    facts = rules.GroupFacts(
        kind=group.kind,
        product_level=group.product.level if group.product else None,
        members=tuple(
            rules.MemberFacts(member.user_id, member.role) for member in current_members(group, on)
        ),
        board_user_ids=board if board is not None else board_user_ids(on),
    )
    return rules.composition_warnings(facts)


def memberships_of(user_id: int, on: date | None = None) -> list[GroupMember]:
    """The user's current terms, with their groups."""
    day = on or date.today()
    return list(
        db.session.scalars(
            select(GroupMember)
            .join(Group)
            .options(selectinload(GroupMember.group).selectinload(Group.product))
            .where(GroupMember.user_id == user_id, _current(day))
            .order_by(Group.name)
        )
    )


def is_current_member(user_id: int, group: Group, roles=None, on: date | None = None) -> bool:
    """Whether the user sits in the group on the day (in one of the roles, when given)."""
    day = on or date.today()
    return any(
        group_id == group.id and (not roles or role in roles)
        for group_id, role in _terms_on(user_id, day)
    )


# The key under which a request keeps the terms it has read (see _terms_on).
_TERMS_READ = "group_terms_read"


def _terms_on(user_id: int, day: date) -> list[tuple[int, str]]:
    """The groups the user sits in on the day, with the role: (group id, role).

    A page asks for each group it shows (may this user see its meetings?), so a request reads
    them once; a change to a term in the request's session (``forget_terms_written``) or a
    rollback makes the next question read them again."""
    statement = select(GroupMember.group_id, GroupMember.role).where(
        GroupMember.user_id == user_id, _current(day)
    )
    if not has_request_context():
        return [(group_id, role) for group_id, role in db.session.execute(statement)]
    if any(isinstance(item, GroupMember) for item in _pending(db.session())):
        db.session.flush()  # the terms as the session has them, as a query would see them
    read = g.setdefault(_TERMS_READ, {})
    if (user_id, day) not in read:
        read[user_id, day] = [(group_id, role) for group_id, role in db.session.execute(statement)]
    found: list[tuple[int, str]] = read[user_id, day]
    return found


def _pending(session: Session) -> list[object]:
    return [*session.new, *session.dirty, *session.deleted]


@event.listens_for(Session, "after_flush")
def forget_terms_written(session: Session, _context: object) -> None:
    """A term written in the request: the terms are read again when next asked."""
    if has_request_context() and any(isinstance(item, GroupMember) for item in _pending(session)):
        g.pop(_TERMS_READ, None)


@event.listens_for(Session, "after_soft_rollback")
def forget_terms_rolled_back(session: Session, _previous: object) -> None:
    """What was read may have been undone."""
    if has_request_context():
        g.pop(_TERMS_READ, None)


def product_groups(product, today: date | None = None) -> list[Group]:
    """A product's groups (its committees), by kind and name, for the product's page."""
    return list(
        db.session.scalars(
            select(Group).where(Group.product_id == product.id).order_by(Group.kind, Group.name)
        )
    )
