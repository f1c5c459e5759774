"""A meeting's documents made from its records: the invitation for the iCalendar file and the
plain views the agenda and minutes PDFs are laid out from (consortium/meetings/pdf.py)."""

from __future__ import annotations

from consortium.groups import queries as group_queries
from consortium.meetings.calendar import Invitation
from consortium.meetings.models import AgendaItem, Meeting, Minutes
from consortium.meetings.pdf import (
    ActionItemView,
    AgendaItemView,
    AgendaView,
    AttendanceRow,
    DecisionView,
    MinutesItemView,
    MinutesView,
)


def invitation(meeting: Meeting, organizer_name: str, organizer_email: str) -> Invitation:
    """The meeting's invitation with its stored UID and sequence: the members invited (with an
    address) as attendees, the agenda's titles as the description."""
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.agenda)
    attendees = tuple(
        (attendance.user.display_name, attendance.user.email)
        for attendance in meeting.attendances
        if attendance.user is not None and attendance.user.email
    )
    return Invitation(
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=f"{meeting.group.name}: {meeting.title}",
        description=agenda,
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        location=meeting.place,
        url=meeting.video_url,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        attendees=attendees,
    )


def agenda_view(meeting: Meeting) -> AgendaView:
    """The meeting as its agenda shows it."""
    return AgendaView(
        group_name=meeting.group.name,
        title=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        place=meeting.place,
        video_link=meeting.video_url,
        items=tuple(
            AgendaItemView(
                position=item.position,
                title=item.title,
                presenter=item.presenter,
                duration_minutes=item.expected_minutes,
                papers=tuple(paper.filename for paper in item.papers),
            )
            for item in meeting.agenda
        ),
    )


def minutes_view(minutes: Minutes) -> MinutesView:
    """A version of the minutes as its PDF shows it: the members' attendance with their role in
    the group, the guests, each agenda item's text with its decisions and action items, and
    "other business" (text, decisions and action items on no agenda item) at the end."""
    meeting = minutes.meeting
    roles = {member.user_id: member.role for member in group_queries.current_members(meeting.group)}
    attendance = tuple(
        AttendanceRow(each.name, roles.get(each.user_id, "member"), each.presence)
        for each in meeting.attendances
        if each.user is not None and each.presence
    )
    guests = tuple(
        each.guest_name
        for each in meeting.attendances
        if each.is_guest and each.presence == "present"
    )

    def item_view(item: AgendaItem | None, position: int, title: str) -> MinutesItemView:
        wanted = item.id if item is not None else None
        return MinutesItemView(
            position=position,
            title=title,
            presenter=item.presenter if item is not None else "",
            minutes_markdown=minutes.text_for(item),
            decisions=tuple(
                DecisionView(decision.code, decision.text)
                for decision in meeting.decisions
                if decision.agenda_item_id == wanted
            ),
            action_items=tuple(
                ActionItemView(action.what, action.owner.display_name, action.due_on, action.status)
                for action in meeting.action_items
                if action.agenda_item_id == wanted
            ),
        )

    items = [item_view(item, item.position, item.title) for item in meeting.agenda]
    other = item_view(None, len(items) + 1, "")
    if other.minutes_markdown or other.decisions or other.action_items:
        from flask_babel import gettext as _

        items.append(item_view(None, len(items) + 1, _("Other business")))
    approved_on = (
        minutes.approved_at.astimezone(meeting.zone).date() if minutes.approved_at else None
    )
    return MinutesView(
        meeting=agenda_view(meeting),
        attendance=attendance,
        guests=guests,
        items=tuple(items),
        version=minutes.version,
        approved_by=minutes.approved_by.display_name if minutes.approved_by is not None else "",
        approved_on=approved_on,
    )
