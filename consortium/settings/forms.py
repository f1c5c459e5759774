"""The settings form."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from consortium.forms import Form, at_most, email_address, required
from consortium.i18n import language_choices


class SettingsForm(Form):
    name = StringField(_l("Name of the association"), validators=[required(), at_most(200)])
    email = EmailField(
        _l("The secretariat's email address"),
        validators=[Optional(), email_address(), at_most(254)],
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
        self.currency.choices = sorted(
            ((code, f"{code} – {locale.currencies.get(code, code)}") for code in list_currencies()),
        )
        self.timezone.choices = [
            (zone, zone) for zone in sorted(available_timezones()) if "/" in zone
        ]

    def validate_country(self, field):
        code = (field.data or "").strip().upper()
        if code not in Locale.parse("en").territories or not code.isalpha():
            raise ValidationError(_l("Enter a country as two letters, such as DK."))
        field.data = code
