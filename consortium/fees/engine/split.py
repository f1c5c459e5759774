"""Splitting an amount in minor units by integer weights, exactly, with optional caps.

Every share is floor(budget * weight / total) and the units left over go one each to the
largest remainders, ties to the earlier participant (callers pass participants sorted by their
stable key). The shares always add up to the budget. Only integers: no float, no Fraction.

A negative budget (a credit, such as the refund of an underspent budget at the end of the year)
is split by the same rule on its absolute amount and every share negated: -100.00 over three
equal participants is -33.34, -33.33, -33.33, and every share is negative or zero.

With a minimum and/or maximum per participant, the shares are clamp(lambda * weight, low, high)
for the one lambda that makes them add up to the budget: a participant over its maximum pays
the maximum and the rest is spread over the others, repeated until no cap is violated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from consortium.fees.engine.explain import CAP_MAX, CAP_MIN


class Infeasible(Exception):
    """The caps cannot add up to the budget; gap (minor units) is budget minus what they allow."""

    def __init__(self, gap: int) -> None:
        self.gap = gap
        super().__init__(gap)


class NothingToSplitBy(Exception):
    """A budget above zero with every weight zero (or no participant)."""


class Allocation(NamedTuple):
    amounts: list[int]
    adjustments: list[int]
    caps: list[str | None]
    shared: int  # the part of the budget split by weight (the budget less the capped amounts)
    total_weight: int  # the total weight of those who share it


def largest_remainder(budget: int, weights: Sequence[int]) -> tuple[list[int], list[int], int]:
    """Shares of budget by weights, and the units each got from the leftover (negated, for a
    negative budget, as the shares of its absolute amount)."""
    if budget < 0:
        amounts, adjustments, total = largest_remainder(-budget, weights)
        return [-amount for amount in amounts], [-unit for unit in adjustments], total
    total = sum(weights)
    count = len(weights)
    if total == 0:
        if budget:
            raise NothingToSplitBy
        return [0] * count, [0] * count, 0
    products = [budget * weight for weight in weights]
    amounts = [product // total for product in products]
    adjustments = [0] * count
    leftover = budget - sum(amounts)
    if leftover:
        remainders = [product % total for product in products]
        # sorted() is stable also with reverse=True: equal remainders keep the callers' order.
        for index in sorted(range(count), key=remainders.__getitem__, reverse=True)[:leftover]:
            amounts[index] += 1
            adjustments[index] = 1
    return amounts, adjustments, total


def allocate(
    budget: int,
    weights: Sequence[int],
    lows: Sequence[int | None] | None = None,
    highs: Sequence[int | None] | None = None,
) -> Allocation:
    """Split budget (minor units) by weights (>= 0), each share within [low, high].

    For a negative budget (a credit) the caps bound the shares' absolute amounts, and an
    Infeasible gap is measured on the absolute amounts too (positive: the maximums leave part
    of it unshared).
    """
    if weights and min(weights) < 0:
        raise ValueError("weights cannot be negative")
    if budget < 0:
        credit = allocate(-budget, weights, lows, highs)
        return Allocation(
            amounts=[-amount for amount in credit.amounts],
            adjustments=[-adjustment for adjustment in credit.adjustments],
            caps=credit.caps,
            shared=-credit.shared,
            total_weight=credit.total_weight,
        )
    count = len(weights)
    if not lows or all(low is None for low in lows):
        lows = None
    if not highs or all(high is None for high in highs):
        highs = None
    if lows is None and highs is None:
        amounts, adjustments, total = largest_remainder(budget, weights)
        return Allocation(
            amounts=amounts,
            adjustments=adjustments,
            caps=[None] * count,
            shared=budget,
            total_weight=total,
        )

    low: list[int] = [
        0 if lows is None or (value := lows[i]) is None else value for i in range(count)
    ]
    high: list[int | None] = [None if highs is None else highs[i] for i in range(count)]
    for i in range(count):
        maximum = high[i]
        if low[i] < 0 or (maximum is not None and maximum < low[i]):
            raise ValueError("a minimum cannot be negative nor above the maximum")
    # What the caps allow at most and at least: a participant of weight 0 pays its minimum.
    least = sum(low)
    most = 0
    unbounded = False
    for i in range(count):
        maximum = high[i]
        if weights[i] == 0:
            most += low[i]
        elif maximum is None:
            unbounded = True
        else:
            most += maximum
    if budget < least:
        raise Infeasible(budget - least)
    if not unbounded and budget > most:
        raise Infeasible(budget - most)

    amounts = [0] * count
    caps: list[str | None] = [None] * count
    free = []
    remaining = budget
    for i in range(count):
        if weights[i] == 0:
            amounts[i] = low[i]
            caps[i] = CAP_MIN if low[i] else None
            remaining -= low[i]
        else:
            free.append(i)
    while free:
        total = sum(weights[i] for i in free)
        # Participant i would pay remaining * w_i / total; compare times total, in integers.
        # (participant, the limit they are held to)
        over: list[tuple[int, int]] = []
        under: list[tuple[int, int]] = []
        excess = deficit = 0
        for i in free:
            scaled = remaining * weights[i]
            maximum = high[i]
            if maximum is not None and scaled > maximum * total:
                over.append((i, maximum))
                excess += scaled - maximum * total
            elif scaled < low[i] * total:
                under.append((i, low[i]))
                deficit += low[i] * total - scaled
        if not over and not under:
            break
        # More paid above the maximums than missing below the minimums: the common rate must go
        # up, so those over their maximum stay there; and the other way round.
        fixed: list[tuple[int, int, str]] = []
        if excess >= deficit:
            fixed += [(i, limit, CAP_MAX) for i, limit in over]
        if deficit >= excess:
            fixed += [(i, limit, CAP_MIN) for i, limit in under]
        for i, limit, cap in fixed:
            amounts[i] = limit
            caps[i] = cap
            remaining -= limit
        fixed_indexes = {i for i, _limit, _cap in fixed}
        free = [i for i in free if i not in fixed_indexes]
    if not free:
        if remaining:
            raise Infeasible(remaining)
        return Allocation(
            amounts=amounts, adjustments=[0] * count, caps=caps, shared=0, total_weight=0
        )
    shares, extra, total = largest_remainder(remaining, [weights[i] for i in free])
    adjustments = [0] * count
    for position, i in enumerate(free):
        amounts[i] = shares[position]
        adjustments[i] = extra[position]
    return Allocation(
        amounts=amounts, adjustments=adjustments, caps=caps, shared=remaining, total_weight=total
    )
