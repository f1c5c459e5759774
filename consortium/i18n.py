"""Languages: choosing the locale and formatting numbers, dates and money for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user

from consortium.web import is_sessionless

# Each language named in itself, as a language switcher shows it.
LANGUAGE_NAMES = {"en": "English", "da": "Dansk", "de": "Deutsch", "cs": "Čeština"}

LANGUAGE_LABELS = {"en": _l("English"), "da": _l("Danish"), "de": _l("German"), "cs": _l("Czech")}


def language_choices(with_default: bool = True) -> list[tuple[str, str]]:
    choices = [(code, LANGUAGE_LABELS[code]) for code in current_app.config["LANGUAGES"]]
    if with_default:
        choices.insert(0, ("", _l("The association's default")))
    return choices


def select_locale() -> str:
    """The user's setting, then the switcher's choice, then the browser, then the association's."""
    languages = current_app.config["LANGUAGES"]
    if is_sessionless():
        # The JSON API: the caller's Accept-Language alone, never a session's choice.
        return browser_language(languages) or association_default_language()
    if has_request_context():
        if current_user and current_user.is_authenticated and current_user.language in languages:
            return current_user.language
        chosen = session.get("language")
        if chosen in languages:
            return chosen
        best = browser_language(languages)
        if best:
            return best
    return association_default_language()


def browser_language(languages: list[str]) -> str | None:
    """The browser's most preferred language we speak; "cs-CZ" counts as Czech."""
    for value, _quality in request.accept_languages:  # already sorted by quality
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in languages:
            return primary
    return None


def association_default_language() -> str:
    settings = _association_settings()
    language = settings.default_language if settings is not None else None
    return (
        language
        if language in current_app.config["LANGUAGES"]
        else current_app.config["DEFAULT_LANGUAGE"]
    )


def select_timezone() -> str:
    settings = _association_settings()
    return settings.timezone if settings is not None else "UTC"


# How the association's settings (default language, time zone) are read: registered at start-up
# by the settings domain (consortium/settings), so that this module imports no domain.
_settings_reader: Callable[[], Any] | None = None


def read_association_settings_with(reader: Callable[[], Any]) -> None:
    """Register the function that returns the association's settings, or None while there are
    none to read (before the first migration)."""
    global _settings_reader
    _settings_reader = reader


def _association_settings():
    return None if _settings_reader is None else _settings_reader()


# CLDR's currency spacing: a currency code (or a symbol ending in a letter) and the digits next
# to it are kept apart by a no-break space, "DKK 25,000.00". Babel leaves the space out.
_CURRENCY_NEXT_TO_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def money(amount: Decimal | int | str, currency: str) -> str:
    """An amount in its currency as the reader's language writes it: "25.000,00 kr." in Danish,
    "25.000,00 DKK" in German, "DKK 25,000.00" in English (no-break spaces)."""
    return _CURRENCY_NEXT_TO_DIGIT.sub("\u00a0", format_currency(Decimal(amount), currency))


def number(value) -> str:
    """A number as the reader writes it; a number of more digits than the decimal context's
    precision is formatted at its full length rather than failing."""
    digits = len(Decimal(value).as_tuple().digits) if value is not None else 0
    with localcontext() as context:
        context.prec = max(context.prec, digits + 4)
        return format_decimal(value)


def _iso_countries() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


# The countries one may choose: ISO 3166-1 alpha-2 codes, never the other territories CLDR
# names ("EU" European Union, "EZ" Eurozone, "ZZ" Unknown Region, "XA" Pseudo-Accents…).
COUNTRY_CODES = _iso_countries()


def is_country(code: str | None) -> bool:
    """Whether the code names a country (ISO 3166-1 alpha-2, as stored: upper case)."""
    return bool(code) and code in COUNTRY_CODES


def country_choices() -> list[tuple[str, str]]:
    """Every country by its name in the reader's language, in that language's order."""
    territories = Locale.parse(current_language()).territories
    return sorted(
        ((code, territories.get(code, code)) for code in COUNTRY_CODES),
        key=lambda item: item[1],
    )


def country_name(code: str | None) -> str:
    """A country's name in the reader's language, from its ISO 3166 code."""
    if not code:
        return ""
    return Locale.parse(current_language()).territories.get(code.upper(), code)


def when(value: datetime | None, fmt: str = "medium") -> str:
    return "" if value is None else format_datetime(value, fmt)


def day(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt)


def current_language() -> str:
    return str(get_locale() or "en")


def plain_lazy_text(value):
    """Show a lazily translated message as text, escaped like any other.

    Flask-Babel's lazy strings present themselves to Jinja as markup, so a name put into one
    (``%(name)s already has this registration number.``) would reach the page unescaped.
    None of our messages holds markup: all of them are text.
    """
    if isinstance(value, LazyString):
        return str(value)
    return value


def init_app(app) -> None:
    """The formatting filters every template uses; the audit trail adds its own (audit.register)."""
    app.jinja_env.filters.update(
        money=money,
        number=number,
        country_name=country_name,
        when=when,
        day=day,
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.finalize = plain_lazy_text
    app.jinja_env.globals.update(
        current_language=current_language,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
