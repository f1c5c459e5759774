"""The meeting forms: planning and changing a meeting, its agenda items and papers, a member's
reply, attendance and guests."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError

from consortium.forms import Form, at_most, number_between, required
from consortium.meetings.labels import KIND_LABELS, PRESENCE_LABELS
from consortium.meetings.models import MEETING_KINDS, PRESENCES, Meeting
from consortium.meetings.services import (
    NAME_LIMIT,
    PLACE_LIMIT,
    TITLE_LIMIT,
    URL_LIMIT,
)

DESCRIPTION_LIMIT = 20_000
_WEB_ADDRESS = re.compile(r"^https?://[^\s\"<>]+$", re.IGNORECASE)


def timezone_choices() -> list[tuple[str, str]]:
    """The IANA time zones with a region, as the settings form offers them."""
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


class MeetingForm(Form):
    """When and where a meeting is held."""

    title = StringField(_l("Title"), validators=[required(), at_most(TITLE_LIMIT)])
    day = DateField(
        _l("Day"),
        validators=[InputRequired(message=_l("Enter the day, such as 2027-03-26."))],
    )
    starts = TimeField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Enter the time, such as 10:00."))],
    )
    ends = TimeField(
        _l("Ends at"),
        validators=[InputRequired(message=_l("Enter the time, such as 12:00."))],
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("The times are the clock in this zone."),
        validators=[required()],
    )
    place = StringField(
        _l("Place"),
        description=_l("Address and room; leave empty for a video meeting."),
        validators=[Optional(), at_most(PLACE_LIMIT)],
    )
    video_url = StringField(
        _l("Video link"),
        description=_l("A web address starting with https://, such as the meeting room's link."),
        validators=[Optional(), at_most(URL_LIMIT)],
    )

    def __init__(self, *args: Any, current_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = timezone_choices()
        # A meeting planned in a zone without a region (UTC) keeps it when it is changed.
        if current_zone and all(current_zone != value for value, _label in choices):
            choices.insert(0, (current_zone, current_zone))
        self.timezone.choices = choices

    def validate_title(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise StopValidation(_l("Please fill in this field."))

    def validate_ends(self, field: TimeField) -> None:
        if self.starts.data is not None and field.data is not None:
            if field.data <= self.starts.data:
                raise ValidationError(_l("The meeting must end after it starts."))

    def validate_place(self, field: StringField) -> None:
        field.data = (field.data or "").strip()

    def validate_video_url(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if field.data and not _WEB_ADDRESS.match(field.data):
            raise ValidationError(_l("Enter a web address starting with https://."))

    def meeting_values(self) -> dict[str, Any]:
        """What the services take."""
        return {
            "title": self.title.data,
            "day": self.day.data,
            "starts": self.starts.data,
            "ends": self.ends.data,
            "timezone": self.timezone.data,
            "place": self.place.data or "",
            "video_url": self.video_url.data or "",
        }


class PlanMeetingForm(MeetingForm):
    """A new meeting: of which group, and what kind of meeting it is."""

    group = SelectField(_l("Group"), validators=[required()])
    kind = SelectField(_l("Kind of meeting"), validators=[required()])

    def __init__(self, *args: Any, groups: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group.choices = [(str(group.id), group.name) for group in groups or []]
        self.kind.choices = [(kind, KIND_LABELS[kind]) for kind in MEETING_KINDS]


class AgendaItemForm(Form):
    """An item of the agenda."""

    title = StringField(_l("Title"), validators=[required(), at_most(TITLE_LIMIT)])
    presenter = StringField(
        _l("Presenter"),
        description=_l("Who introduces the item; may be empty."),
        validators=[Optional(), at_most(NAME_LIMIT)],
    )
    expected_minutes = IntegerField(
        _l("Expected duration in minutes"),
        validators=[Optional(), number_between(1, 24 * 60)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What the meeting is asked to discuss or decide; may be empty."),
        validators=[Optional(), at_most(DESCRIPTION_LIMIT)],
    )

    def validate_title(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise StopValidation(_l("Please fill in this field."))

    def item_values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "presenter": (self.presenter.data or "").strip(),
            "expected_minutes": self.expected_minutes.data,
        }


class PaperForm(Form):
    """A paper for the meeting, on one of its agenda items or on the meeting as a whole."""

    file = FileField(
        _l("Paper (PDF, DOCX, XLSX, PPTX, ODT, ODS or ODP, at most 20 MB)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )
    agenda_item = SelectField(_l("Agenda item"), validators=[Optional()])

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = meeting.agenda if meeting is not None else []
        self.agenda_item.choices = [("", str(_l("The meeting as a whole")))] + [
            (str(item.id), f"{item.position}. {item.title}") for item in items
        ]


class GuestForm(Form):
    """A guest at the meeting, someone outside the group."""

    guest_name = StringField(
        _l("Guest's name"),
        description=_l("With the organisation or company, such as Lars Hansen (Magenta ApS)."),
        validators=[required(), at_most(NAME_LIMIT)],
    )
    presence = SelectField(pgettext_l("attendance", "Attendance"), validators=[required()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.presence.choices = [(key, PRESENCE_LABELS[key]) for key in PRESENCES]

    def validate_guest_name(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise StopValidation(_l("Please fill in this field."))


class ActionForm(Form):
    """A button that changes the meeting (send, cancel, move, remove, reply): only the CSRF
    token; what the button means is in the address or in the button's value."""


def attendance_form(meeting: Meeting, formdata: Any = None) -> Form:
    """One choice per person on the meeting's list (members and guests): present, absent,
    excused, or not recorded yet."""

    class AttendanceForm(Form):
        pass

    choices = [("", str(_l("Not recorded")))] + [
        (key, str(PRESENCE_LABELS[key])) for key in PRESENCES
    ]
    for attendance in meeting.attendances:
        setattr(
            AttendanceForm,
            f"presence_{attendance.id}",
            SelectField(attendance.name, validators=[Optional()]),
        )
    form = AttendanceForm(formdata=formdata)
    for attendance in meeting.attendances:
        select = form[f"presence_{attendance.id}"]
        select.choices = choices
        if formdata is None:
            select.data = attendance.presence or ""
    return form
