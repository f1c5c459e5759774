"""The decision register and the search across minutes and decisions, limited to what the
reader may read.

Matching is the word-prefix matching of :mod:`consortium.meetings.search`, done in Python on
the rows the reader may see: the database only narrows by group and year, so SQLite and
PostgreSQL find exactly the same rows, whatever their collations do with ``Æ``, ``ß`` or ``Ř``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.meetings.models import Decision, Meeting, Minutes
from consortium.meetings.search import matches, search_terms, search_text

RESULT_LIMIT = 200


@dataclass(frozen=True)
class Access:
    """Which groups' meetings the reader sees: all (the secretariat), those they sit in, and
    those where they write the minutes (whose drafts they read)."""

    everything: bool = False
    member_of: frozenset[int] = frozenset()
    writer_of: frozenset[int] = frozenset()

    def sees(self, meeting: Meeting) -> bool:
        return self.everything or meeting.group_id in self.member_of

    def readable(self, meeting: Meeting) -> list[Minutes]:
        """The versions of the meeting's minutes the reader may read, oldest first."""
        if self.everything or meeting.group_id in self.writer_of:
            return list(meeting.minutes_versions)
        if meeting.group_id in self.member_of:
            return [each for each in meeting.minutes_versions if each.state != "draft"]
        return [each for each in meeting.minutes_versions if each.is_published]


def access_of(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return Access()
    if user.is_secretariat:
        return Access(everything=True)
    terms = group_queries.memberships_of(user.id)
    return Access(
        member_of=frozenset(term.group_id for term in terms),
        writer_of=frozenset(term.group_id for term in terms if term.role in ("chair", "secretary")),
    )


def visible_groups(user) -> list[Group]:
    """The groups whose decisions the reader sees: every group for the secretariat, else the
    groups they sit in today."""
    access = access_of(user)
    query = select(Group).order_by(Group.name, Group.id)
    if not access.everything:
        query = query.where(Group.id.in_(access.member_of))
    return list(db.session.scalars(query))


def decision_years(groups: list[Group]) -> list[int]:
    """The years in which the groups took decisions, the latest first."""
    if not groups:
        return []
    return list(
        db.session.scalars(
            select(Decision.year)
            .where(Decision.group_id.in_([group.id for group in groups]))
            .distinct()
            .order_by(Decision.year.desc())
        )
    )


def decision_text(decision: Decision) -> str:
    """What a search looks at in a decision: its code, its text and the meeting's title."""
    title = decision.meeting.title if decision.meeting is not None else ""
    return search_text(decision.code, decision.text, title)


def decision_register(
    groups: list[Group],
    *,
    group: Group | None = None,
    year: int | None = None,
    query: str = "",
) -> list[Decision]:
    """The decisions of the groups (or of the one group among them), of the year when given,
    that match the query; the latest year first, then by group and number, the latest first."""
    wanted = [group] if group is not None else groups
    if not wanted:
        return []
    statement = (
        select(Decision)
        .where(Decision.group_id.in_([each.id for each in wanted]))
        .options(selectinload(Decision.group), selectinload(Decision.meeting))
        .order_by(Decision.year.desc(), Decision.group_id, Decision.number.desc())
    )
    if year is not None:
        statement = statement.where(Decision.year == year)
    terms = search_terms(query)
    return [
        decision
        for decision in db.session.scalars(statement)
        if matches(decision_text(decision), terms)
    ]


@dataclass
class SearchResults:
    """Minutes (each meeting's latest readable version) and decisions matching a query."""

    terms: list[str]
    minutes: list[Minutes] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    more: bool = False


def minutes_text(minutes: Minutes) -> str:
    """What a search looks at in minutes: the meeting's and the agenda items' titles and the
    text written on each."""
    meeting = minutes.meeting
    return search_text(
        meeting.title,
        *(item.title for item in meeting.agenda),
        *(each.text for each in minutes.texts),
    )


def search(user, query: str) -> SearchResults:
    """The minutes and decisions the user may read that match the query: for the secretariat
    all, for a member their groups' and the published ones, for the public only published
    minutes and their decisions."""
    terms = search_terms(query)
    results = SearchResults(terms)
    if not terms:
        return results
    access = access_of(user)
    statement = (
        select(Meeting)
        .options(
            selectinload(Meeting.group),
            selectinload(Meeting.agenda),
            selectinload(Meeting.minutes_versions).selectinload(Minutes.texts),
            selectinload(Meeting.decisions),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if not access.everything:
        published = select(Minutes.meeting_id).where(
            Minutes.state == "approved", Minutes.is_public.is_(True)
        )
        statement = statement.where(
            Meeting.group_id.in_(access.member_of) | Meeting.id.in_(published)
        )
    for meeting in db.session.scalars(statement):
        readable = access.readable(meeting)
        if readable and matches(minutes_text(readable[-1]), terms):
            results.minutes.append(readable[-1])
        if access.sees(meeting) or readable:
            results.decisions.extend(
                each for each in meeting.decisions if matches(decision_text(each), terms)
            )
        if len(results.minutes) + len(results.decisions) > RESULT_LIMIT:
            results.more = True
            return results
    # Decisions taken without a meeting (a prioritisation round's result): for the group's
    # members and the secretariat, never for the public.
    if access.everything or access.member_of:
        outside = (
            select(Decision)
            .where(Decision.meeting_id.is_(None))
            .options(selectinload(Decision.group))
            .order_by(Decision.recorded_at.desc(), Decision.id.desc())
        )
        if not access.everything:
            outside = outside.where(Decision.group_id.in_(access.member_of))
        for decision in db.session.scalars(outside):
            if matches(decision_text(decision), terms):
                results.decisions.append(decision)
                if len(results.minutes) + len(results.decisions) > RESULT_LIMIT:
                    results.more = True
                    break
    return results
