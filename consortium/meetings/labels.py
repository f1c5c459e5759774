"""The meetings' fixed choices and refusals in words, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

KIND_LABELS = {
    "ordinary": pgettext_l("meeting kind", "Ordinary meeting"),
    "board": pgettext_l("meeting kind", "Board meeting"),
    "general_assembly": pgettext_l("meeting kind", "General assembly"),
}
STATUS_LABELS = {
    "planned": pgettext_l("meeting status", "Planned"),
    "cancelled": pgettext_l("meeting status", "Cancelled"),
}
REPLY_LABELS = {
    "invited": pgettext_l("meeting reply", "Not replied"),
    "attending": pgettext_l("meeting reply", "Attending"),
    "declined": pgettext_l("meeting reply", "Declined"),
}
PRESENCE_LABELS = {
    "present": pgettext_l("attendance", "Present"),
    "absent": pgettext_l("attendance", "Absent"),
    "excused": pgettext_l("attendance", "Excused"),
}
MINUTES_STATE_LABELS = {
    "draft": pgettext_l("minutes state", "Draft"),
    "circulated": pgettext_l("minutes state", "Circulated"),
    "approved": pgettext_l("minutes state", "Approved"),
}
ACTION_STATUS_LABELS = {
    "open": pgettext_l("action item", "Open"),
    "done": pgettext_l("action item", "Done"),
}

# Why a change was refused, by MeetingError's code; the parameters fill the placeholders.
ERROR_MESSAGES = {
    "kind": _l("Choose the kind of meeting."),
    "title": _l("Give the meeting a title of at most %(limit)s characters."),
    "text": _l("The text has a character that cannot be stored, or is too long."),
    "timezone": _l("“%(timezone)s” is no time zone we know."),
    "ends_before_start": _l("The meeting must end after it starts."),
    "time_does_not_exist": _l(
        "%(time)s does not exist on that day in %(timezone)s: the clocks are put forward."
    ),
    "cancelled": _l("The meeting is cancelled."),
    "already_cancelled": _l("The meeting is already cancelled."),
    "agenda_title": _l("Give the agenda item a title of at most %(limit)s characters."),
    "expected_minutes": _l("The expected duration is a number of minutes from 1 to 1440."),
    "agenda_order": _l("The new order must name every agenda item of the meeting once."),
    "agenda_item_in_use": _l(
        "The agenda item has minutes, decisions or action items; it cannot be removed."
    ),
    "not_this_meeting": _l("That agenda item belongs to another meeting."),
    "paper_empty": _l("“%(filename)s” is empty."),
    "paper_too_large": _l("“%(filename)s” is larger than %(limit)s MB."),
    "paper_extension": _l(
        "“%(filename)s” is not a PDF or office document (PDF, DOCX, XLSX, PPTX, ODT, ODS or ODP)."
    ),
    "paper_content": _l(
        "The content of “%(filename)s” is not a PDF or office document, whatever its name says."
    ),
    "paper_mismatch": _l(
        "“%(filename)s” is named as another kind of file than its content (%(found)s)."
    ),
    "not_a_member": _l("Only the group's current members reply to an invitation."),
    "reply": _l("Reply that you attend or that you do not."),
    "presence": _l("Record the person as present, absent or excused."),
    "guest_name": _l("Give the guest's name, at most %(limit)s characters."),
    "minutes_approved": _l(
        "These minutes are approved and locked; amend them to write a new version."
    ),
    "minutes_not_latest": _l("A newer version of these minutes exists."),
    "minutes_not_draft": _l("Only draft minutes can be circulated."),
    "minutes_not_circulated": _l("Only circulated minutes can be approved or commented on."),
    "minutes_not_approved": _l("Only approved minutes can be amended or published."),
    "not_allowed_to_approve": _l("Only the group's chair or the secretariat approves minutes."),
    "not_allowed_to_record_approval": _l(
        "Only the group's chair or secretary or the secretariat records that a meeting approved "
        "the minutes."
    ),
    "approval_meeting_other_group": _l(
        "The meeting of %(day)s is another group's; minutes are approved at a meeting of their "
        "own group."
    ),
    "approval_meeting_not_later": _l(
        "The meeting of %(day)s is not later than the meeting of the minutes (%(minutes_day)s)."
    ),
    "approval_meeting_cancelled": _l("The meeting of %(day)s was cancelled."),
    "approval_meeting_not_begun": _l(
        "The meeting of %(day)s has not begun yet; record the approval once it has."
    ),
    "comment": _l("Write a comment of at most %(limit)s characters."),
    "decision_text": _l("Write the decision, at most %(limit)s characters."),
    "group_code": _l("The group has no short code yet; the secretariat gives it one first."),
    "group_code_format": _l(
        "A group's short code is capital letters and digits, parts joined by hyphens, at most "
        "30 characters (OS2FORMS-SC)."
    ),
    "group_code_taken": _l("Another group has the code %(group_code)s."),
    "action_what": _l("Say what is to be done, at most %(limit)s characters."),
    "action_done": _l("The action item is already done."),
    "action_open": _l("The action item is still open."),
}
