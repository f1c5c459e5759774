"""The message form: a subject and a text for each language the recipients get."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from consortium.forms import Form, at_most, required
from consortium.i18n import LANGUAGE_LABELS

SUBJECT_LENGTH = 200
BODY_LENGTH = 20_000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_token(value: str | None) -> bool:
    return bool(value) and _TOKEN.match(value or "") is not None


class MessageForm(Form):
    # Drawn when the form is first shown: the same form sent twice is sent once.
    token = HiddenField()

    def subject(self, language: str) -> StringField:
        return self[f"subject_{language}"]

    def body(self, language: str) -> TextAreaField:
        return self[f"body_{language}"]


def message_form(languages: list[str], **kwargs) -> MessageForm:
    """A form with a subject and a text for each of the languages, named with the language so
    that a mistake's message says which one."""

    class LanguagesForm(MessageForm):
        """The message form of these languages: their fields are added below."""

    for language in languages:
        name = LANGUAGE_LABELS.get(language, language)
        setattr(
            LanguagesForm,
            f"subject_{language}",
            StringField(
                _l("Subject (%(language)s)", language=name),
                validators=[required(), at_most(SUBJECT_LENGTH)],
            ),
        )
        setattr(
            LanguagesForm,
            f"body_{language}",
            TextAreaField(
                _l("Text (%(language)s)", language=name),
                validators=[required(), at_most(BODY_LENGTH)],
                render_kw={"rows": 10},
            ),
        )
    return LanguagesForm(**kwargs)
