"""Reads for the meeting pages: a group's meetings, the decision register, open action items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.meetings.models import ActionItem, Decision, Meeting, Minutes


@dataclass(frozen=True)
class OpenAction:
    """An open action item and whether its due day has passed."""

    item: ActionItem
    overdue: bool


def meeting(meeting_id: int) -> Meeting | None:
    found: Meeting | None = db.session.get(Meeting, meeting_id)
    return found


def meetings_of(
    group: Group, *, upcoming: bool | None = None, now: datetime | None = None
) -> list[Meeting]:
    """The group's meetings: all, or only those still to come (earliest first) or past (latest
    first)."""
    now = now or utcnow()
    query = select(Meeting).where(Meeting.group_id == group.id)
    if upcoming is True:
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    elif upcoming is False:
        query = query.where(Meeting.ends_at < now).order_by(
            Meeting.starts_at.desc(), Meeting.id.desc()
        )
    else:
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return list(db.session.scalars(query))


def approving_meetings(meeting: Meeting, now: datetime | None = None) -> list[Meeting]:
    """The group's meetings that may have approved the minutes of ``meeting``: later ones, not
    cancelled, that have begun; the latest first."""
    now = now or utcnow()
    query = (
        select(Meeting)
        .where(
            Meeting.group_id == meeting.group_id,
            Meeting.starts_at > meeting.starts_at,
            Meeting.starts_at <= now,
            Meeting.status != "cancelled",
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return list(db.session.scalars(query))


def decisions(group: Group | None = None, year: int | None = None) -> list[Decision]:
    """The decision register, newest first: one group's, or the whole association's (for the
    secretariat) when no group is given."""
    query = select(Decision).options(selectinload(Decision.group), selectinload(Decision.meeting))
    if group is not None:
        query = query.where(Decision.group_id == group.id)
    if year is not None:
        query = query.where(Decision.year == year)
    query = query.order_by(Decision.year.desc(), Decision.group_id, Decision.number.desc())
    return list(db.session.scalars(query))


def _open_actions(query: Select[Any], today: date) -> list[OpenAction]:
    query = (
        query.where(ActionItem.status == "open")
        .options(
            selectinload(ActionItem.meeting).selectinload(Meeting.group),
            selectinload(ActionItem.owner),
        )
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return [OpenAction(item, item.is_overdue(today)) for item in db.session.scalars(query)]


def open_actions_for(user_id: int, today: date | None = None) -> list[OpenAction]:
    """A person's open action items ("my actions"), the earliest due first, overdue flagged."""
    return _open_actions(
        select(ActionItem).where(ActionItem.owner_user_id == user_id), today or date.today()
    )


def open_actions_of_group(group: Group, today: date | None = None) -> list[OpenAction]:
    """A group's open action items, the earliest due first, overdue flagged."""
    return _open_actions(
        select(ActionItem).join(Meeting).where(Meeting.group_id == group.id),
        today or date.today(),
    )


def published_minutes(group: Group | None = None) -> list[Minutes]:
    """Approved minutes marked public, the latest meeting first, each meeting's latest such
    version only; the public sees only these."""
    query = (
        select(Minutes)
        .join(Minutes.meeting)
        .where(Minutes.state == "approved", Minutes.is_public.is_(True))
        .options(selectinload(Minutes.meeting).selectinload(Meeting.group))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), Minutes.version.desc())
    )
    if group is not None:
        query = query.where(Meeting.group_id == group.id)
    latest: dict[int, Minutes] = {}
    for minutes in db.session.scalars(query):
        latest.setdefault(minutes.meeting_id, minutes)
    return list(latest.values())
