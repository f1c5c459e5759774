"""What a version of the minutes shows, for the page, the public page and the PDF: the text per
agenda item as sanitised HTML with its decisions and action items, and who attended."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup

from consortium import permissions
from consortium.agreements.text import render_markdown
from consortium.groups import queries as group_queries
from consortium.meetings import pdf
from consortium.meetings.display import agenda_view
from consortium.meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes


@dataclass
class Section:
    """An agenda item in the minutes (``item`` None: other business)."""

    item: AgendaItem | None
    title: str
    markdown: str
    html: Markup
    decisions: list[Decision] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.markdown or self.decisions or self.actions)


def sections(meeting: Meeting, minutes: Minutes | None) -> list[Section]:
    """The agenda items in order, then other business, each with its text, decisions and action
    items; other business only when something was written or decided outside the agenda."""
    result = []
    for item in [*meeting.agenda, None]:
        written = minutes.text_for(item) if minutes is not None else ""
        item_id = item.id if item is not None else None
        section = Section(
            item=item,
            title=f"{item.position}. {item.title}" if item is not None else _("Other business"),
            markdown=written,
            html=render_markdown(written) if written else Markup(""),
            decisions=[each for each in meeting.decisions if each.agenda_item_id == item_id],
            actions=[each for each in meeting.action_items if each.agenda_item_id == item_id],
        )
        if item is not None or not section.is_empty:
            result.append(section)
    return result


def _roles(meeting: Meeting) -> dict[int, str]:
    roles: dict[int, str] = {}
    for member in group_queries.current_members(meeting.group):
        roles.setdefault(member.user_id, member.role)
    return roles


def attendance(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """Who was present, excused or absent (members by name), the guests, and the members whose
    presence nobody recorded, each with its heading; headings with nobody are left out."""
    kinds = (
        ("present", pgettext("attendance", "Present")),
        ("excused", pgettext("attendance", "Excused")),
        ("absent", pgettext("attendance", "Absent")),
    )
    members = [each for each in meeting.attendances if not each.is_guest]
    guests = [each for each in meeting.attendances if each.is_guest]
    rows: list[tuple[str, list[str]]] = []
    for key, label in kinds:
        names = sorted(
            (_person(each.user) for each in members if each.presence == key), key=str.casefold
        )
        if names:
            rows.append((label, names))
    present_guests = [each.guest_name for each in guests if each.presence in (None, "present")]
    if present_guests:
        rows.append((_("Guests"), present_guests))
    unknown = sorted(
        (_person(each.user) for each in members if each.presence is None), key=str.casefold
    )
    if unknown:
        rows.append((_("Not recorded"), unknown))
    return rows


def _person(user) -> str:
    return user.display_name if user is not None else "–"


def readable_versions(user, meeting: Meeting) -> list[Minutes]:
    """The versions of the minutes the user may read, oldest first: every one for those who
    write them, all but a draft for the group's members, the published ones for anyone else."""
    versions = list(meeting.minutes_versions)
    if permissions.can(user, "meetings.write_minutes", meeting):
        return versions
    if permissions.can(user, "meetings.view", meeting):
        return [each for each in versions if each.state != "draft"]
    return [each for each in versions if each.is_published]


def pdf_view(minutes: Minutes) -> pdf.MinutesView:
    """The version as the minutes PDF prints it."""
    meeting = minutes.meeting
    agenda = agenda_view(meeting)
    roles = _roles(meeting)
    rows = tuple(
        pdf.AttendanceRow(_person(each.user), roles.get(each.user_id or 0, ""), each.presence)
        for each in meeting.attendances
        if not each.is_guest and each.presence is not None
    )
    guests = tuple(
        each.guest_name
        for each in meeting.attendances
        if each.is_guest and each.presence in (None, "present")
    )
    items = []
    for number, section in enumerate(sections(meeting, minutes), start=1):
        item = section.item
        items.append(
            pdf.MinutesItemView(
                position=item.position if item is not None else number,
                title=item.title if item is not None else section.title,
                presenter=item.presenter if item is not None else "",
                minutes_markdown=section.markdown,
                decisions=tuple(
                    pdf.DecisionView(each.code, each.text) for each in section.decisions
                ),
                action_items=tuple(
                    pdf.ActionItemView(each.what, _person(each.owner), each.due_on, each.status)
                    for each in section.actions
                ),
            )
        )
    approved_on = None
    if minutes.approved_at is not None:
        approved_on = minutes.approved_at.astimezone(meeting.zone).date()
    return pdf.MinutesView(
        meeting=agenda,
        attendance=rows,
        guests=guests,
        items=tuple(items),
        version=minutes.version,
        approved_by=_person(minutes.approved_by) if minutes.approved_by is not None else "",
        approved_on=approved_on,
        approved_at_meeting_on=(
            minutes.approved_at_meeting.local_start.date()
            if minutes.approved_at_meeting is not None
            else None
        ),
    )
