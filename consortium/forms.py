"""The form base shared by every domain."""

from __future__ import annotations

from datetime import date

from flask import g
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, TextAreaField
from wtforms import Form as WTForm
from wtforms.validators import DataRequired, Email, Length, StopValidation

from consortium import identifiers
from consortium.text import has_control_character

CONTROL_CHARACTER_MESSAGE = _l("Contains a character that is not allowed (a control character).")

# Why a registration number, EAN/GLN or Peppol id was refused (consortium/identifiers.py).
IDENTIFIER_MESSAGES = {
    identifiers.FORMAT: _l("This number does not have the right format."),
    identifiers.CHECKSUM: _l("This number is not valid: its check digit does not match."),
}

# Dates people record (terms, agreements, decisions, memberships): wide enough for history and
# plans, narrow enough that a day or a year added to them stays a date.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# What an integer column holds.
LARGEST_INTEGER = 2**31 - 1


def no_control_characters(form, field) -> None:
    """Refuse control characters in what was sent for the field (tab and line breaks are
    allowed in text over several lines), before any other check looks the value up."""
    multiline = isinstance(field, TextAreaField)
    for value in getattr(field, "raw_data", None) or ():
        if isinstance(value, str) and has_control_character(value, multiline=multiline):
            if isinstance(field, HiddenField):
                # Nobody typed it and nobody would see a message on it: it is dropped.
                field.data = ""
                raise StopValidation()
            field.errors[:] = [CONTROL_CHARACTER_MESSAGE]
            raise StopValidation()


def date_in_range(form, field) -> None:
    if isinstance(field.data, date) and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise StopValidation(
            _l(
                "Enter a date between the years %(earliest)d and %(latest)d.",
                earliest=EARLIEST_YEAR,
                latest=LATEST_YEAR,
            )
        )


def whole_number_in_range(form, field) -> None:
    if isinstance(field.data, int) and not -LARGEST_INTEGER <= field.data <= LARGEST_INTEGER:
        raise StopValidation(
            _(
                "Enter a number from %(min)s to %(max)s.",
                min=format_decimal(-LARGEST_INTEGER),
                max=format_decimal(LARGEST_INTEGER),
            )
        )


class SharedRules:
    """Meta rules every form and sub-form applies to every field: no control characters,
    dates within EARLIEST_YEAR..LATEST_YEAR, whole numbers an integer column holds. They run
    first, so no other check (or database lookup) sees such a value."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        rules = [no_control_characters]
        if isinstance(field, DateField):
            rules.append(date_in_range)
        if isinstance(field, IntegerField) and not any(
            hasattr(rule, "bounds") for rule in field.validators
        ):
            rules.append(whole_number_in_range)
        field.validators = [*rules, *field.validators]
        return field


class SubForm(WTForm):
    """A part of a form (FormField, FieldList rows): the enclosing Form carries the CSRF token."""

    class Meta(SharedRules):
        pass


class Form(FlaskForm):
    """A form with the shared rules, whose CSRF failure is explained in the user's language.

    When the CSRF check fails, the view is shown again (see errors.py) with what the user
    typed; validation then fails here, so nothing is acted on.
    """

    class Meta(SharedRules):
        pass

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


def number_between(minimum: int, maximum: int):
    """A number within bounds, the message naming both as the reader writes numbers."""

    def check(form, field) -> None:
        if field.data is not None and not minimum <= field.data <= maximum:
            raise StopValidation(
                _(
                    "Enter a number from %(min)s to %(max)s.",
                    min=format_decimal(minimum),
                    max=format_decimal(maximum),
                )
            )

    check.bounds = (minimum, maximum)
    return check
