"""The form that makes a personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from consortium.api.tokens import AREAS, READ, WRITE
from consortium.forms import Form, at_most, required

LEVEL_CHOICES = [("", _l("No access")), (READ, _l("Read")), (WRITE, _l("Read and write"))]
DAYS_CHOICES = [
    ("7", _l("7 days")),
    ("30", _l("30 days")),
    ("90", _l("90 days")),
    ("180", _l("180 days")),
    ("366", _l("One year")),
]


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[required(), at_most(100)],
        description=_l("What the token is for, e.g. “Finance system”."),
    )
    days = SelectField(_l("Valid for"), default="90")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set here, not in the field: WTForms takes choices as pairs only after construction.
        self.days.choices = DAYS_CHOICES
        for field in self.area_fields():
            field.choices = LEVEL_CHOICES

    def area_fields(self):
        return [getattr(self, f"scope_{area}") for area in AREAS]

    def scopes(self) -> list[str]:
        return [
            f"{area}:{getattr(self, f'scope_{area}').data}"
            for area in AREAS
            if getattr(self, f"scope_{area}").data
        ]

    def validate_days(self, field) -> None:
        if field.data not in dict(DAYS_CHOICES):
            raise ValidationError(_l("Choose one of the periods."))


for _area, _label in AREAS.items():
    setattr(TokenForm, f"scope_{_area}", SelectField(_label, default=""))
