"""Splitting a product's year-end difference over the participants' shares of its budget.

Pure: no Flask, no database. The year's budget was split and its shares recorded when it was
approved; at the end of the year the difference between the actual cost and that budget is
split in proportion to those recorded shares, with the fee engine's largest remainder in
minor units. Caps and minimums are not applied again: they shaped the recorded shares already.
The parts always add up to the difference to the cent; a negative difference (the product cost
less than its budget) splits into credits the same way, every part negative or zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from consortium.fees.engine import from_minor, largest_remainder, to_minor

# A share of the budget in percent is kept and shown with four decimals.
PERCENT = Decimal("0.0001")


class NothingToSplitBy(ValueError):
    """No recorded share above zero to split the difference by."""


@dataclass(frozen=True)
class SettlementPart:
    """One participant's part of the difference."""

    key: int  # the organisation
    budget_share: Decimal  # what it was charged of the budget
    percent: Decimal  # its share of the budget in percent, four decimals
    amount: Decimal  # its part of the difference: more than zero to pay, less to credit
    rounding_adjustment: Decimal  # the cent it got from the leftover, if any

    @property
    def is_extra(self) -> bool:
        return self.amount > 0

    @property
    def is_credit(self) -> bool:
        return self.amount < 0


def split_difference(
    difference: Decimal, shares: Sequence[tuple[int, Decimal]], currency: str
) -> list[SettlementPart]:
    """Each participant's part of ``difference`` by its recorded share ``(key, amount)``.

    The participants are taken in the order of their keys, so equal remainders go to the lower
    key. Refused with :class:`NothingToSplitBy` when no share is above zero, and with
    ValueError for a negative share."""
    ordered = sorted(shares, key=lambda share: share[0])
    weights = [to_minor(amount, currency) for _key, amount in ordered]
    if any(weight < 0 for weight in weights):
        raise ValueError("a recorded share cannot be negative")
    total = sum(weights)
    if total == 0:
        raise NothingToSplitBy
    amounts, adjustments, _total = largest_remainder(to_minor(difference, currency), weights)
    return [
        SettlementPart(
            key=key,
            budget_share=from_minor(weight, currency),
            percent=(Decimal(weight * 100) / Decimal(total)).quantize(
                PERCENT, rounding=ROUND_HALF_UP
            ),
            amount=from_minor(amount, currency),
            rounding_adjustment=from_minor(adjustment, currency),
        )
        for (key, _amount), weight, amount, adjustment in zip(
            ordered, weights, amounts, adjustments, strict=True
        )
    ]
