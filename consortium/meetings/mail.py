"""The invitation to a meeting by mail, each member in their own language, with the meeting's
iCalendar file attached: the first invitation, an update when the meeting changed after it went
out (the same UID, the next SEQUENCE) and the cancellation (METHOD:CANCEL).

The messages go into the outbox in the request's transaction (consortium/mail), so they leave
only when the change they tell of is committed. The mail holds the meeting page's address and
nothing else that opens a door: a member signs in to reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consortium.auth.models import User
from consortium.auth.services import user_language
from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.mail.models import OutboxMessage
from consortium.mail.services import queue_message
from consortium.meetings.calendar import Invitation, invitation_ics
from consortium.meetings.display import meeting_when, short_when
from consortium.meetings.models import Attendance, Meeting
from consortium.once import find_or_create, lock
from consortium.settings.services import get_settings

CALENDAR_TYPE = "text/calendar"
CALENDAR_FILENAME = "invitation.ics"
INVITATION, UPDATE, CANCELLATION = "invitation", "update", "cancellation"

ERROR_MESSAGES = {
    "already_sent": _l("The invitation has already been sent."),
    "cancelled": _l("The meeting is cancelled; no invitation is sent."),
    "no_members": _l("The group has no current member to invite."),
}


class InvitationError(ValueError):
    """The invitation was not sent; ``code`` says why, ``message`` in the reader's words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(ERROR_MESSAGES[self.code])


def meeting_link(meeting: Meeting) -> str:
    """The meeting page's address, from the configured base URL (never the request's Host
    header), the same whether a page or a command sends the mail."""
    path = current_app.url_map.bind("localhost").build(
        "meetings.meeting", {"meeting_id": meeting.id}
    )
    return str(current_app.config["BASE_URL"]) + path


def send_invitation(meeting: Meeting) -> list[OutboxMessage]:
    """Mail the invitation to every current member of the meeting's group and note when it went
    out. Asked for twice at the same moment, it is sent once: the meeting's row is locked
    before its state is read, and the later request finds it sent."""
    lock(meeting)
    if meeting.is_cancelled:
        raise InvitationError("cancelled")
    if meeting.invited_at is not None:
        raise InvitationError("already_sent")
    people = _current_members(meeting, invite_newcomers=True)
    if not people:
        raise InvitationError("no_members")
    messages = [_send(meeting, person, INVITATION) for person in people]
    meeting.invited_at = utcnow()
    db.session.flush()
    return messages


def send_update(meeting: Meeting) -> list[OutboxMessage]:
    """After a change of an invited meeting, mail the members the meeting as it stands now,
    with the same UID and the meeting's new sequence number; nothing when the invitation has
    not gone out yet. Members who joined the group since are invited with it."""
    if meeting.invited_at is None or meeting.is_cancelled:
        return []
    return [
        _send(meeting, person, UPDATE)
        for person in _current_members(meeting, invite_newcomers=True)
    ]


def cancellation_recipients(meeting: Meeting) -> list[User]:
    """Who is mailed when the meeting is cancelled: the invited current members, nobody when
    the invitation had not gone out."""
    if meeting.invited_at is None:
        return []
    return _current_members(meeting, invite_newcomers=False)


def send_cancellation(meeting: Meeting) -> list[OutboxMessage]:
    """Mail the invited members that the meeting is cancelled (METHOD:CANCEL, the same UID, the
    next sequence number); nothing when the invitation had not gone out."""
    return [_send(meeting, person, CANCELLATION) for person in cancellation_recipients(meeting)]


def invitation_file(
    meeting: Meeting,
    attendee: User | None = None,
    *,
    stamp: datetime | None = None,
    everyone: bool = False,
) -> bytes:
    """The meeting's iCalendar file as mailed (its stored UID and sequence; CANCEL once it is
    cancelled), naming the attendee it is for, if any, or (``everyone``, for the association's
    own archive) every member on its list, in the current language."""
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    invitation = _invitation(meeting, attendee, everyone=everyone)
    return invitation_ics(invitation, method=method, stamp=stamp or utcnow())


# --- who and what ----------------------------------------------------------------------------


def _reachable(user: User | None) -> bool:
    return user is not None and user.active and not user.is_anonymised and bool(user.email)


def _current_members(meeting: Meeting, *, invite_newcomers: bool) -> list[User]:
    """The group's current members who can be mailed, each once; a member who joined after the
    meeting was planned is put on its list (``invite_newcomers``) or left out."""
    invited = {row.user_id for row in meeting.attendances if row.user_id is not None}
    people: dict[int, User] = {}
    for member in group_queries.current_members(meeting.group):
        if member.user_id in people or not _reachable(member.user):
            continue
        if member.user_id not in invited:
            if not invite_newcomers:
                continue
            _put_on_the_list(meeting, member.user_id)
        people[member.user_id] = member.user
    return sorted(people.values(), key=lambda person: (person.display_name.lower(), person.id))


def _put_on_the_list(meeting: Meeting, user_id: int) -> Attendance:
    def find() -> Attendance | None:
        found: Attendance | None = db.session.scalar(
            db.select(Attendance).where(
                Attendance.meeting_id == meeting.id, Attendance.user_id == user_id
            )
        )
        return found

    def create() -> Attendance:
        row = Attendance(meeting_id=meeting.id, user_id=user_id, reply="invited")
        db.session.add(row)
        return row

    row, _created = find_or_create(find, create)
    return row


def _organizer() -> tuple[str, str]:
    settings = get_settings()
    return settings.name, settings.email or str(current_app.config["MAIL_DEFAULT_SENDER"])


def _agenda_lines(meeting: Meeting) -> list[str]:
    lines = []
    for item in meeting.agenda:
        details = []
        if item.presenter:
            details.append(_("Presenter: %(name)s", name=item.presenter))
        if item.expected_minutes:
            details.append(_("%(minutes)s min.", minutes=item.expected_minutes))
        line = f"{item.position}. {item.title}"
        lines.append(f"{line} ({', '.join(details)})" if details else line)
    return lines or [_("The agenda has no items yet.")]


def _invitation(meeting: Meeting, attendee: User | None, *, everyone: bool = False) -> Invitation:
    link = meeting_link(meeting)
    description = "\n".join(
        [_("Agenda"), *_agenda_lines(meeting), "", _("The meeting's page: %(link)s", link=link)]
    )
    organizer_name, organizer_email = _organizer()
    attendees: tuple[tuple[str, str], ...] = ()
    if attendee is not None and _reachable(attendee):
        attendees = ((attendee.display_name, attendee.email),)
    elif everyone:
        attendees = tuple(
            (row.user.display_name, row.user.email)
            for row in meeting.attendances
            if row.user is not None and _reachable(row.user)
        )
    return Invitation(
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=f"{meeting.title} ({meeting.group.name})",
        description=description,
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        location=meeting.place or meeting.video_url,
        url=link,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        attendees=attendees,
    )


def _subject(meeting: Meeting, kind: str, when: str) -> str:
    """One line: what happened, the meeting, its group and its start."""
    values: dict[str, Any] = {"title": meeting.title, "group": meeting.group.name, "when": when}
    if kind == UPDATE:
        return str(_("Changed: %(title)s (%(group)s), %(when)s", **values))
    if kind == CANCELLATION:
        return str(_("Cancelled: %(title)s (%(group)s), %(when)s", **values))
    return str(_("Invitation: %(title)s (%(group)s), %(when)s", **values))


def _body(meeting: Meeting, person: User, kind: str, when: str) -> str:
    group = meeting.group.name
    lines = [_("Hello %(name)s,", name=person.display_name), ""]
    if kind == UPDATE:
        lines.append(
            _("The meeting of %(group)s has changed. This is how it stands now:", group=group)
        )
    elif kind == CANCELLATION:
        lines.append(_("The meeting of %(group)s is cancelled:", group=group))
    else:
        lines.append(_("You are invited to a meeting of %(group)s:", group=group))
    lines += ["", meeting.title, _("When: %(when)s", when=when)]
    if meeting.place:
        lines.append(_("Place: %(place)s", place=meeting.place))
    if meeting.video_url:
        lines.append(_("Video link: %(link)s", link=meeting.video_url))
    link = meeting_link(meeting)
    if kind == CANCELLATION:
        lines += [
            "",
            _("The attached calendar file takes the meeting out of your calendar."),
            "",
            _("The meeting's page: %(link)s", link=link),
        ]
    else:
        lines += ["", _("Agenda"), *_agenda_lines(meeting), ""]
        lines += [
            _(
                "Please say on the meeting's page whether you attend; the papers and the "
                "agenda as PDF are there too (sign in first):"
            ),
            link,
            "",
            _("The attached calendar file puts the meeting in your calendar."),
        ]
    return "\n".join(lines) + "\n"


def _send(meeting: Meeting, person: User, kind: str) -> OutboxMessage:
    with force_locale(user_language(person)):
        when = meeting_when(meeting)
        subject = _subject(meeting, kind, short_when(meeting))
        body = _body(meeting, person, kind, when)
        ics = invitation_file(meeting, person)
    return queue_message(person.email, subject, body, [(CALENDAR_FILENAME, CALENDAR_TYPE, ics)])
