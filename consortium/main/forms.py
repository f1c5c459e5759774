"""The language switcher."""

from __future__ import annotations

from flask import current_app
from wtforms import HiddenField, SelectField

from consortium.forms import Form
from consortium.i18n import LANGUAGE_NAMES


class LanguageForm(Form):
    language = SelectField()
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [
            (code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]
        ]
