"""Minor units, half-up rounding, the currency table, and part-year factors (leap years too)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from consortium.fees.engine import (
    CURRENCIES,
    DAYS,
    HALF_YEAR_AFTER_1_JULY,
    NO_PRO_RATA,
    WHOLE_MONTHS,
    Currency,
    PartYearRule,
    div_half_up,
    from_minor,
    get_currency,
    round_to_minor,
    to_minor,
)


@pytest.mark.parametrize("code", ["DKK", "EUR", "CZK"])
def test_the_currency_table_has_two_decimals_for_our_currencies(code):
    assert get_currency(code).minor_digits == 2
    assert CURRENCIES[code].scale == 100


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="unknown currency"):
        get_currency("XXX")


def test_a_currency_without_decimals_works_too():
    yen = Currency("JPY", 0)
    assert to_minor(Decimal(500), yen) == 500
    assert from_minor(500, yen) == Decimal(500)


@pytest.mark.parametrize(
    ("amount", "minor"),
    [(Decimal("25000"), 2_500_000), (Decimal("0.01"), 1), ("12.50", 1_250), (7, 700)],
)
def test_amounts_become_whole_minor_units(amount, minor):
    assert to_minor(amount, "DKK") == minor


def test_an_amount_finer_than_the_minor_unit_is_refused():
    with pytest.raises(ValueError, match="more decimals"):
        to_minor(Decimal("0.001"), "DKK")


def test_floats_are_refused():
    with pytest.raises(TypeError, match="never float"):
        to_minor(0.1, "DKK")


def test_minor_units_come_back_with_the_currencys_decimals():
    assert str(from_minor(2_500_000, "DKK")) == "25000.00"
    assert str(from_minor(1, "EUR")) == "0.01"


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(5, 2, 3), (7, 2, 4), (4, 3, 1), (5, 3, 2), (-5, 2, -3), (0, 7, 0), (10, 5, 2)],
)
def test_halves_round_away_from_zero(numerator, denominator, rounded):
    assert div_half_up(numerator, denominator) == rounded


def test_round_to_minor_is_half_up_not_bankers():
    assert round_to_minor(Decimal("2.525"), "DKK") == 253
    assert round_to_minor(Fraction(1, 3), "DKK") == 33


# -- part years ------------------------------------------------------------------------------

OS2 = PartYearRule(HALF_YEAR_AFTER_1_JULY)
OS2_REFUNDS = PartYearRule(HALF_YEAR_AFTER_1_JULY, refunds=True)
MONTHS = PartYearRule(WHOLE_MONTHS)
MONTHS_REFUNDS = PartYearRule(WHOLE_MONTHS, refunds=True)
BY_DAYS = PartYearRule(DAYS)
BY_DAYS_REFUNDS = PartYearRule(DAYS, refunds=True)
NONE = PartYearRule(NO_PRO_RATA)


@pytest.mark.parametrize(
    ("rule", "year", "starts_on", "ends_on", "factor"),
    [
        # OS2: joining after 1 July pays half; joining on 1 July pays the whole year.
        (OS2, 2027, date(2027, 7, 1), None, Fraction(1)),
        (OS2, 2027, date(2027, 7, 2), None, Fraction(1, 2)),
        (OS2, 2027, date(2027, 12, 31), None, Fraction(1, 2)),
        (OS2, 2027, date(2019, 5, 5), None, Fraction(1)),
        (OS2, 2027, date(2027, 1, 1), None, Fraction(1)),
        # Leaving during the year pays the whole year, unless refunds apply.
        (OS2, 2027, date(2020, 1, 1), date(2027, 2, 1), Fraction(1)),
        (OS2_REFUNDS, 2027, date(2020, 1, 1), date(2027, 6, 30), Fraction(1, 2)),
        (OS2_REFUNDS, 2027, date(2020, 1, 1), date(2027, 7, 1), Fraction(1)),
        # Not in force during the year at all.
        (OS2, 2027, date(2028, 1, 1), None, Fraction(0)),
        (OS2, 2027, date(2020, 1, 1), date(2026, 12, 31), Fraction(0)),
        # Whole months: a month counts when in force on its first day.
        (MONTHS, 2027, date(2027, 3, 1), None, Fraction(10, 12)),
        (MONTHS, 2027, date(2027, 3, 2), None, Fraction(9, 12)),
        (MONTHS, 2027, date(2027, 12, 2), None, Fraction(0)),
        (MONTHS, 2027, date(2020, 1, 1), date(2027, 3, 15), Fraction(1)),
        (MONTHS_REFUNDS, 2027, date(2020, 1, 1), date(2027, 3, 15), Fraction(3, 12)),
        (MONTHS_REFUNDS, 2027, date(2027, 2, 1), date(2027, 3, 15), Fraction(2, 12)),
        # Days, over 365 or 366.
        (BY_DAYS, 2027, date(2027, 3, 1), None, Fraction(306, 365)),
        (BY_DAYS, 2028, date(2028, 3, 1), None, Fraction(306, 366)),
        (BY_DAYS, 2028, date(2028, 2, 29), None, Fraction(307, 366)),
        (BY_DAYS, 2028, date(2028, 12, 31), None, Fraction(1, 366)),
        (BY_DAYS_REFUNDS, 2028, date(2020, 1, 1), date(2028, 12, 30), Fraction(365, 366)),
        (BY_DAYS_REFUNDS, 2027, date(2027, 1, 1), date(2027, 1, 1), Fraction(1, 365)),
        (BY_DAYS, 2027, date(2020, 1, 1), date(2027, 1, 1), Fraction(1)),
        # No pro rata: in force at all means the whole year.
        (NONE, 2027, date(2027, 12, 31), None, Fraction(1)),
    ],
)
def test_part_year_factors(rule, year, starts_on, ends_on, factor):
    numerator = rule.numerator(year, starts_on, ends_on)
    assert Fraction(numerator, rule.denominator(year)) == factor


@pytest.mark.parametrize(
    ("rule", "year", "denominator"),
    [
        (OS2, 2027, 2),
        (MONTHS, 2027, 12),
        (BY_DAYS, 2027, 365),
        (BY_DAYS, 2028, 366),
        (BY_DAYS, 2100, 365),
        (BY_DAYS, 2000, 366),
        (NONE, 2027, 1),
    ],
)
def test_common_denominators(rule, year, denominator):
    assert rule.denominator(year) == denominator


def test_an_unknown_part_year_method_is_refused():
    with pytest.raises(ValueError, match="part-year method"):
        PartYearRule("quarters")
