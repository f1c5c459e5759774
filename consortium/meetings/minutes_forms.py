"""Forms of the minutes: the text per agenda item, decisions, action items and comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consortium.forms import Form, at_most, required
from consortium.groups import queries as group_queries
from consortium.i18n import day
from consortium.meetings.models import Meeting
from consortium.meetings.services import (
    ACTION_LIMIT,
    COMMENT_LIMIT,
    DECISION_LIMIT,
    MINUTES_TEXT_LIMIT,
)

GENERAL = "general"


def item_field(agenda_item_id: int) -> str:
    """The name of the textarea that holds the minutes on an agenda item."""
    return f"item_{agenda_item_id}"


class ButtonForm(Form):
    """A button that changes the minutes' state: only the CSRF token is sent."""


def minutes_form(meeting: Meeting, **kwargs) -> Form:
    """One textarea per agenda item of the meeting, and one for what was said outside it."""

    class MinutesForm(Form):
        pass

    for item in meeting.agenda:
        setattr(
            MinutesForm,
            item_field(item.id),
            TextAreaField(
                f"{item.position}. {item.title}",
                validators=[Optional(), at_most(MINUTES_TEXT_LIMIT)],
            ),
        )
    setattr(
        MinutesForm,
        GENERAL,
        TextAreaField(
            _l("Other business"),
            description=_l("Anything said outside the agenda items."),
            validators=[Optional(), at_most(MINUTES_TEXT_LIMIT)],
        ),
    )
    return MinutesForm(**kwargs)


def _agenda_choices(meeting: Meeting) -> list[tuple[str, str]]:
    return [("", _l("No particular agenda item"))] + [
        (str(item.id), f"{item.position}. {item.title}") for item in meeting.agenda
    ]


class DecisionForm(Form):
    text = TextAreaField(_l("Decision"), validators=[required(), at_most(DECISION_LIMIT)])
    agenda_item = SelectField(_l("On the agenda item"), validators=[Optional()])

    def __init__(self, meeting: Meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda_item.choices = _agenda_choices(meeting)


class ActionItemForm(Form):
    what = TextAreaField(_l("What is to be done"), validators=[required(), at_most(ACTION_LIMIT)])
    owner = SelectField(_l("Who does it"), validators=[required()])
    due_on = DateField(_l("Due"), validators=[Optional()])
    agenda_item = SelectField(_l("On the agenda item"), validators=[Optional()])

    def __init__(self, meeting: Meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = group_queries.current_members(meeting.group)
        seen: dict[str, str] = {}
        for member in members:
            seen.setdefault(str(member.user_id), member.user.display_name)
        self.owner.choices = [("", _l("Choose a member"))] + sorted(
            seen.items(), key=lambda pair: pair[1].casefold()
        )
        self.agenda_item.choices = _agenda_choices(meeting)


class ApprovalAtMeetingForm(Form):
    """Which later meeting of the group approved the circulated minutes."""

    at_meeting = SelectField(
        _l("Approved at the meeting of"), validators=[required()], validate_choice=False
    )

    def __init__(self, meetings: list[Meeting], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(each.id): each for each in meetings}
        self.at_meeting.choices = [
            (key, f"{day(each.local_start.date(), 'long')} – {each.title}")
            for key, each in self.meetings.items()
        ]

    def validate_at_meeting(self, field) -> None:
        if field.data not in self.meetings:
            raise ValidationError(_l("Choose one of the group's later meetings that have begun."))

    @property
    def chosen(self) -> Meeting:
        """The meeting chosen, once the form is valid."""
        return self.meetings[self.at_meeting.data]


class CommentForm(Form):
    text = TextAreaField(_l("Your comment"), validators=[required(), at_most(COMMENT_LIMIT)])
