"""The fee year a page is asked for: one rule for every fee page, CSV file and PDF.

A year outside FIRST_YEAR..LAST_YEAR, or a year argument that is not a number, is refused with
a 400 page naming the year and the allowed range, never silently replaced by another year.
"""

from __future__ import annotations

import re

from flask import abort, make_response, request
from flask_babel import gettext as _

from consortium.errors import render_error

FIRST_YEAR, LAST_YEAR = 2000, 2200

# Plain ASCII digits only: int() would also read " 2027", "2_027" and other scripts' digits.
_YEAR = re.compile(r"[0-9]{1,6}")


def refuse_year(value: object) -> None:
    """Stop the request with a 400 page saying that the year is not one the fees know."""
    message = _(
        "The year “%(year)s” cannot be shown: give a year from %(first)d to %(last)d.",
        year=str(value)[:20],
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )
    abort(make_response(render_error(400, message)))


def checked_year(value: int | str) -> int:
    """The year as a number, when it is a whole number from FIRST_YEAR to LAST_YEAR; else 400."""
    text = value.strip() if isinstance(value, str) else str(value)
    if not _YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        refuse_year(value)
    return int(text)


def year_arg(default: int, name: str = "year") -> int:
    """The year of the query string (?year=2027); the default when it is missing or empty."""
    value = request.args.get(name, "")
    if not value.strip():
        return default
    return checked_year(value)


def check_year_in_path(endpoint: str | None, values: dict | None) -> None:
    """For the blueprint's url_value_preprocessor: a year in the path is checked the same way."""
    if values and "year" in values:
        checked_year(values["year"])
