"""The settings form."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consortium import identifiers
from consortium.forms import (
    IDENTIFIER_MESSAGES,
    Form,
    at_most,
    email_address,
    required,
)
from consortium.i18n import language_choices

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
