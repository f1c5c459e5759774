"""The form base shared by every domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import g
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms import Form as WTForm
from wtforms.validators import DataRequired, Email, Length, StopValidation

from consortium import identifiers, numbers
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


NOT_A_NUMBER = _l("Enter a number such as 25000 or 25000,50.")


class DecimalAmountField(StringField):
    """A decimal number typed as the reader writes numbers (the rule is in consortium/numbers.py:
    12,50 in Danish and 12.50 in English are the same); None when left empty.

    ``places`` refuses more decimals than that; ``invalid_message`` replaces the message for
    text that is no number. A subclass checks and rounds the number in :meth:`convert`,
    raising ValueError with the message to show.
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        places: int | None = None,
        invalid_message=None,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.invalid_message = invalid_message or NOT_A_NUMBER

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            value = numbers.parse_decimal(text, str(get_locale() or "en"))
        except numbers.NumberError:
            raise ValueError(self.invalid_message) from None
        if self.places is not None and -value.as_tuple().exponent > self.places:
            raise ValueError(_l("Use at most %(places)d decimals.", places=self.places))
        self.data = self.convert(value)

    def convert(self, value: Decimal) -> Decimal:
        """The number to keep; ValueError with the message to show when it cannot be kept."""
        return value

    def _value(self):
        """What was typed; else the number with the reader's decimal mark and no grouping,
        which reads back as the same number."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        mark = numbers.decimal_mark(str(get_locale() or "en"))
        return format(self.data, "f").replace(".", mark)


@dataclass(frozen=True)
class FieldError:
    """One field's mistake as the error summary lists it: a link to the field (its id), the
    field's label and the message."""

    field_id: str
    label: str
    message: str


def field_errors(form, row: int | None = None) -> list[FieldError]:
    """Every field's mistakes in the order the fields are drawn, rows of a list and parts of a
    form field by field, each linking to the input it belongs to (a row's inputs are named
    with the row's number, "Amount 2", as the tables of rows label them). A hidden field has no
    input to go to (its id is left empty); the CSRF token's mistake is the form's (see
    Form.validate_on_submit)."""
    found: list[FieldError] = []
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        if field.type == "FieldList":
            for number, entry in enumerate(field.entries, start=1):
                found.extend(field_errors([entry], number))
            found.extend(_own_errors(field, row, only_text=True))
        elif field.type == "FormField":
            found.extend(field_errors(field, row))
        else:
            found.extend(_own_errors(field, row))
    return found


def _own_errors(field, row: int | None, only_text: bool = False) -> list[FieldError]:
    label = str(field.label.text) + (f" {row}" if row is not None else "")
    field_id = "" if field.type == "HiddenField" or only_text else field.id
    # A list's errors hold its rows' errors (lists and dicts) beside its own messages.
    return [
        FieldError(field_id, label, str(message))
        for message in field.errors
        if not isinstance(message, list | dict | tuple)
    ]


def form_has_errors(context: dict) -> bool:
    """Whether a page shows a form with mistakes (a Flask-WTF form in the template's context
    whose validation failed), which its title then says."""
    return any(isinstance(value, FlaskForm) and bool(value.errors) for value in context.values())
