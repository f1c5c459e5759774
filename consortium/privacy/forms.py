"""The confirmation asked before a person is anonymised."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from consortium.forms import Form


class AnonymiseForm(Form):
    confirm = BooleanField(
        _l("I understand that the name and contact data cannot be restored."),
        validators=[DataRequired(message=_l("Please confirm to anonymise this person."))],
    )
