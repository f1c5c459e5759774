"""Counting a prioritisation round: points, budget approval (greedy or equal shares), Borda.

Pure: no Flask, no SQLAlchemy, no I/O and no other consortium module. Whoever holds the data
(a closing round, `flask backlog tally`, a test) passes plain values:

- ballots: {organisation: {item id: whole number}}, one ballot per organisation (points, 1 for
  an approved item and 0 for one left out, or the rank); an organisation with a ballot voted,
  even when its ballot is empty;
- weights: {organisation: Decimal, Fraction or int}, or None for one each;
- costs: {item id: Decimal} and the budget as a Decimal for the budget methods.

The arithmetic is exact: weights, costs and the budget are taken as Fractions, so a score is
the exact sum of points (or Borda points, or approvals) times weights, and the result does not
depend on the order of the ballots. Rows come highest score first; items with equal scores share
a rank (1, 2, 2, 4) and are listed by item id. Where a method must choose between equals (equal
weighted approval for the greedy budget, equal price for equal shares), the lower item id wins.

Bad input raises CountingError with a code and its parameters (the organisation and the item
concerned), which the caller puts into words in the reader's language.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

POINTS = "points"
BUDGET_GREEDY = "budget-greedy"
EQUAL_SHARES = "equal-shares"
BORDA = "borda"
METHODS = (POINTS, BUDGET_GREEDY, EQUAL_SHARES, BORDA)
BUDGET_METHODS = (BUDGET_GREEDY, EQUAL_SHARES)

OrganisationKey: TypeAlias = str | int
Number: TypeAlias = Decimal | Fraction | int
Money: TypeAlias = Decimal | int
Ballot: TypeAlias = Mapping[int, int]
Ballots: TypeAlias = Mapping[OrganisationKey, Ballot]

# A weight, cost or budget is refused from this many digits before or after the point on: far
# beyond any amount of money, and it keeps exact arithmetic quick.
MAX_DIGITS = 30

# What can be wrong, with the parameters each error carries.
VALUE_NOT_WHOLE = "value_not_whole"  # organisation, item, value
VALUE_NEGATIVE = "value_negative"  # organisation, item, value
OVER_POINTS = "over_points"  # organisation, total, points
OVER_ITEM_CAP = "over_item_cap"  # organisation, item, value, max_per_item
APPROVAL_INVALID = "approval_invalid"  # organisation, item, value
RANK_BELOW_ONE = "rank_below_one"  # organisation, item, rank
RANK_REPEATED = "rank_repeated"  # organisation, item, other_item, rank
RANK_GAP = "rank_gap"  # organisation, item, rank, missing
UNKNOWN_ITEM = "unknown_item"  # organisation, item
NO_COST = "no_cost"  # organisation, item
NO_WEIGHT = "no_weight"  # organisation
WEIGHT_INVALID = "weight_invalid"  # organisation, weight
WEIGHT_NEGATIVE = "weight_negative"  # organisation, weight
COST_INVALID = "cost_invalid"  # item, cost
COST_NOT_POSITIVE = "cost_not_positive"  # item, cost
BUDGET_INVALID = "budget_invalid"  # budget
BUDGET_NEGATIVE = "budget_negative"  # budget
POINTS_INVALID = "points_invalid"  # points
MAX_PER_ITEM_INVALID = "max_per_item_invalid"  # max_per_item
ITEM_INVALID = "item_invalid"  # item
METHOD_UNKNOWN = "method_unknown"  # method
OPTION_MISSING = "option_missing"  # option: points, costs or budget

# The same in English, for logs and tests; pages and commands translate the code instead.
MESSAGES = {
    VALUE_NOT_WHOLE: "the value for item %(item)s of %(organisation)s is not a whole number",
    VALUE_NEGATIVE: "the value for item %(item)s of %(organisation)s is negative",
    OVER_POINTS: "%(organisation)s gives %(total)s points, more than the %(points)s it has",
    OVER_ITEM_CAP: "%(organisation)s gives item %(item)s %(value)s points, more than the "
    "%(max_per_item)s allowed per item",
    APPROVAL_INVALID: "%(organisation)s gives item %(item)s %(value)s: approve with 1, or 0",
    RANK_BELOW_ONE: "%(organisation)s ranks item %(item)s %(rank)s: ranks start at 1",
    RANK_REPEATED: "%(organisation)s gives rank %(rank)s to items %(other_item)s and %(item)s",
    RANK_GAP: "%(organisation)s ranks item %(item)s %(rank)s but gives no item rank %(missing)s",
    UNKNOWN_ITEM: "item %(item)s of %(organisation)s is not in the round",
    NO_COST: "item %(item)s of %(organisation)s has no cost",
    NO_WEIGHT: "%(organisation)s has no weight",
    WEIGHT_INVALID: "the weight of %(organisation)s is not a usable number",
    WEIGHT_NEGATIVE: "the weight of %(organisation)s is negative",
    COST_INVALID: "the cost of item %(item)s is not a usable number",
    COST_NOT_POSITIVE: "the cost of item %(item)s is not more than 0",
    BUDGET_INVALID: "the budget is not a usable number",
    BUDGET_NEGATIVE: "the budget is negative",
    POINTS_INVALID: "the points per ballot must be a whole number of at least 1",
    MAX_PER_ITEM_INVALID: "the points per item must be a whole number of at least 1",
    ITEM_INVALID: "item %(item)s is not a whole number",
    METHOD_UNKNOWN: "there is no counting method %(method)s",
    OPTION_MISSING: "the %(option)s are missing",
}


class CountingError(ValueError):
    """Input a round cannot be counted from; ``code`` and ``params`` say what is wrong."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code] % {key: str(value) for key, value in params.items()})


@dataclass(frozen=True)
class Row:
    """One item of the result: its rank (shared by equal scores), its exact score and, for the
    budget methods, whether it is funded (None for the others)."""

    rank: int
    item: int
    score: Fraction
    funded: bool | None


@dataclass(frozen=True)
class Result:
    """The counted round: rows highest score first, who voted, and for the budget methods the
    money spent on the funded items and the money left of the budget."""

    method: str
    rows: tuple[Row, ...]
    voters: frozenset[OrganisationKey]
    spent: Decimal | None = None
    left: Decimal | None = None

    def row(self, item: int) -> Row:
        """The row of one item."""
        return next(row for row in self.rows if row.item == item)

    @property
    def funded(self) -> tuple[int, ...]:
        """The funded items, in the order of the rows."""
        return tuple(row.item for row in self.rows if row.funded)


def count_points(
    ballots: Ballots,
    *,
    points: int,
    max_per_item: int | None = None,
    weights: Mapping[OrganisationKey, Number] | None = None,
    items: Collection[int] | None = None,
) -> Result:
    """Dot voting: each organisation gives at most ``points`` points, at most ``max_per_item``
    (default: all of them) to one item; an item scores its points times the weights."""
    if not _is_whole(points) or points < 1:
        raise CountingError(POINTS_INVALID, points=points)
    cap = points if max_per_item is None else max_per_item
    if not _is_whole(cap) or cap < 1:
        raise CountingError(MAX_PER_ITEM_INVALID, max_per_item=max_per_item)
    round_items = _round_items(ballots, items)
    exact_weights = _weights(ballots, weights)
    scores = dict.fromkeys(round_items, Fraction(0))
    for organisation, ballot in _in_order(ballots):
        total = 0
        for item, value in _checked_values(organisation, ballot):
            if value > cap:
                raise CountingError(
                    OVER_ITEM_CAP,
                    organisation=organisation,
                    item=item,
                    value=value,
                    max_per_item=cap,
                )
            total += value
        if total > points:
            raise CountingError(OVER_POINTS, organisation=organisation, total=total, points=points)
        for item, value in ballot.items():
            scores[item] += value * exact_weights[organisation]
    return Result(POINTS, _ranked(scores, None), frozenset(ballots))


def count_borda(
    ballots: Ballots,
    *,
    weights: Mapping[OrganisationKey, Number] | None = None,
    items: Collection[int] | None = None,
) -> Result:
    """Borda count: each organisation ranks some or all of the n items 1..k without gaps or
    repeats; rank r scores n - r times the organisation's weight, an unranked item 0."""
    round_items = _round_items(ballots, items)
    exact_weights = _weights(ballots, weights)
    n = len(round_items)
    scores = dict.fromkeys(round_items, Fraction(0))
    for organisation, ballot in _in_order(ballots):
        _check_ranking(organisation, ballot)
        for item, rank in ballot.items():
            scores[item] += (n - rank) * exact_weights[organisation]
    return Result(BORDA, _ranked(scores, None), frozenset(ballots))


def count_budget_greedy(
    ballots: Ballots,
    *,
    costs: Mapping[int, Money],
    budget: Money,
    weights: Mapping[OrganisationKey, Number] | None = None,
) -> Result:
    """Budget approval, funded greedily: items by weighted approval, highest first (the lower
    item id first among equals), funded when the cost fits in what is left, else skipped.

    An item nobody (of a weight above 0) approved is never funded."""
    exact_costs, exact_budget, scores, exact_weights = _budget_inputs(
        ballots, costs, budget, weights
    )
    left = exact_budget
    funded: set[int] = set()
    for item in sorted(scores, key=lambda item: (-scores[item], item)):
        if scores[item] > 0 and exact_costs[item] <= left:
            funded.add(item)
            left -= exact_costs[item]
    return _budget_result(BUDGET_GREEDY, ballots, scores, funded, exact_costs, exact_budget)


def count_equal_shares(
    ballots: Ballots,
    *,
    costs: Mapping[int, Money],
    budget: Money,
    weights: Mapping[OrganisationKey, Number] | None = None,
) -> Result:
    """Budget approval, funded by the Method of Equal Shares (Peters and Skowron) with cost
    utilities and no completion step.

    The organisations that voted hold the budget in proportion to their weights. An item is
    affordable while its supporters together hold at least its cost; the supporters pay it
    equally per unit of weight, each at most what it holds, the others making up the rest. The
    affordable item with the lowest price per unit of utility (what a unit of weight pays, over
    the item's cost) is bought next, the lower item id among equals, until none is affordable.
    What is not spent is left, not handed out to further items."""
    exact_costs, exact_budget, scores, exact_weights = _budget_inputs(
        ballots, costs, budget, weights
    )
    total_weight = sum(exact_weights.values(), Fraction(0))
    money: dict[OrganisationKey, Fraction] = {
        organisation: (exact_budget * weight / total_weight if total_weight else Fraction(0))
        for organisation, weight in exact_weights.items()
    }
    supporters: dict[int, list[OrganisationKey]] = {item: [] for item in exact_costs}
    for organisation, ballot in _in_order(ballots):
        if exact_weights[organisation] > 0:
            for item, value in ballot.items():
                if value == 1:
                    supporters[item].append(organisation)
    candidates = sorted(item for item, backers in supporters.items() if backers)
    funded: set[int] = set()
    while candidates:
        best: tuple[Fraction, int, Fraction] | None = None  # price per utility, item, payment
        for item in list(candidates):
            backers = supporters[item]
            if (
                sum((money[organisation] for organisation in backers), Fraction(0))
                < (exact_costs[item])
            ):
                candidates.remove(item)  # the supporters' money only shrinks
                continue
            payment = _equal_payment(exact_costs[item], backers, money, exact_weights)
            price = payment / exact_costs[item]
            if best is None or price < best[0]:
                best = (price, item, payment)
        if best is None:
            break
        _price, item, payment = best
        for organisation in supporters[item]:
            money[organisation] -= min(money[organisation], payment * exact_weights[organisation])
        funded.add(item)
        candidates.remove(item)
    return _budget_result(EQUAL_SHARES, ballots, scores, funded, exact_costs, exact_budget)


def count(
    method: str,
    ballots: Ballots,
    *,
    weights: Mapping[OrganisationKey, Number] | None = None,
    items: Collection[int] | None = None,
    costs: Mapping[int, Money] | None = None,
    budget: Money | None = None,
    points: int | None = None,
    max_per_item: int | None = None,
) -> Result:
    """Count by the method named (one of METHODS) with the inputs it needs.

    ``items`` are the round's items for points and Borda (default: those on the ballots); for
    the budget methods the round's items are those with a cost."""
    if method == POINTS:
        if points is None:
            raise CountingError(OPTION_MISSING, option="points")
        return count_points(
            ballots, points=points, max_per_item=max_per_item, weights=weights, items=items
        )
    if method == BORDA:
        return count_borda(ballots, weights=weights, items=items)
    if method in BUDGET_METHODS:
        if costs is None:
            raise CountingError(OPTION_MISSING, option="costs")
        if budget is None:
            raise CountingError(OPTION_MISSING, option="budget")
        counter = count_budget_greedy if method == BUDGET_GREEDY else count_equal_shares
        return counter(ballots, costs=costs, budget=budget, weights=weights)
    raise CountingError(METHOD_UNKNOWN, method=method)


def format_score(score: Fraction) -> str:
    """A score as a plain decimal (no exponent, no trailing zeros: 335920.02, 12, 0.5) when it
    is one exactly; otherwise as the exact fraction in lowest terms (7/3).

    Weights written as decimals always give decimal scores; a fraction shows only where the
    weights themselves were fractions such as 1/3."""
    decimal = exact_decimal(score)
    if decimal is None:
        return f"{score.numerator}/{score.denominator}"
    text = format(decimal, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def exact_decimal(value: Fraction) -> Decimal | None:
    """The fraction as a Decimal with no digit lost, or None when its decimals never end."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    digits = tuple(int(digit) for digit in str(scaled))
    return Decimal((1 if value < 0 else 0, digits, -places))


def _in_order(ballots: Ballots) -> list[tuple[OrganisationKey, Ballot]]:
    """The ballots in a fixed order, so that the first problem named does not depend on the
    order they came in."""
    return sorted(
        ballots.items(),
        key=lambda pair: (0, pair[0], "") if isinstance(pair[0], int) else (1, 0, pair[0]),
    )


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _exact(value: object) -> Fraction | None:
    """A weight, cost or budget as an exact fraction, or None when it is no usable number."""
    if isinstance(value, bool):
        return None
    limit = 10**MAX_DIGITS
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        exponent = value.as_tuple().exponent
        if (
            not isinstance(exponent, int)
            or exponent < -MAX_DIGITS
            or value.adjusted() >= (MAX_DIGITS)
        ):
            return None
        return Fraction(value)
    if isinstance(value, int | Fraction):
        exact = Fraction(value)
        if abs(exact) >= limit or exact.denominator >= limit:
            return None
        return exact
    return None


def _exact_money(value: object) -> Fraction | None:
    """A cost or budget, a decimal (or whole) amount, as an exact fraction."""
    return None if isinstance(value, Fraction) else _exact(value)


def _weights(
    ballots: Ballots, weights: Mapping[OrganisationKey, Number] | None
) -> dict[OrganisationKey, Fraction]:
    """The exact weight of every organisation that voted: one each when none are given."""
    if weights is None:
        return dict.fromkeys(ballots, Fraction(1))
    exact: dict[OrganisationKey, Fraction] = {}
    for organisation, _ballot in _in_order(ballots):
        if organisation not in weights:
            raise CountingError(NO_WEIGHT, organisation=organisation)
        weight = _exact(weights[organisation])
        if weight is None:
            raise CountingError(
                WEIGHT_INVALID, organisation=organisation, weight=weights[organisation]
            )
        if weight < 0:
            raise CountingError(
                WEIGHT_NEGATIVE, organisation=organisation, weight=weights[organisation]
            )
        exact[organisation] = weight
    return exact


def _round_items(ballots: Ballots, items: Iterable[int] | None) -> set[int]:
    """The round's items: those given, or those on the ballots; an item outside the round on a
    ballot is refused."""
    on_ballots = {item for ballot in ballots.values() for item in ballot}
    for item in on_ballots if items is None else {*items, *on_ballots}:
        if not _is_whole(item):
            raise CountingError(ITEM_INVALID, item=item)
    if items is None:
        return on_ballots
    known = set(items)
    for organisation, ballot in _in_order(ballots):
        for item in sorted(ballot):
            if item not in known:
                raise CountingError(UNKNOWN_ITEM, organisation=organisation, item=item)
    return known


def _checked_values(organisation: OrganisationKey, ballot: Ballot) -> list[tuple[int, int]]:
    """The ballot's (item, value) pairs by item id, each a whole number of at least 0."""
    pairs = sorted(ballot.items())
    for item, value in pairs:
        if not _is_whole(value):
            raise CountingError(VALUE_NOT_WHOLE, organisation=organisation, item=item, value=value)
        if value < 0:
            raise CountingError(VALUE_NEGATIVE, organisation=organisation, item=item, value=value)
    return pairs


def _check_ranking(organisation: OrganisationKey, ballot: Ballot) -> None:
    """Ranks 1..k for the k items ranked: none below 1, none twice, no gap."""
    by_rank: dict[int, list[int]] = {}
    for item, rank in sorted(ballot.items()):
        if not _is_whole(rank):
            raise CountingError(VALUE_NOT_WHOLE, organisation=organisation, item=item, value=rank)
        if rank < 1:
            raise CountingError(RANK_BELOW_ONE, organisation=organisation, item=item, rank=rank)
        by_rank.setdefault(rank, []).append(item)
    for rank in sorted(by_rank):
        if len(by_rank[rank]) > 1:
            first, second = by_rank[rank][:2]
            raise CountingError(
                RANK_REPEATED, organisation=organisation, item=second, other_item=first, rank=rank
            )
    if by_rank and max(by_rank) > len(by_rank):
        highest = max(by_rank)
        # The first rank missing is found within len(by_rank) + 1 steps, however high the
        # highest rank: min() would walk every number up to it.
        missing = next(rank for rank in range(1, highest) if rank not in by_rank)
        raise CountingError(
            RANK_GAP,
            organisation=organisation,
            item=by_rank[highest][0],
            rank=highest,
            missing=missing,
        )


def _budget_inputs(
    ballots: Ballots,
    costs: Mapping[int, Money],
    budget: Money,
    weights: Mapping[OrganisationKey, Number] | None,
) -> tuple[dict[int, Fraction], Fraction, dict[int, Fraction], dict[OrganisationKey, Fraction]]:
    """Costs, budget, weighted approvals and weights, checked and exact."""
    exact_costs: dict[int, Fraction] = {}
    for item, cost in costs.items():
        if not _is_whole(item):
            raise CountingError(ITEM_INVALID, item=item)
        exact_cost = _exact_money(cost)
        if exact_cost is None:
            raise CountingError(COST_INVALID, item=item, cost=cost)
        if exact_cost <= 0:
            raise CountingError(COST_NOT_POSITIVE, item=item, cost=cost)
        exact_costs[item] = exact_cost
    exact_budget = _exact_money(budget)
    if exact_budget is None:
        raise CountingError(BUDGET_INVALID, budget=budget)
    if exact_budget < 0:
        raise CountingError(BUDGET_NEGATIVE, budget=budget)
    for organisation, ballot in _in_order(ballots):
        for item, value in _checked_values(organisation, ballot):
            if item not in exact_costs:
                raise CountingError(NO_COST, organisation=organisation, item=item)
            if value > 1:
                raise CountingError(
                    APPROVAL_INVALID, organisation=organisation, item=item, value=value
                )
    exact_weights = _weights(ballots, weights)
    scores = dict.fromkeys(exact_costs, Fraction(0))
    for organisation, ballot in _in_order(ballots):
        for item, value in ballot.items():
            scores[item] += value * exact_weights[organisation]
    return exact_costs, exact_budget, scores, exact_weights


def _equal_payment(
    cost: Fraction,
    backers: list[OrganisationKey],
    money: Mapping[OrganisationKey, Fraction],
    weights: Mapping[OrganisationKey, Fraction],
) -> Fraction:
    """What each unit of weight pays for an item its backers can afford: those holding less
    give all they hold, the others the same amount per unit of weight."""
    remaining_cost = cost
    remaining_weight = sum((weights[organisation] for organisation in backers), Fraction(0))
    for organisation in sorted(backers, key=lambda backer: money[backer] / weights[backer]):
        share = remaining_cost / remaining_weight
        if share * weights[organisation] <= money[organisation]:
            return share
        remaining_cost -= money[organisation]
        remaining_weight -= weights[organisation]
    raise AssertionError("the backers hold less than the cost")  # checked by the caller


def _budget_result(
    method: str,
    ballots: Ballots,
    scores: dict[int, Fraction],
    funded: set[int],
    costs: dict[int, Fraction],
    budget: Fraction,
) -> Result:
    spent = sum((costs[item] for item in funded), Fraction(0))
    return Result(
        method,
        _ranked(scores, funded),
        frozenset(ballots),
        spent=_money(spent),
        left=_money(budget - spent),
    )


def _money(value: Fraction) -> Decimal:
    decimal = exact_decimal(value)
    if decimal is None:  # costs and the budget are decimals, and so their sums and differences
        raise AssertionError(f"not a decimal amount: {value}")
    return decimal


def _ranked(scores: Mapping[int, Fraction], funded: set[int] | None) -> tuple[Row, ...]:
    """Rows highest score first, equal scores sharing a rank and listed by item id."""
    order = sorted(scores, key=lambda item: (-scores[item], item))
    rows: list[Row] = []
    for position, item in enumerate(order):
        if rows and scores[item] == rows[-1].score:
            rank = rows[-1].rank
        else:
            rank = position + 1
        rows.append(Row(rank, item, scores[item], None if funded is None else item in funded))
    return tuple(rows)
