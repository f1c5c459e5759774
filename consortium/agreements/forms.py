"""The agreement forms: publishing a template version, accepting, a signed scan, sending."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consortium.agreements.labels import LANGUAGE_LABELS
from consortium.agreements.models import LANGUAGES
from consortium.forms import Form, at_most, required


class PublishForm(Form):
    """A new version of a template: its kind and language, title, text and what changed."""

    kind = StringField(
        _l("Kind"),
        description=_l("membership, participation, supplier, or a lowercase word for another kind"),
        validators=[required(), at_most(40)],
    )
    language = SelectField(_l("Language"), validators=[required()])
    title = StringField(_l("Title"), validators=[required(), at_most(200)])
    body = TextAreaField(
        _l("Text (Markdown with placeholders)"), validators=[required(), at_most(200_000)]
    )
    change_note = TextAreaField(_l("What changed"), validators=[Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, LANGUAGE_LABELS[code]) for code in LANGUAGES]


class PreviewForm(Form):
    """Which organisation and language a version is shown filled in for (a GET form)."""

    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), validators=[Optional()], coerce=str)
    language = SelectField(_l("Language"), validators=[Optional()])


class AcceptForm(Form):
    """A signing contact accepts a document."""

    role = StringField(
        _l("Your role or title"),
        description=_l("As it should stand on the record, e.g. Head of IT"),
        validators=[Optional(), at_most(200)],
    )


class ScanForm(Form):
    """The secretariat records a signed paper copy."""

    file = FileField(
        _l("Signed scan (PDF, at most 10 MB)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )
    signer_name = StringField(_l("Signed by"), validators=[required(), at_most(200)])
    signer_role = StringField(_l("Role or title"), validators=[Optional(), at_most(200)])
    signed_on = DateField(_l("Signed on"), validators=[required()])


class SendForm(Form):
    """Send a document, or a reminder, to its party."""


class MakeForm(Form):
    """Make a document for a participation, a member or a supplier."""

    kind = HiddenField(validators=[required(), at_most(40)])
    participation_id = HiddenField()
    organisation_id = HiddenField()
    supplier_id = HiddenField()
