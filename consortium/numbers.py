"""Reading a decimal number as people type it in forms and spreadsheets, in every language.

One rule for every form and every import:

* Spaces (also the no-break spaces Czech and French write) may group the digits anywhere and
  are ignored; the number may start with a minus sign. Only the digits 0-9 count.
* When the text has both a comma and a dot, the last of them is the decimal mark and the
  other groups thousands: ``1.000,00`` and ``1,000.00`` are both one thousand in every
  language.
* When it has only one kind of mark, written more than once, the mark groups thousands:
  ``1.000.000`` is a million.
* When it has one mark, once: the language's own decimal mark is the decimal mark
  (``12,5`` in Danish, ``12.5`` in English). The language's other mark groups thousands when
  it is followed by exactly three digits after at most three (``12.500`` in Danish, German or
  Czech and ``12,500`` in English are twelve thousand five hundred); otherwise it can only be
  a decimal mark (``12,5`` and ``0,005`` in English are twelve and a half and five
  thousandths).
* A group of thousands is always three digits after one to three digits, the first not 0:
  ``1.00,5``, ``1,0000.5`` and ``0.000,5`` are no number.

The language's decimal mark is Babel's: a comma in Danish, German and Czech, a point in
English. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol

MARKS = (",", ".")
SPACES = re.compile(r"[ \u00a0\u202f]")
DIGITS = re.compile(r"[0-9]+")
# Digits grouped by thousands with the mark {0}: 1.000 or 12.500.000 (one group at least,
# and no leading zero: 0,005 is a fraction).
GROUPED = r"[1-9][0-9]{{0,2}}(?:{0}[0-9]{{3}})+"
# Digits in a decimal number can be so many that Decimal takes long to work with them.
MAX_DIGITS = 40


class NumberError(ValueError):
    """Text that is no number; ``reason`` says why ("empty", "invalid")."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def decimal_mark(locale: str | None) -> str:
    """The decimal mark of a language ("," or "."); a point for a language with neither."""
    try:
        mark = get_decimal_symbol(locale or "en")
    except (UnknownLocaleError, ValueError):
        return "."
    return mark if mark in MARKS else "."


def parse_decimal(text: str, locale: str | None = "en") -> Decimal:
    """The number in ``text`` as a reader of ``locale`` means it; NumberError when it is none."""
    return parse_with_mark(text, decimal_mark(locale))


def parse_with_mark(text: str, mark: str) -> Decimal:
    """The number in ``text`` when ``mark`` ("," or ".") is the usual decimal mark; see above."""
    if mark not in MARKS:
        raise ValueError(f"the decimal mark is a comma or a point, not {mark!r}")
    cleaned = SPACES.sub("", text or "")
    if not cleaned:
        raise NumberError("empty", text)
    sign, body = ("-", cleaned[1:]) if cleaned.startswith("-") else ("", cleaned)
    whole, fraction = _split(body, mark)
    if whole is None or len(whole) + len(fraction or "") > MAX_DIGITS:
        raise NumberError("invalid", text)
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction is not None else sign + whole)
    except InvalidOperation:  # pragma: no cover - the parts are ASCII digits
        raise NumberError("invalid", text) from None


def _split(body: str, mark: str) -> tuple[str | None, str | None]:
    """The digits before and after the decimal mark (None: no fraction); (None, None) for
    text that is no number."""
    present = [each for each in MARKS if each in body]
    if not present:
        return (body, None) if DIGITS.fullmatch(body) else (None, None)
    if len(present) == 2:
        decimal = max(MARKS, key=body.rfind)
        return _grouped_with_fraction(body, decimal)
    (only,) = present
    if body.count(only) > 1:
        return _grouped_whole(body, only), None
    if only == mark:
        return _grouped_with_fraction(body, only)
    grouped = _grouped_whole(body, only)
    if grouped is not None:
        return grouped, None
    return _grouped_with_fraction(body, only)


def _grouped_whole(body: str, group: str) -> str | None:
    """The digits of a whole number grouped by thousands with ``group``, or None."""
    if re.fullmatch(GROUPED.format(re.escape(group)), body):
        return body.replace(group, "")
    return None


def _grouped_with_fraction(body: str, decimal: str) -> tuple[str | None, str | None]:
    """Digits, once ``decimal``, digits; the digits before it may be grouped by the other mark."""
    whole, _, fraction = body.rpartition(decimal)
    if body.count(decimal) != 1 or not DIGITS.fullmatch(fraction):
        return None, None
    group = "," if decimal == "." else "."
    if DIGITS.fullmatch(whole):
        return whole, fraction
    grouped = _grouped_whole(whole, group)
    return (grouped, fraction) if grouped is not None else (None, None)
