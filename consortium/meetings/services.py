"""Writing meetings, their agenda, papers, attendance, minutes, decisions and action items.

Services flush and never commit; the request or the command commits once. A change that two
people may ask for at the same moment locks the row it depends on first (consortium/once.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from consortium import i18n, permissions, text
from consortium.auth.models import User
from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.groups.services import GROUP_CODE
from consortium.meetings import papers
from consortium.meetings.labels import ERROR_MESSAGES
from consortium.meetings.models import (
    MEETING_KINDS,
    PRESENCES,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    DecisionSequence,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesText,
    Paper,
)
from consortium.once import find_or_create, load_locked, lock, lock_row, unique

TITLE_LIMIT = 200
PLACE_LIMIT = 300
URL_LIMIT = 500
NAME_LIMIT = 200
DESCRIPTION_LIMIT = 20_000
MINUTES_TEXT_LIMIT = 200_000
COMMENT_LIMIT = 10_000
DECISION_LIMIT = 20_000
ACTION_LIMIT = 2_000
# Which kind of meeting a group holds unless the planner says otherwise.
KIND_OF_GROUP = {"board": "board", "general_assembly": "general_assembly"}


class MeetingError(ValueError):
    """A change refused; ``code`` names the reason, ``message`` says it in the reader's words."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return str(ERROR_MESSAGES[self.code]) % self.params


# --- text as people type it ----------------------------------------------------------------


def _line(value: str | None, limit: int, code: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if (required and not cleaned) or len(cleaned) > limit or text.has_control_character(cleaned):
        raise MeetingError(code, limit=limit)
    return cleaned


def _long_text(value: str | None, limit: int, code: str, *, required: bool = False) -> str:
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if (
        (required and not cleaned)
        or len(cleaned) > limit
        or text.has_control_character(cleaned, multiline=True)
    ):
        raise MeetingError(code, limit=limit)
    return cleaned


# --- the group's short code --------------------------------------------------------------------


def set_group_code(group: Group, code: str) -> Group:
    """Give the group the short code its decisions are named with (OS2FORMS-SC): capital
    letters and digits in parts joined by hyphens, at most 30 characters, no two groups alike."""
    cleaned = (code or "").strip().upper()
    if not GROUP_CODE.fullmatch(cleaned):
        raise MeetingError("group_code_format")
    if cleaned == group.code:
        return group
    with unique(MeetingError("group_code_taken", group_code=cleaned)):
        group.code = cleaned
    return group


# --- time --------------------------------------------------------------------------------------


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA time zone of that name; the association's own when none is given."""
    if not name:
        from consortium.settings.services import get_settings

        name = get_settings().timezone
    if len(name) > 64 or text.has_control_character(name):
        raise MeetingError("timezone", timezone=name[:64])
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise MeetingError("timezone", timezone=name) from None


def local_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The moment the clock on the wall in the zone shows that time on that day, in UTC.

    A time the clocks skip (02:30 when summer time begins) is refused; a time they show twice
    (02:30 when it ends) is the first of the two.
    """
    local = datetime.combine(day, clock.replace(tzinfo=None, fold=0), tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise MeetingError("time_does_not_exist", time=clock.strftime("%H:%M"), timezone=zone.key)
    return moment


def _times(day: date, starts: time, ends: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    starts_at, ends_at = local_to_utc(day, starts, zone), local_to_utc(day, ends, zone)
    if ends_at <= starts_at:
        raise MeetingError("ends_before_start")
    return starts_at, ends_at


# --- meetings -----------------------------------------------------------------------------------


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise MeetingError("cancelled")


def plan_meeting(
    group: Group,
    *,
    title: str,
    day: date,
    starts: time,
    ends: time,
    timezone: str | None = None,
    place: str = "",
    video_url: str = "",
    kind: str | None = None,
    planned_by: User | None = None,
) -> Meeting:
    """Plan a meeting of the group at the wall-clock times in the time zone (the association's
    by default); every current member of the group is invited."""
    kind = kind or KIND_OF_GROUP.get(group.kind, "ordinary")
    if kind not in MEETING_KINDS:
        raise MeetingError("kind")
    zone = zone_named(timezone)
    starts_at, ends_at = _times(day, starts, ends, zone)
    meeting = Meeting(
        group=group,
        kind=kind,
        title=_line(title, TITLE_LIMIT, "title"),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone.key,
        place=_line(place, PLACE_LIMIT, "text", required=False),
        video_url=_line(video_url, URL_LIMIT, "text", required=False),
        status="planned",
        uid=f"{uuid.uuid4()}@consortium",
        sequence=0,
        planned_by=planned_by,
    )
    db.session.add(meeting)
    for member in group_queries.current_members(group):
        if not any(each.user_id == member.user_id for each in meeting.attendances):
            meeting.attendances.append(Attendance(user_id=member.user_id, reply="invited"))
    db.session.flush()
    return meeting


def update_meeting(
    meeting: Meeting,
    *,
    title: str,
    day: date,
    starts: time,
    ends: time,
    timezone: str | None,
    place: str,
    video_url: str,
) -> bool:
    """Change a planned meeting; True when the invitation changed (time, place, video link or
    title) and was given the next sequence number, to be sent out again."""
    lock(meeting)
    _check_open(meeting)
    zone = zone_named(timezone or meeting.timezone)
    starts_at, ends_at = _times(day, starts, ends, zone)
    new = {
        "title": _line(title, TITLE_LIMIT, "title"),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": zone.key,
        "place": _line(place, PLACE_LIMIT, "text", required=False),
        "video_url": _line(video_url, URL_LIMIT, "text", required=False),
    }
    changed = {name for name, value in new.items() if getattr(meeting, name) != value}
    for name in changed:
        setattr(meeting, name, new[name])
    if changed:
        meeting.sequence += 1
    db.session.flush()
    return bool(changed)


def cancel_meeting(meeting: Meeting) -> Meeting:
    """Cancel a planned meeting; the cancellation is sent with the next sequence number."""
    lock(meeting)
    if meeting.is_cancelled:
        raise MeetingError("already_cancelled")
    meeting.status = "cancelled"
    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    db.session.flush()
    return meeting


# --- agenda ------------------------------------------------------------------------------------


def _expected(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= 24 * 60:
        raise MeetingError("expected_minutes")
    return minutes


def _renumber(meeting: Meeting, items: Sequence[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position
    db.session.flush()
    db.session.expire(meeting, ["agenda"])


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def add_agenda_item(
    meeting: Meeting,
    *,
    title: str,
    description: str = "",
    presenter: str = "",
    expected_minutes: int | None = None,
) -> AgendaItem:
    """Add an item at the end of the meeting's agenda."""
    _check_open(meeting)
    lock_row(Meeting, meeting.id)
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        meeting=meeting,
        position=(last or 0) + 1,
        title=_line(title, TITLE_LIMIT, "agenda_title"),
        description=_long_text(description, DESCRIPTION_LIMIT, "text"),
        presenter=_line(presenter, NAME_LIMIT, "text", required=False),
        expected_minutes=_expected(expected_minutes),
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_agenda_item(
    item: AgendaItem,
    *,
    title: str,
    description: str,
    presenter: str,
    expected_minutes: int | None,
) -> AgendaItem:
    """Change an agenda item's title, description, presenter or expected duration."""
    _check_open(item.meeting)
    item.title = _line(title, TITLE_LIMIT, "agenda_title")
    item.description = _long_text(description, DESCRIPTION_LIMIT, "text")
    item.presenter = _line(presenter, NAME_LIMIT, "text", required=False)
    item.expected_minutes = _expected(expected_minutes)
    db.session.flush()
    return item


def reorder_agenda(meeting: Meeting, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Put the meeting's agenda items in the order of the ids, which name each item once."""
    _check_open(meeting)
    lock_row(Meeting, meeting.id)
    items = {item.id: item for item in _agenda(meeting)}
    if len(item_ids) != len(items) or set(item_ids) != set(items):
        raise MeetingError("agenda_order")
    ordered = [items[item_id] for item_id in item_ids]
    _renumber(meeting, ordered)
    return ordered


def move_agenda_item(item: AgendaItem, offset: int) -> list[AgendaItem]:
    """Move an item up (-1) or down (+1) the agenda; at either end it stays where it is."""
    meeting = item.meeting
    _check_open(meeting)
    lock_row(Meeting, meeting.id)
    items = _agenda(meeting)
    index = items.index(item)
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    _renumber(meeting, items)
    return items


def remove_agenda_item(item: AgendaItem) -> None:
    """Take an item off the agenda with its papers, unless minutes, decisions or action items
    refer to it."""
    meeting = item.meeting
    _check_open(meeting)
    lock_row(Meeting, meeting.id)
    for model in (MinutesText, Decision, ActionItem):
        used = db.session.scalar(
            select(func.count()).select_from(model).where(model.agenda_item_id == item.id)
        )
        if used:
            raise MeetingError("agenda_item_in_use")
    for paper in list(item.papers):
        db.session.delete(paper)
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting, _agenda(meeting))


# --- papers ------------------------------------------------------------------------------------


def attach_paper(
    meeting: Meeting,
    filename: str | None,
    content: bytes,
    *,
    agenda_item: AgendaItem | None = None,
    uploaded_by: User | None = None,
    max_bytes: int = papers.MAX_PAPER_BYTES,
) -> Paper:
    """Keep a paper for the meeting (on one of its agenda items), when its content is a PDF or
    an office document of the kind its name says and it is not too large."""
    _check_open(meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise MeetingError("not_this_meeting")
    name = text.upload_name(filename, "paper")
    try:
        kind = papers.check_paper(name, content, max_bytes)
    except papers.PaperRefused as refused:
        raise MeetingError(
            f"paper_{refused.reason}",
            filename=name,
            found=refused.found,
            limit=max_bytes // (1024 * 1024),
        ) from None
    paper = Paper(
        meeting=meeting,
        agenda_item=agenda_item,
        filename=name,
        media_type=kind.media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_user_id=uploaded_by.id if uploaded_by is not None else None,
    )
    db.session.add(paper)
    db.session.flush()
    return paper


def remove_paper(paper: Paper) -> None:
    """Take a paper away from the meeting."""
    _check_open(paper.meeting)
    db.session.delete(paper)
    db.session.flush()


# --- attendance ------------------------------------------------------------------------------


def _attendance_of(meeting: Meeting, user: User) -> Attendance | None:
    found: Attendance | None = db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
    )
    return found


def _attendance_row(meeting: Meeting, user: User) -> Attendance:
    attendance, _created = find_or_create(
        lambda: _attendance_of(meeting, user),
        lambda: _add(Attendance(meeting_id=meeting.id, user_id=user.id, reply="invited")),
    )
    return attendance


def _add(row: Attendance) -> Attendance:
    db.session.add(row)
    return row


def reply_to_invitation(meeting: Meeting, user: User, reply: str) -> Attendance:
    """A member's answer to the invitation: "attending" or "declined"."""
    _check_open(meeting)
    if reply not in ("attending", "declined"):
        raise MeetingError("reply")
    if not meeting.has_current_member(user.id):
        raise MeetingError("not_a_member")
    attendance = lock(_attendance_row(meeting, user))
    attendance.reply = reply
    attendance.replied_at = utcnow()
    db.session.flush()
    return attendance


def record_attendance(meeting: Meeting, user: User, presence: str) -> Attendance:
    """Record at the meeting whether a person was present, absent or excused."""
    _check_open(meeting)
    if presence not in PRESENCES:
        raise MeetingError("presence")
    attendance = lock(_attendance_row(meeting, user))
    attendance.presence = presence
    db.session.flush()
    return attendance


def add_guest(meeting: Meeting, guest_name: str, presence: str = "present") -> Attendance:
    """Record a guest (someone outside the group) at the meeting."""
    _check_open(meeting)
    if presence not in PRESENCES:
        raise MeetingError("presence")
    guest = Attendance(
        meeting=meeting,
        guest_name=_line(guest_name, NAME_LIMIT, "guest_name"),
        reply="attending",
        presence=presence,
    )
    db.session.add(guest)
    db.session.flush()
    return guest


def set_guest_presence(attendance: Attendance, presence: str) -> Attendance:
    """Change whether a guest was present, absent or excused."""
    _check_open(attendance.meeting)
    if presence not in PRESENCES:
        raise MeetingError("presence")
    attendance.presence = presence
    db.session.flush()
    return attendance


# --- minutes -----------------------------------------------------------------------------------


def _latest_minutes(meeting: Meeting) -> Minutes | None:
    found: Minutes | None = db.session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version.desc())
    )
    return found


def _set_texts(minutes: Minutes, texts: Mapping[int | None, str]) -> None:
    item_ids = {item.id for item in minutes.meeting.agenda}
    cleaned = {}
    for agenda_item_id, written in texts.items():
        if agenda_item_id is not None and agenda_item_id not in item_ids:
            raise MeetingError("not_this_meeting")
        cleaned[agenda_item_id] = _long_text(written, MINUTES_TEXT_LIMIT, "text")
    by_item = {each.agenda_item_id: each for each in minutes.texts}
    for agenda_item_id, written in cleaned.items():
        if agenda_item_id in by_item:
            by_item[agenda_item_id].text = written
        else:
            minutes.texts.append(MinutesText(agenda_item_id=agenda_item_id, text=written))


def write_minutes(
    meeting: Meeting, author: User | None, texts: Mapping[int | None, str]
) -> Minutes:
    """Write the minutes' text per agenda item (the key None: other business) into the draft
    or circulated version, starting version 1 when there is none. Approved minutes are locked:
    amend them instead."""
    _check_open(meeting)
    lock_row(Meeting, meeting.id)
    minutes = _latest_minutes(meeting)
    if minutes is None:
        with unique(MeetingError("minutes_not_latest")):
            minutes = Minutes(meeting=meeting, version=1, state="draft", author=author)
            db.session.add(minutes)
    else:
        lock(minutes)
    if minutes.is_locked:
        raise MeetingError("minutes_approved")
    _set_texts(minutes, texts)
    db.session.flush()
    return minutes


def circulate_minutes(minutes: Minutes) -> Minutes:
    """Send draft minutes round the group for comments."""
    lock(minutes)
    if minutes.state != "draft":
        raise MeetingError("minutes_not_draft")
    minutes.state = "circulated"
    minutes.circulated_at = utcnow()
    db.session.flush()
    return minutes


def comment_on_minutes(minutes: Minutes, user: User, comment: str) -> MinutesComment:
    """A member's comment on circulated minutes."""
    if minutes.state != "circulated":
        raise MeetingError("minutes_not_circulated")
    written = MinutesComment(
        minutes=minutes,
        user_id=user.id,
        text=_long_text(comment, COMMENT_LIMIT, "comment", required=True),
    )
    db.session.add(written)
    db.session.flush()
    return written


def approve_minutes(minutes: Minutes, by: User, *, at_meeting: Meeting | None = None) -> Minutes:
    """Approve circulated minutes; they are locked. Without ``at_meeting`` the group's chair
    (or the secretariat) approves them; with it, whoever writes the minutes records that that
    later meeting of the group, which has begun, approved them."""
    if at_meeting is None:
        if not permissions.can(by, "meetings.approve", minutes.meeting):
            raise MeetingError("not_allowed_to_approve")
    else:
        if not permissions.can(by, "meetings.record_approval", minutes.meeting):
            raise MeetingError("not_allowed_to_record_approval")
        _check_approving_meeting(minutes.meeting, at_meeting)
    lock(minutes)
    if minutes.state != "circulated":
        raise MeetingError(
            "minutes_approved" if minutes.state == "approved" else "minutes_not_circulated"
        )
    minutes.state = "approved"
    minutes.approved_at = utcnow()
    minutes.approved_by = by
    minutes.approved_at_meeting = at_meeting
    db.session.flush()
    return minutes


def _meeting_day(meeting: Meeting) -> str:
    return i18n.day(meeting.local_start.date(), "long")


def _check_approving_meeting(meeting: Meeting, at_meeting: Meeting) -> None:
    """Refuse a meeting that cannot have approved the minutes of ``meeting``: another group's,
    not later, cancelled, or not begun yet. Its row stays locked, so that it is not cancelled
    or moved while the approval is recorded."""
    lock(at_meeting)
    day = _meeting_day(at_meeting)
    if at_meeting.group_id != meeting.group_id:
        raise MeetingError("approval_meeting_other_group", day=day)
    if at_meeting.starts_at <= meeting.starts_at:
        raise MeetingError("approval_meeting_not_later", day=day, minutes_day=_meeting_day(meeting))
    if at_meeting.is_cancelled:
        raise MeetingError("approval_meeting_cancelled", day=day)
    if at_meeting.starts_at > utcnow():
        raise MeetingError("approval_meeting_not_begun", day=day)


def amend_minutes(minutes: Minutes, author: User | None) -> Minutes:
    """Start a new draft version from approved minutes, with their text; the approved version
    stays as it was."""
    lock_row(Meeting, minutes.meeting_id)
    if minutes.state != "approved":
        raise MeetingError("minutes_not_approved")
    latest = _latest_minutes(minutes.meeting)
    if latest is not minutes:
        raise MeetingError("minutes_not_latest")
    texts = [(each.agenda_item_id, each.text) for each in minutes.texts]
    with unique(MeetingError("minutes_not_latest")):
        amended = Minutes(
            meeting_id=minutes.meeting_id,
            version=minutes.version + 1,
            state="draft",
            author_user_id=author.id if author is not None else None,
        )
        db.session.add(amended)
    for agenda_item_id, written in texts:
        db.session.add(MinutesText(minutes=amended, agenda_item_id=agenda_item_id, text=written))
    db.session.flush()
    db.session.expire(minutes.meeting, ["minutes_versions"])
    return amended


def set_minutes_public(minutes: Minutes, public: bool) -> Minutes:
    """Show approved minutes on the public pages, or take them off."""
    lock(minutes)
    if minutes.state != "approved":
        raise MeetingError("minutes_not_approved")
    minutes.is_public = public
    db.session.flush()
    return minutes


# --- decisions and action items -------------------------------------------------------------


def next_decision_number(group: Group, year: int) -> int:
    """Take the group's next decision number of the year, in the caller's transaction: the
    sequence row is locked, so numbers run without a gap and are never taken twice."""

    def find() -> DecisionSequence | None:
        found: DecisionSequence | None = db.session.scalar(
            select(DecisionSequence).where(
                DecisionSequence.group_id == group.id, DecisionSequence.year == year
            )
        )
        return found

    def create() -> DecisionSequence:
        sequence = DecisionSequence(group_id=group.id, year=year, last_number=0)
        db.session.add(sequence)
        return sequence

    sequence, _created = find_or_create(find, create)
    locked = load_locked(DecisionSequence, sequence.id)
    assert locked is not None  # noqa: S101 - a sequence row is never deleted
    locked.last_number += 1
    db.session.flush()
    return locked.last_number


def decision_code(group_code: str, year: int, number: int) -> str:
    """How a decision is named: OS2FORMS-SC-2027-04."""
    return f"{group_code}-{year}-{number:02d}"


def record_decision(
    meeting: Meeting,
    decision_text: str,
    *,
    agenda_item: AgendaItem | None = None,
    recorded_by: User | None = None,
) -> Decision:
    """Record a decision the group took at the meeting, with the group's next number of the
    meeting's year."""
    _check_open(meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise MeetingError("not_this_meeting")
    group = meeting.group
    if not group.code:
        raise MeetingError("group_code")
    written = _long_text(decision_text, DECISION_LIMIT, "decision_text", required=True)
    year = meeting.local_start.year
    number = next_decision_number(group, year)
    decision = Decision(
        group=group,
        meeting=meeting,
        agenda_item=agenda_item,
        year=year,
        number=number,
        code=decision_code(group.code, year, number),
        text=written,
        recorded_by_user_id=recorded_by.id if recorded_by is not None else None,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def record_group_decision(
    group: Group,
    decision_text: str,
    *,
    year: int,
    recorded_by: User | None = None,
) -> Decision:
    """Record a decision the group took without a meeting (the result of a prioritisation round
    its members voted in), with the group's next number of the year; minutes can cite it by its
    code."""
    if not group.code:
        raise MeetingError("group_code")
    written = _long_text(decision_text, DECISION_LIMIT, "decision_text", required=True)
    number = next_decision_number(group, year)
    decision = Decision(
        group=group,
        meeting=None,
        year=year,
        number=number,
        code=decision_code(group.code, year, number),
        text=written,
        recorded_by_user_id=recorded_by.id if recorded_by is not None else None,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def add_action_item(
    meeting: Meeting,
    *,
    what: str,
    owner: User,
    due_on: date | None = None,
    agenda_item: AgendaItem | None = None,
    created_by: User | None = None,
) -> ActionItem:
    """Record something a person is to do by a day, agreed at the meeting."""
    _check_open(meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise MeetingError("not_this_meeting")
    item = ActionItem(
        meeting=meeting,
        agenda_item=agenda_item,
        what=_long_text(what, ACTION_LIMIT, "action_what", required=True),
        owner=owner,
        due_on=due_on,
        status="open",
        created_by_user_id=created_by.id if created_by is not None else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def mark_action_done(item: ActionItem, by: User | None = None) -> ActionItem:
    """Mark an action item done."""
    lock(item)
    if item.status == "done":
        raise MeetingError("action_done")
    item.status = "done"
    item.done_at = utcnow()
    item.done_by_user_id = by.id if by is not None else None
    db.session.flush()
    return item


def reopen_action_item(item: ActionItem) -> ActionItem:
    """Open a done action item again."""
    lock(item)
    if item.status != "done":
        raise MeetingError("action_open")
    item.status = "open"
    item.done_at = None
    item.done_by_user_id = None
    db.session.flush()
    return item
