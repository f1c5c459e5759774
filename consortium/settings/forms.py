"""The settings form."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consortium.forms import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Form,
    at_most,
    email_address,
    number_between,
    required,
)
from consortium.i18n import language_choices
from consortium.members import identifiers
from consortium.members.labels import IDENTIFIER_MESSAGES
from consortium.members.tiers import MAX_POPULATION

CURRENCIES = ("DKK", "EUR", "CZK")


class SettingsForm(Form):
    name = StringField(_l("Name of the association"), validators=[required(), at_most(200)])
    email = EmailField(
        _l("The secretariat's email address"),
        validators=[Optional(), email_address(), at_most(254)],
    )
    address = TextAreaField(_l("Address"), validators=[Optional(), at_most(500)])
    registration_number = StringField(
        _l("Registration number"),
        description=_l("CVR in Denmark, IČO in the Czech Republic; printed on invoices."),
        validators=[Optional(), at_most(40)],
    )
    vat_number = StringField(
        _l("VAT number"),
        description=_l("With its country prefix, such as DK12345678."),
        validators=[Optional(), at_most(40)],
    )
    default_language = SelectField(_l("Default language"), validators=[required()])
    currency = SelectField(_l("Currency"), validators=[required()])
    country = StringField(
        _l("Country"),
        description=_l("Two letters, ISO 3166, such as DK, DE or CZ."),
        validators=[required(), at_most(2)],
    )
    timezone = SelectField(_l("Time zone"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = Locale.parse(str(get_locale() or "en"))
        self.default_language.choices = language_choices(with_default=False)
        self.currency.choices = [
            (code, f"{code} – {locale.currencies.get(code, code)}") for code in CURRENCIES
        ]
        self.timezone.choices = [
            (zone, zone) for zone in sorted(available_timezones()) if "/" in zone
        ]

    def validate_country(self, field):
        code = (field.data or "").strip().upper()
        if code not in Locale.parse("en").territories or not code.isalpha():
            raise ValidationError(_l("Enter a country as two letters, such as DK."))
        field.data = code

    def validate_registration_number(self, field):
        if not field.data:
            return
        try:
            field.data = identifiers.registration_number(self.country.data or "", field.data)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationError(IDENTIFIER_MESSAGES[exc.reason]) from exc


class TierBandsForm(Form):
    """The tier bands in force from a year on: each tier's inclusive lower bound."""

    effective_from_year = IntegerField(
        _l("In force from the year"),
        validators=[required(), number_between(EARLIEST_YEAR, LATEST_YEAR)],
    )
    medium_from = IntegerField(
        _l("Medium from (residents)"), validators=[required(), number_between(1, MAX_POPULATION)]
    )
    large_from = IntegerField(
        _l("Large from (residents)"), validators=[required(), number_between(1, MAX_POPULATION)]
    )
    very_large_from = IntegerField(
        _l("Very large from (residents)"),
        validators=[required(), number_between(1, MAX_POPULATION)],
    )

    def validate_large_from(self, field):
        if self.medium_from.data and field.data is not None and field.data <= self.medium_from.data:
            raise ValidationError(_l("Must be more than the lower bound of the tier before."))

    def validate_very_large_from(self, field):
        if self.large_from.data and field.data is not None and field.data <= self.large_from.data:
            raise ValidationError(_l("Must be more than the lower bound of the tier before."))
