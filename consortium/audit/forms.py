"""The audit trail's filter form (a GET form: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from consortium.audit.labels import ACTIONS, record_type_label
from consortium.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    record_type = SelectField(_l("Record type"), validators=[Optional()])
    record_id = StringField(_l("Record id"), validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Who"), validators=[Optional()])
    date_from = DateField(pgettext_l("start of a date range", "From"), validators=[Optional()])
    date_to = DateField(pgettext_l("end of a date range", "To"), validators=[Optional()])

    def __init__(self, record_types: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_type.choices = [("", _l("All"))] + [
            (value, record_type_label(value)) for value in record_types
        ]
        self.action.choices = [("", _l("All"))] + list(ACTIONS.items())
