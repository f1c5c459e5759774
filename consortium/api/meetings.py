"""Meetings, minutes, decisions and action items, as the pages show them: anyone reads the
approved minutes a group published (people by name only, as on the public pages); a group's
current members read its meetings, agendas, minutes (drafts only for its chair and secretary),
decisions and action items; the secretariat every group's."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import g
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    page_headers,
    paginate,
    problem,
    require,
    require_scope,
)
from consortium.api.organisations import public_bp
from consortium.api.schemas import plain_text, sort_field
from consortium.api.tokens import READ
from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.meetings import minutes_content, registers
from consortium.meetings import queries as meeting_queries
from consortium.meetings.models import (
    ACTION_STATUSES,
    MEETING_KINDS,
    MEETING_STATUSES,
    MINUTES_STATES,
    Decision,
    Meeting,
    Minutes,
)
from consortium.public.queries import public_person

bp = api_blueprint(
    "api-meetings",
    "Meetings with their agendas and minutes, the decision register and action items, for the "
    "groups' current members and the secretariat.",
)

MAX_ID = 2**31 - 1


# --- schemas ------------------------------------------------------------------------------


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True, metadata={"description": "Such as OS2FORMS-SC-2027-04."})
    text = ma.fields.String(required=True)
    group_id = ma.fields.Integer(required=True)
    group_name = ma.fields.String(required=True)
    year = ma.fields.Integer(required=True)
    number = ma.fields.Integer(required=True)
    meeting_id = ma.fields.Integer(allow_none=True, required=True)
    recorded_at = ma.fields.DateTime(required=True)


class PublicDecisionSchema(ma.Schema):
    code = ma.fields.String(required=True)
    text = ma.fields.String(required=True)


class ActionItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    what = ma.fields.String(required=True)
    owner_name = ma.fields.String(required=True)
    due_on = ma.fields.Date(allow_none=True, required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(ACTION_STATUSES))
    overdue = ma.fields.Boolean(required=True)
    meeting_id = ma.fields.Integer(required=True)
    group_name = ma.fields.String(required=True)


class SectionSchema(ma.Schema):
    title = ma.fields.String(required=True, metadata={"description": "The agenda item."})
    text = ma.fields.String(required=True, metadata={"description": "Markdown."})
    decisions = ma.fields.List(ma.fields.Nested(PublicDecisionSchema), required=True)


class MemberSectionSchema(SectionSchema):
    action_items = ma.fields.List(ma.fields.Nested(ActionItemSchema), required=True)


class AttendanceSchema(ma.Schema):
    heading = ma.fields.String(required=True, metadata={"description": "Present, Excused, …"})
    names = ma.fields.List(ma.fields.String(), required=True)


class MinutesSchema(ma.Schema):
    version = ma.fields.Integer(required=True)
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(MINUTES_STATES))
    circulated_at = ma.fields.DateTime(allow_none=True, required=True)
    approved_at = ma.fields.DateTime(allow_none=True, required=True)
    is_public = ma.fields.Boolean(required=True)
    sections = ma.fields.List(ma.fields.Nested(MemberSectionSchema), required=True)


class AgendaItemSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    presenter = ma.fields.String(required=True)
    expected_minutes = ma.fields.Integer(allow_none=True, required=True)


class MeetingSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    group_id = ma.fields.Integer(required=True)
    group_name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(MEETING_KINDS))
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(MEETING_STATUSES))
    starts_at = ma.fields.DateTime(required=True)
    ends_at = ma.fields.DateTime(required=True)
    timezone = ma.fields.String(required=True)
    place = ma.fields.String(required=True)
    video_url = ma.fields.String(required=True)


class MeetingSchema(MeetingSummarySchema):
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemSchema), required=True)
    attendance = ma.fields.List(ma.fields.Nested(AttendanceSchema), required=True)
    minutes = ma.fields.List(
        ma.fields.Nested(MinutesSchema),
        required=True,
        metadata={
            "description": "The versions the caller may read, oldest first: drafts only for "
            "the group's chair and secretary."
        },
    )


class MeetingListArgs(ma.Schema):
    group = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "A group's id."}
    )
    when = ma.fields.String(
        validate=ma.validate.OneOf(["upcoming", "past"]),
        metadata={"description": "Meetings not yet ended, or ended ones (default: both)."},
    )
    sort = sort_field("-starts_at", "starts_at")


class DecisionListArgs(ma.Schema):
    group = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "A group's id."}
    )
    year = ma.fields.Integer(validate=ma.validate.Range(1900, 2200))
    q = ma.fields.String(
        load_default="",
        validate=plain_text(500),
        metadata={"description": "Words of the code, the text or the meeting's title."},
    )


class ActionListArgs(ma.Schema):
    group = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID),
        metadata={"description": "A group's open items; without it, the caller's own."},
    )


class PublishedMinutesSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    group_name = ma.fields.String(required=True)
    meeting_title = ma.fields.String(required=True)
    meeting_day = ma.fields.Date(required=True, metadata={"description": "In the meeting's zone."})


class PublishedMinutesSchema(PublishedMinutesSummarySchema):
    version = ma.fields.Integer(required=True)
    approved_on = ma.fields.Date(allow_none=True, required=True)
    attendance = ma.fields.List(ma.fields.Nested(AttendanceSchema), required=True)
    sections = ma.fields.List(ma.fields.Nested(SectionSchema), required=True)


# --- representations ----------------------------------------------------------------------


def _decision(decision: Decision) -> dict:
    return {
        "id": decision.id,
        "code": decision.code,
        "text": decision.text,
        "group_id": decision.group_id,
        "group_name": decision.group.name,
        "year": decision.year,
        "number": decision.number,
        "meeting_id": decision.meeting_id,
        "recorded_at": decision.recorded_at,
    }


def _action(item, overdue: bool) -> dict:
    return {
        "id": item.id,
        "what": item.what,
        "owner_name": item.owner.display_name,
        "due_on": item.due_on,
        "status": item.status,
        "overdue": overdue,
        "meeting_id": item.meeting_id,
        "group_name": item.meeting.group.name,
    }


def _summary(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "group_id": meeting.group_id,
        "group_name": meeting.group.name,
        "kind": meeting.kind,
        "title": meeting.title,
        "status": meeting.status,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "timezone": meeting.timezone,
        "place": meeting.place,
        "video_url": meeting.video_url,
    }


def _sections(meeting: Meeting, minutes: Minutes, with_actions: bool) -> list[dict]:
    today = date.today()
    found = []
    for section in minutes_content.sections(meeting, minutes):
        row = {
            "title": section.title,
            "text": section.markdown,
            "decisions": [{"code": d.code, "text": d.text} for d in section.decisions],
        }
        if with_actions:
            row["action_items"] = [_action(a, a.is_overdue(today)) for a in section.actions]
        found.append(row)
    return found


def _attendance(rows: list[tuple[str, list[str]]]) -> list[dict]:
    return [{"heading": str(heading), "names": list(names)} for heading, names in rows]


# --- meetings -----------------------------------------------------------------------------


@bp.route("/meetings")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(MeetingListArgs, location="query", as_kwargs=True)
@bp.response(200, MeetingSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_meetings(page, per_page, sort, group=None, when=""):
    """The meetings of the groups the caller sits in now (the secretariat: every group).
    Filter by group and by upcoming or past.

    Scope: meetings:read."""
    require_scope("meetings", READ)
    groups = registers.visible_groups(g.api_user)
    ids = [each.id for each in groups if group is None or each.id == group]
    statement = (
        select(Meeting).options(selectinload(Meeting.group)).where(Meeting.group_id.in_(ids))
    )
    now = utcnow()
    if when == "upcoming":
        statement = statement.where(Meeting.ends_at >= now)
    elif when == "past":
        statement = statement.where(Meeting.ends_at < now)
    order = (Meeting.starts_at, Meeting.id)
    if sort.startswith("-"):
        order = (Meeting.starts_at.desc(), Meeting.id.desc())
    meetings, headers = paginate(statement.order_by(*order), {"page": page, "per_page": per_page})
    return [_summary(meeting) for meeting in meetings], 200, headers


@bp.route("/meetings/<int:meeting_id>")
@bp.response(200, MeetingSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_meeting(meeting_id: int):
    """A meeting with its agenda, who attended and the versions of its minutes the caller may
    read, each with its text per agenda item, decisions and action items.

    Scope: meetings:read; the group's current members and the secretariat."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        problem(404)
    require("meetings", READ, "meetings.view", meeting)
    versions = minutes_content.readable_versions(g.api_user, meeting)
    return _summary(meeting) | {
        "agenda": [
            {
                "position": item.position,
                "title": item.title,
                "description": item.description,
                "presenter": item.presenter,
                "expected_minutes": item.expected_minutes,
            }
            for item in meeting.agenda
        ],
        "attendance": _attendance(minutes_content.attendance(meeting)),
        "minutes": [
            {
                "version": version.version,
                "state": version.state,
                "circulated_at": version.circulated_at,
                "approved_at": version.approved_at,
                "is_public": version.is_public,
                "sections": _sections(meeting, version, with_actions=True),
            }
            for version in versions
        ],
    }


# --- decisions and action items -----------------------------------------------------------


@bp.route("/decisions")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(DecisionListArgs, location="query", as_kwargs=True)
@bp.response(200, DecisionSchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_decisions(page, per_page, q, group=None, year=None):
    """The decision register of the groups the caller sits in now (the secretariat: every
    group), the latest year first; filter by group, year and words.

    Scope: meetings:read."""
    require_scope("meetings", READ)
    groups = registers.visible_groups(g.api_user)
    chosen = next((each for each in groups if each.id == group), None)
    if group is not None and chosen is None:
        rows: list[Decision] = []
    else:
        rows = registers.decision_register(groups, group=chosen, year=year, query=q)
    shown = rows[(page - 1) * per_page : page * per_page]
    return [_decision(each) for each in shown], 200, page_headers(len(rows), page, per_page)


@bp.route("/action-items")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(ActionListArgs, location="query", as_kwargs=True)
@bp.response(200, ActionItemSchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 404, 422)
def list_action_items(page, per_page, group=None):
    """Open action items, the earliest due first: the caller's own, or a group's (for its
    current members and the secretariat).

    Scope: meetings:read."""
    require_scope("meetings", READ)
    if group is None:
        rows = meeting_queries.open_actions_for(g.api_user.id)
    else:
        found = db.session.get(Group, group)
        if found is None:
            problem(404)
        require("meetings", READ, "meetings.view", found)
        rows = meeting_queries.open_actions_of_group(found)
    shown = rows[(page - 1) * per_page : page * per_page]
    return (
        [_action(row.item, row.overdue) for row in shown],
        200,
        page_headers(len(rows), page, per_page),
    )


# --- published minutes, for anyone --------------------------------------------------------


def _public_attendance(meeting: Meeting) -> list[dict]:
    """Who attended, by name only, as the public page shows it."""
    kinds = (
        ("present", pgettext("attendance", "Present")),
        ("excused", pgettext("attendance", "Excused")),
        ("absent", pgettext("attendance", "Absent")),
    )
    rows = []
    for key, heading in kinds:
        names = sorted(
            (
                public_person(each.user).name
                for each in meeting.attendances
                if each.user is not None and each.presence == key
            ),
            key=str.casefold,
        )
        if names:
            rows.append({"heading": heading, "names": names})
    guests = [
        each.guest_name
        for each in meeting.attendances
        if each.is_guest and each.presence in (None, "present")
    ]
    if guests:
        rows.append({"heading": _("Guests"), "names": guests})
    return rows


def _published_summary(minutes: Minutes) -> dict:
    meeting = minutes.meeting
    return {
        "id": minutes.id,
        "group_name": meeting.group.name,
        "meeting_title": meeting.title,
        "meeting_day": meeting.local_start.date(),
    }


@public_bp.route("/minutes")
@public_bp.arguments(ListArgs, location="query", as_kwargs=True)
@public_bp.response(200, PublishedMinutesSummarySchema(many=True), headers=LIST_HEADERS)
@public_bp.problems(422)
def public_minutes(page, per_page):
    """The approved minutes the groups published, the latest meeting first."""
    rows = meeting_queries.published_minutes()
    shown = rows[(page - 1) * per_page : page * per_page]
    return (
        [_published_summary(each) for each in shown],
        200,
        page_headers(len(rows), page, per_page),
    )


@public_bp.route("/minutes/<int:minutes_id>")
@public_bp.response(200, PublishedMinutesSchema, headers=ETAG_HEADER)
@public_bp.problems(404)
def public_minutes_detail(minutes_id: int):
    """Published minutes: who attended (by name), the text per agenda item and the decisions.
    Any minutes not published are 404."""
    found = db.session.get(Minutes, minutes_id)
    if found is None or not found.is_published:
        problem(404)
    meeting = found.meeting
    approved = found.approved_at_meeting.local_start.date() if found.approved_at_meeting else None
    if approved is None and found.approved_at is not None:
        approved = found.approved_at.date()
    return _published_summary(found) | {
        "version": found.version,
        "approved_on": approved,
        "attendance": _public_attendance(meeting),
        "sections": _sections(meeting, found, with_actions=False),
    }
