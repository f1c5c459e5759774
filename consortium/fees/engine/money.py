"""Currencies and exact rounding: amounts are integers in the currency's minor unit.

No float anywhere: amounts come in as Decimal (or int, or a string such as "25000.00"), are
turned into whole minor units, and every division is an integer division with an explicit
rounding rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Currency:
    """A currency and the number of decimals of its minor unit."""

    code: str
    minor_digits: int = 2

    @property
    def scale(self) -> int:
        scale: int = 10**self.minor_digits
        return scale


# The currency table: add a currency here (JPY would be Currency("JPY", 0)).
CURRENCIES: dict[str, Currency] = {
    currency.code: currency for currency in (Currency("DKK"), Currency("EUR"), Currency("CZK"))
}


def get_currency(currency: Currency | str) -> Currency:
    """The currency for a code (or the currency itself); an unknown code is refused."""
    if isinstance(currency, Currency):
        return currency
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r}") from None


def exact(value: Decimal | int | str | Fraction) -> Fraction:
    """An exact rational from a Decimal, an int, a decimal string or a Fraction; never a float."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("amounts must be Decimal, int or str, never float")
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("amounts must be finite")
    return Fraction(value)


def to_minor(amount: Decimal | int | str, currency: Currency | str) -> int:
    """An amount in whole minor units; an amount finer than the minor unit is refused."""
    scaled = exact(amount) * get_currency(currency).scale
    if scaled.denominator != 1:
        raise ValueError(f"{amount} has more decimals than {get_currency(currency).code} allows")
    return scaled.numerator


def from_minor(units: int, currency: Currency | str) -> Decimal:
    """Minor units back to a Decimal with exactly the currency's decimals (2500000 -> 25000.00)."""
    return Decimal(units).scaleb(-get_currency(currency).minor_digits)


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def div_ceil(numerator: int, denominator: int) -> int:
    return -((-numerator) // denominator)


def round_to_minor(value: Fraction | Decimal | int, currency: Currency | str) -> int:
    """An exact value in major units, rounded half up to whole minor units."""
    scaled = exact(value) * get_currency(currency).scale
    return div_half_up(scaled.numerator, scaled.denominator)
