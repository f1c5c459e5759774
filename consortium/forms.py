"""The form base shared by every domain."""

from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, Length


class Form(FlaskForm):
    """A form whose CSRF failure is explained in the user's language.

    When the CSRF check fails, the view is shown again (see errors.py) with what the user
    typed; validation then fails here, so nothing is acted on.
    """

    def validate_on_submit(self, extra_validators=None) -> bool:
        if g.get("csrf_failed"):
            # Show the field errors too, but never act.
            self.validate(extra_validators=extra_validators)
            self.form_errors.append(CSRF_MESSAGE)
            return False
        return super().validate_on_submit(extra_validators=extra_validators)


CSRF_MESSAGE = _l(
    "This form had expired or did not come from this site, so nothing was saved. "
    "Check what you typed and send it again."
)


def form_view(view):
    """Mark a view that shows its form again, with the typed values, when CSRF fails."""
    view.reshow_on_csrf_error = True
    return view


# Validators with our own translated messages: WTForms ships no Danish catalogue.
def required() -> DataRequired:
    return DataRequired(message=_l("Please fill in this field."))


def email_address() -> Email:
    return Email(message=_l("Enter an email address such as name@example.org."))


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("Use at most %(max)d characters."))
