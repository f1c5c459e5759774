"""The bylaws' deadlines of a general assembly or a board meeting as its page shows them: the
days from the association's periods (the settings), and whether each is met from the
meeting's records.

What counts as done:

- the notice calling the meeting: the invitation was sent (``Meeting.invited_at``);
- the papers sent out: the invitation was sent and papers are attached; on the day of the
  later of the two, the last paper's upload (a paper added after the deadline is late);
- the minutes published: approved minutes are public; on the day the first version was
  approved (the records keep no day of publishing);
- proposals due: no record tells whether proposals came in, so the day is shown alone.

A cancelled meeting, and a meeting other than a general assembly or a board meeting, has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from consortium.meetings import governance
from consortium.meetings.models import Meeting
from consortium.settings.models import AssociationSettings


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline of a meeting with where it stands: ``status`` one of governance.STATUSES,
    or None when no record can tell; ``done_on`` the day it was met (or met late)."""

    deadline: governance.Deadline
    status: str | None
    done_on: date | None

    @property
    def label(self) -> str:
        return str(self.deadline.label)

    @property
    def status_label(self) -> str:
        return str(governance.STATUS_LABELS[self.status]) if self.status else ""


def periods(kind: str, settings: AssociationSettings) -> dict[str, int] | None:
    """The keyword arguments of governance.deadlines for a kind of meeting; None for a kind
    the bylaws set no deadlines for."""
    if kind == "general_assembly":
        return {
            "notice_months": settings.assembly_notice_months,
            "proposals_days": settings.assembly_proposals_days,
            "send_out_days": settings.assembly_send_out_days,
            "minutes_days": settings.assembly_minutes_days,
        }
    if kind == "board":
        return {
            "notice_days": settings.board_notice_days,
            "proposals_days": 0,
            "send_out_days": settings.board_send_out_days,
            "minutes_days": settings.board_minutes_days,
        }
    return None


def _local_day(moment: datetime | None, meeting: Meeting) -> date | None:
    return moment.astimezone(meeting.zone).date() if moment is not None else None


def done_on(meeting: Meeting, key: str) -> date | None:
    """The day the meeting's records say the deadline ``key`` was met; None when they do not."""
    invited_on = _local_day(meeting.invited_at, meeting)
    if key == governance.NOTICE:
        return invited_on
    if key == governance.SEND_OUT:
        if invited_on is None or not meeting.papers:
            return None
        last_paper = max(_local_day(paper.uploaded_at, meeting) for paper in meeting.papers)
        return max(invited_on, last_paper) if last_paper is not None else invited_on
    if key == governance.MINUTES:
        approved = [each for each in meeting.minutes_versions if each.state == "approved"]
        if not any(each.is_public for each in approved):
            return None
        return _local_day(approved[0].approved_at, meeting)
    return None


def meeting_deadlines(meeting: Meeting, today: date | None = None) -> list[DeadlineRow]:
    """The meeting's deadlines in the order of their days, each with its status; an empty
    list for a cancelled meeting or one the bylaws set no deadlines for."""
    from consortium.settings.services import get_settings

    found = periods(meeting.kind, get_settings())
    if found is None or meeting.is_cancelled:
        return []
    today = today or datetime.now(meeting.zone).date()
    try:
        days = governance.deadlines(meeting.local_start.date(), **found)
    except ValueError:
        return []
    rows = []
    for deadline in days:
        if deadline.key == governance.PROPOSALS:
            if meeting.kind == "board":
                continue  # the board takes no proposals
            rows.append(DeadlineRow(deadline, None, None))
            continue
        met = done_on(meeting, deadline.key)
        rows.append(DeadlineRow(deadline, governance.status(deadline, met, today), met))
    return rows
