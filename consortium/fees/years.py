"""The fee year a page is asked for: one rule for every fee page, CSV file, PDF and form.

A year outside FIRST_YEAR..LAST_YEAR, or a year that is not a whole number, is refused with a
message naming it and the allowed range: a 400 page for an address or query string, a field
error in a form. It is never silently replaced by another year.
"""

from __future__ import annotations

import re

from flask import abort, make_response, request
from flask_babel import gettext as _
from wtforms import IntegerField
from wtforms.validators import StopValidation

from consortium.errors import render_error

FIRST_YEAR, LAST_YEAR = 2000, 2200

# Plain ASCII digits only: int() would also read "2_027" and other scripts' digits.
_YEAR = re.compile(r"[0-9]{1,6}")


def parse_year(value: int | str) -> int | None:
    """The year as a number when it is a whole number from FIRST_YEAR to LAST_YEAR, else None."""
    text = value.strip() if isinstance(value, str) else str(value)
    if not _YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return None
    return int(text)


def year_problem(value: object) -> str:
    """What is wrong with a year that parse_year() refused, in the reader's language."""
    return _(
        "“%(year)s” is not a fee year: give a year from %(first)d to %(last)d.",
        year=str(value).strip()[:20],
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )


def checked_year(value: int | str) -> int:
    """The year as a number; a 400 page naming it and the allowed range when it is not one."""
    year = parse_year(value)
    if year is None:
        abort(make_response(render_error(400, year_problem(value))))
    return year


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


class YearField(IntegerField):
    """A fee year in a form: what parse_year() refuses is a field error naming it."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_year(valuelist[0])
        if self.data is None:
            raise ValueError(year_problem(valuelist[0]))

    def pre_validate(self, form) -> None:
        # The reason given above, not "please fill in this field" for a year that was given.
        if self.process_errors:
            raise StopValidation
