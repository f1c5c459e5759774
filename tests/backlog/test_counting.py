"""Counting a prioritisation round, checked on small rounds worked out by hand."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from consortium.backlog import counting
from consortium.backlog.counting import (
    CountingError,
    count,
    count_borda,
    count_budget_greedy,
    count_equal_shares,
    count_points,
    format_score,
)


def table(result: counting.Result) -> list[tuple[int, int, str, bool | None]]:
    """The result as a reader sees it: rank, item, score as printed, funded."""
    return [(row.rank, row.item, format_score(row.score), row.funded) for row in result.rows]


def shuffled(ballots: dict, seed: int) -> dict:
    """The same ballots, organisations and items in another order."""
    rng = random.Random(seed)
    organisations = list(ballots)
    rng.shuffle(organisations)
    result = {}
    for organisation in organisations:
        items = list(ballots[organisation].items())
        rng.shuffle(items)
        result[organisation] = dict(items)
    return result


# Points ---------------------------------------------------------------------------------------


def test_points_add_up_per_item_and_ties_share_a_rank():
    ballots = {
        "Aarhus": {10: 3, 11: 2},
        "Odense": {11: 1, 12: 4},
        "Vejle": {10: 2, 13: 3},
        "Horsens": {12: 1, 13: 2, 14: 2},
    }
    result = count_points(ballots, points=5, items=[10, 11, 12, 13, 14, 15])
    # 10: 5, 11: 3, 12: 5, 13: 5, 14: 2, 15: 0 -> three share rank 1, then rank 4.
    assert table(result) == [
        (1, 10, "5", None),
        (1, 12, "5", None),
        (1, 13, "5", None),
        (4, 11, "3", None),
        (5, 14, "2", None),
        (6, 15, "0", None),
    ]
    assert result.voters == {"Aarhus", "Odense", "Vejle", "Horsens"}
    assert result.spent is None
    assert result.left is None


def test_ranks_1_2_2_4():
    ballots = {"A": {1: 4, 2: 2, 3: 2, 4: 1}}
    assert [(row.rank, row.item) for row in count_points(ballots, points=9).rows] == [
        (1, 1),
        (2, 2),
        (2, 3),
        (4, 4),
    ]


def test_points_weighted_exactly_by_cost_shares():
    ballots = {"Aarhus": {1: 3, 2: 2}, "Odense": {2: 5}}
    weights = {"Aarhus": Decimal("111973.34"), "Odense": Decimal("0.1")}
    result = count_points(ballots, points=5, weights=weights)
    # 3 x 111973.34 = 335920.02; 2 x 111973.34 + 5 x 0.1 = 223946.68 + 0.5 = 223947.18
    assert table(result) == [(1, 1, "335920.02", None), (2, 2, "223947.18", None)]
    assert result.row(1).score == Fraction("335920.02")


def test_weights_of_a_tenth_add_up_exactly_where_floats_would_not():
    ballots = {f"org{i}": {1: 1} for i in range(3)}
    ballots["other"] = {2: 1}
    weights = dict.fromkeys(ballots, Decimal("0.1"))
    weights["other"] = Decimal("0.3")
    result = count_points(ballots, points=1, weights=weights)
    # 0.1 + 0.1 + 0.1 is 0.3 exactly: a tie, not one item ahead by a rounding error.
    assert table(result) == [(1, 1, "0.3", None), (1, 2, "0.3", None)]


def test_fraction_weights_give_fraction_scores_and_exact_ranks():
    ballots = {"A": {1: 1}, "B": {2: 1}, "C": {2: 1}}
    weights = {"A": Fraction(2, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)}
    result = count_points(ballots, points=1, weights=weights)
    assert table(result) == [(1, 1, "2/3", None), (1, 2, "2/3", None)]


def test_points_are_refused_over_the_ballot_total_naming_the_organisation():
    with pytest.raises(CountingError) as caught:
        count_points({"Aarhus": {1: 3}, "Odense": {1: 4, 2: 3}}, points=6)
    assert caught.value.code == counting.OVER_POINTS
    assert caught.value.params == {"organisation": "Odense", "total": 7, "points": 6}
    assert str(caught.value) == "Odense gives 7 points, more than the 6 it has"


def test_points_are_refused_over_the_cap_per_item_naming_organisation_and_item():
    with pytest.raises(CountingError) as caught:
        count_points({"Vejle": {1: 2, 7: 4}}, points=6, max_per_item=3)
    assert caught.value.code == counting.OVER_ITEM_CAP
    assert caught.value.params == {
        "organisation": "Vejle",
        "item": 7,
        "value": 4,
        "max_per_item": 3,
    }


def test_a_ballot_may_use_fewer_points_than_it_has_and_up_to_the_cap():
    result = count_points({"A": {1: 3}, "B": {1: 3, 2: 3}}, points=6, max_per_item=3)
    assert table(result) == [(1, 1, "6", None), (2, 2, "3", None)]


@pytest.mark.parametrize(
    ("value", "code"),
    [(-1, counting.VALUE_NEGATIVE), (Decimal("1.5"), counting.VALUE_NOT_WHOLE), (True, "x")],
)
def test_points_must_be_whole_numbers_not_below_zero(value, code):
    with pytest.raises(CountingError) as caught:
        count_points({"A": {3: value}}, points=5)
    assert caught.value.code == (counting.VALUE_NOT_WHOLE if code == "x" else code)
    assert caught.value.params["organisation"] == "A"
    assert caught.value.params["item"] == 3


def test_an_item_outside_the_round_is_refused():
    with pytest.raises(CountingError) as caught:
        count_points({"A": {1: 1, 9: 1}}, points=5, items=[1, 2])
    assert caught.value.code == counting.UNKNOWN_ITEM
    assert caught.value.params == {"organisation": "A", "item": 9}


@pytest.mark.parametrize(("points", "cap"), [(0, None), (5, 0), (-3, None), (5, -1)])
def test_the_round_needs_points_to_give(points, cap):
    with pytest.raises(CountingError) as caught:
        count_points({"A": {1: 0}}, points=points, max_per_item=cap)
    assert caught.value.code in (counting.POINTS_INVALID, counting.MAX_PER_ITEM_INVALID)


# Weights --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "code"),
    [
        (Decimal("-0.01"), counting.WEIGHT_NEGATIVE),
        (Decimal("NaN"), counting.WEIGHT_INVALID),
        (Decimal("Infinity"), counting.WEIGHT_INVALID),
        (Decimal("1E+999999"), counting.WEIGHT_INVALID),
        (Decimal("1E-999999"), counting.WEIGHT_INVALID),
        (1.5, counting.WEIGHT_INVALID),
        ("2", counting.WEIGHT_INVALID),
    ],
)
def test_a_weight_must_be_a_number_not_below_zero(weight, code):
    with pytest.raises(CountingError) as caught:
        count_points({"A": {1: 1}, "B": {1: 1}}, points=1, weights={"A": 1, "B": weight})
    assert caught.value.code == code
    assert caught.value.params["organisation"] == "B"


def test_every_voter_needs_a_weight_and_non_voters_weights_do_not_count():
    with pytest.raises(CountingError) as caught:
        count_borda({"A": {1: 1}, "B": {2: 1}}, weights={"A": 1, "C": 5})
    assert caught.value.code == counting.NO_WEIGHT
    assert caught.value.params == {"organisation": "B"}
    result = count_borda({"A": {1: 1}, 7: {2: 1}}, weights={"A": 1, 7: 3, "C": 50})
    assert table(result) == [(1, 2, "3", None), (2, 1, "1", None)]


def test_a_weight_of_zero_counts_for_nothing():
    result = count_points({"A": {1: 2}, "B": {2: 1}}, points=2, weights={"A": 0, "B": 1})
    assert table(result) == [(1, 2, "1", None), (2, 1, "0", None)]
    assert result.voters == {"A", "B"}


# Borda ----------------------------------------------------------------------------------------


def test_borda_scores_n_minus_rank_and_unranked_zero():
    ballots = {
        "Aarhus": {1: 1, 2: 2, 3: 3},  # 3, 2, 1 (of n = 4)
        "Odense": {3: 1, 4: 2},  # item 3: 3, item 4: 2
        "Vejle": {},  # voted, ranked nothing
    }
    result = count_borda(ballots, items=[1, 2, 3, 4])
    # 1: 3, 2: 2, 3: 1 + 3 = 4, 4: 2
    assert table(result) == [
        (1, 3, "4", None),
        (2, 1, "3", None),
        (3, 2, "2", None),
        (3, 4, "2", None),
    ]
    assert result.voters == {"Aarhus", "Odense", "Vejle"}


def test_borda_times_weights():
    ballots = {"A": {1: 1, 2: 2}, "B": {2: 1, 1: 2}}
    weights = {"A": Decimal("2.5"), "B": Decimal("1")}
    # n = 3: A gives 1: 2 x 2.5 = 5, 2: 1 x 2.5 = 2.5; B gives 2: 2, 1: 1.
    result = count_borda(ballots, weights=weights, items=[1, 2, 3])
    assert table(result) == [(1, 1, "6", None), (2, 2, "4.5", None), (3, 3, "0", None)]


@pytest.mark.parametrize(
    ("ballot", "code", "params"),
    [
        ({1: 1, 2: 1}, counting.RANK_REPEATED, {"item": 2, "other_item": 1, "rank": 1}),
        ({1: 1, 2: 3}, counting.RANK_GAP, {"item": 2, "rank": 3, "missing": 2}),
        ({1: 2}, counting.RANK_GAP, {"item": 1, "rank": 2, "missing": 1}),
        # A rank far beyond any round is refused at once, naming the first rank missing.
        ({1: 1, 2: 10**40}, counting.RANK_GAP, {"item": 2, "rank": 10**40, "missing": 2}),
        ({1: 0}, counting.RANK_BELOW_ONE, {"item": 1, "rank": 0}),
        ({1: -2}, counting.RANK_BELOW_ONE, {"item": 1, "rank": -2}),
    ],
)
def test_ranks_run_from_1_without_gaps_or_repeats(ballot, code, params):
    with pytest.raises(CountingError) as caught:
        count_borda({"Aarhus": {1: 1}, "Odense": ballot}, items=[1, 2, 3])
    assert caught.value.code == code
    assert caught.value.params == {"organisation": "Odense", **params}


# Budget: greedy -------------------------------------------------------------------------------

COSTS = {1: Decimal("60000"), 2: Decimal("50000"), 3: Decimal("30000"), 4: Decimal("25000.50")}


def test_greedy_funds_by_weighted_approval_and_skips_what_does_not_fit():
    ballots = {
        "A": {1: 1, 2: 1, 3: 1},
        "B": {1: 1, 2: 1},
        "C": {2: 1, 4: 1},
        "D": {3: 1, 4: 1},
    }
    # approvals: 2: 3, 1: 2, 3: 2, 4: 2 -> 2 (50000, left 50000), 1 (60000 does not fit),
    # 3 (30000, left 20000), 4 (25000.50 does not fit).
    result = count_budget_greedy(ballots, costs=COSTS, budget=Decimal("100000"))
    assert table(result) == [
        (1, 2, "3", True),
        (2, 1, "2", False),
        (2, 3, "2", True),
        (2, 4, "2", False),
    ]
    assert result.spent == Decimal("80000")
    assert result.left == Decimal("20000")
    assert result.funded == (2, 3)


def test_greedy_equal_approval_goes_to_the_lower_item_id():
    ballots = {"A": {3: 1, 4: 1}}
    # 3 and 4 tie; only one fits in 40000: the lower id, 3.
    result = count_budget_greedy(
        ballots, costs={3: Decimal(30000), 4: Decimal(30000)}, budget=Decimal(40000)
    )
    assert table(result) == [(1, 3, "1", True), (1, 4, "1", False)]
    assert result.left == Decimal(10000)


def test_greedy_weighted_approval_decides():
    ballots = {"Big": {1: 1}, "Small1": {2: 1}, "Small2": {2: 1}}
    weights = {"Big": Decimal("3"), "Small1": Decimal("1"), "Small2": Decimal("1.5")}
    result = count_budget_greedy(
        ballots,
        costs={1: Decimal(10), 2: Decimal(10)},
        budget=Decimal(10),
        weights=weights,
    )
    assert table(result) == [(1, 1, "3", True), (2, 2, "2.5", False)]


def test_greedy_never_funds_an_item_nobody_approved():
    result = count_budget_greedy(
        {"A": {1: 1, 2: 0}}, costs={1: Decimal(5), 2: Decimal(5)}, budget=Decimal(100)
    )
    assert table(result) == [(1, 1, "1", True), (2, 2, "0", False)]
    assert result.left == Decimal(95)


# Budget: equal shares -------------------------------------------------------------------------


def test_equal_shares_buys_the_lowest_price_first_and_shows_the_money_left():
    # Three organisations hold 50 each. Item 2 (60) is shared by A and B: 30 each, price per
    # unit of utility 30/60 = 1/2; items 1 (50, A only) and 3 (40, C only) cost 1 per unit.
    # After item 2, A holds 20 and cannot pay item 1; C pays item 3 with its 50.
    ballots = {"A": {1: 1, 2: 1}, "B": {2: 1}, "C": {3: 1}}
    costs = {1: Decimal(50), 2: Decimal(60), 3: Decimal(40)}
    result = count_equal_shares(ballots, costs=costs, budget=Decimal(150))
    assert table(result) == [(1, 2, "2", True), (2, 1, "1", False), (2, 3, "1", True)]
    assert result.spent == Decimal(100)
    assert result.left == Decimal(50)


def test_equal_shares_differs_from_greedy_where_a_majority_would_take_everything():
    # Three organisations approve items 1 and 2, one approves item 3; all cost 100, budget 200.
    # Greedy funds 1 and 2 (three approvals each). Equal shares gives the minority its quarter:
    # the majority holds 150, buys item 1 (price 100/3 per organisation), then holds 50 and
    # cannot pay item 2; the minority holds 50 and cannot pay item 3 either.
    ballots = {"A": {1: 1, 2: 1}, "B": {1: 1, 2: 1}, "C": {1: 1, 2: 1}, "D": {3: 1}}
    costs = {1: Decimal(100), 2: Decimal(100), 3: Decimal(100)}
    greedy = count_budget_greedy(ballots, costs=costs, budget=Decimal(200))
    shares = count_equal_shares(ballots, costs=costs, budget=Decimal(200))
    assert greedy.funded == (1, 2)
    assert shares.funded == (1,)
    assert shares.left == Decimal(100)
    # The minority with the budget's half gets its item.
    shares = count_equal_shares(
        ballots, costs=costs, budget=Decimal(200), weights={"A": 1, "B": 1, "C": 1, "D": 3}
    )
    assert shares.funded == (1, 3)


def test_equal_shares_a_weighted_organisation_pays_as_that_many_voters():
    # Weight 2 for A is A1 and A2 of weight 1: budget 90 over 3 units of weight, 30 each.
    # Item 1 (45) backed by A (60) and B (30): 15 per unit; A pays 30, B pays 15.
    # Then B holds 15, A 30: item 2 (40) backed by B alone is unaffordable; item 3 (30) by A.
    ballots = {"A": {1: 1, 3: 1}, "B": {1: 1, 2: 1}}
    costs = {1: Decimal(45), 2: Decimal(40), 3: Decimal(30)}
    result = count_equal_shares(ballots, costs=costs, budget=Decimal(90), weights={"A": 2, "B": 1})
    assert result.funded == (1, 3)
    assert table(result) == [(1, 1, "3", True), (2, 3, "2", True), (3, 2, "1", False)]
    assert result.left == Decimal(15)


def test_equal_shares_the_poorer_supporter_gives_all_it_has():
    # A, B and C hold 50 each. Item 1 (90, backed by A and C) and item 2 (54, A and B) both
    # cost 1/2 per unit of utility at first; the lower id goes first: A and C pay 45 each.
    # Item 2 then: A holds 5 and gives it all, B pays the other 49 (B alone could not).
    ballots = {"A": {1: 1, 2: 1}, "B": {2: 1}, "C": {1: 1}}
    costs = {1: Decimal(90), 2: Decimal(54)}
    result = count_equal_shares(ballots, costs=costs, budget=Decimal(150))
    assert result.funded == (1, 2)
    assert result.spent == Decimal(144)
    assert result.left == Decimal(6)
    # Without A's backing, B's 50 cannot pay item 2.
    ballots = {"A": {1: 1}, "B": {2: 1}, "C": {1: 1}}
    assert count_equal_shares(ballots, costs=costs, budget=Decimal(150)).funded == (1,)


def test_equal_shares_an_organisation_that_approves_nothing_keeps_its_share():
    ballots = {"A": {1: 1}, "B": {}}
    result = count_equal_shares(ballots, costs={1: Decimal(60)}, budget=Decimal(100))
    # A holds 50 of the 100: not enough for item 1; B's 50 stays unspent.
    assert result.funded == ()
    assert result.left == Decimal(100)
    assert result.voters == {"A", "B"}


def test_equal_shares_equal_price_goes_to_the_lower_item_id():
    ballots = {"A": {5: 1, 6: 1}}
    result = count_equal_shares(ballots, costs={5: Decimal(10), 6: Decimal(10)}, budget=Decimal(15))
    assert result.funded == (5,)
    assert result.left == Decimal(5)


def test_equal_shares_with_cents():
    ballots = {"A": {1: 1}, "B": {1: 1}, "C": {2: 1}}
    costs = {1: Decimal("0.02"), 2: Decimal("0.01")}
    result = count_equal_shares(ballots, costs=costs, budget=Decimal("0.03"))
    assert result.funded == (1, 2)
    assert result.spent == Decimal("0.03")
    assert result.left == Decimal("0")


@pytest.mark.parametrize("method", [count_budget_greedy, count_equal_shares])
def test_budget_ballots_approve_with_1_and_items_need_a_cost(method):
    with pytest.raises(CountingError) as caught:
        method({"A": {1: 2}}, costs={1: Decimal(1)}, budget=Decimal(1))
    assert caught.value.code == counting.APPROVAL_INVALID
    assert caught.value.params == {"organisation": "A", "item": 1, "value": 2}
    with pytest.raises(CountingError) as caught:
        method({"A": {1: 1, 8: 1}}, costs={1: Decimal(1)}, budget=Decimal(1))
    assert caught.value.code == counting.NO_COST
    assert caught.value.params == {"organisation": "A", "item": 8}


@pytest.mark.parametrize(
    ("costs", "budget", "code"),
    [
        ({1: Decimal(0)}, Decimal(1), counting.COST_NOT_POSITIVE),
        ({1: Decimal(-5)}, Decimal(1), counting.COST_NOT_POSITIVE),
        ({1: Decimal("NaN")}, Decimal(1), counting.COST_INVALID),
        ({1: Fraction(1, 3)}, Decimal(1), counting.COST_INVALID),
        ({1: Decimal(1)}, Decimal(-1), counting.BUDGET_NEGATIVE),
        ({1: Decimal(1)}, Decimal("sNaN"), counting.BUDGET_INVALID),
        ({1: Decimal(1)}, Decimal("1E+40"), counting.BUDGET_INVALID),
    ],
)
def test_costs_and_budget_must_be_amounts(costs, budget, code):
    for method in (count_budget_greedy, count_equal_shares):
        with pytest.raises(CountingError) as caught:
            method({"A": {1: 1}}, costs=costs, budget=budget)
        assert caught.value.code == code


def test_a_budget_of_zero_funds_nothing():
    for method in (count_budget_greedy, count_equal_shares):
        result = method({"A": {1: 1}}, costs={1: Decimal(1)}, budget=Decimal(0))
        assert result.funded == ()
        assert result.left == Decimal(0)


def test_no_ballots_give_every_item_score_zero():
    for method in (count_budget_greedy, count_equal_shares):
        result = method({}, costs={2: Decimal(1), 1: Decimal(1)}, budget=Decimal(10))
        assert table(result) == [(1, 1, "0", False), (1, 2, "0", False)]
        assert result.left == Decimal(10)
    assert count_borda({}, items=[3]).rows[0].score == 0
    assert count_points({}, points=3).rows == ()


# The order of the ballots ---------------------------------------------------------------------

ROUND = {
    "Aarhus": {1: 1, 2: 1, 4: 1},
    "Odense": {2: 1, 3: 1},
    "Vejle": {1: 1, 5: 1},
    "Horsens": {3: 1, 4: 1, 5: 1},
    "Kolding": {2: 1},
}
ROUND_WEIGHTS = {
    "Aarhus": Decimal("3.5"),
    "Odense": Decimal("2"),
    "Vejle": Decimal("1.25"),
    "Horsens": Decimal("1"),
    "Kolding": Decimal("0.75"),
}
ROUND_COSTS = {1: Decimal(300), 2: Decimal(250), 3: Decimal(200), 4: Decimal(150), 5: Decimal(80)}


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("method", counting.METHODS)
def test_the_result_does_not_depend_on_the_order_of_the_ballots(method, seed):
    ballots = ROUND
    if method == counting.BORDA:
        ballots = {
            organisation: {item: rank for rank, item in enumerate(sorted(ballot), start=1)}
            for organisation, ballot in ROUND.items()
        }
    options = {
        "weights": ROUND_WEIGHTS,
        "costs": ROUND_COSTS,
        "budget": Decimal(700),
        "points": 3,
        "items": [1, 2, 3, 4, 5],
    }
    if method in counting.BUDGET_METHODS:
        del options["items"]
    reference = count(method, ballots, **options)
    again = count(method, shuffled(ballots, seed), **options)
    assert again == reference


@pytest.mark.parametrize("seed", range(5))
def test_the_problem_named_does_not_depend_on_the_order_of_the_ballots(seed):
    ballots = {"B": {1: 9}, "A": {1: 7}, "C": {2: 8}}
    with pytest.raises(CountingError) as caught:
        count_points(shuffled(ballots, seed), points=5)
    assert caught.value.params["organisation"] == "A"


def test_count_asks_for_what_each_method_needs():
    with pytest.raises(CountingError) as caught:
        count(counting.POINTS, {})
    assert caught.value.params == {"option": "points"}
    with pytest.raises(CountingError) as caught:
        count(counting.EQUAL_SHARES, {}, budget=Decimal(1))
    assert caught.value.params == {"option": "costs"}
    with pytest.raises(CountingError) as caught:
        count(counting.BUDGET_GREEDY, {}, costs={})
    assert caught.value.params == {"option": "budget"}
    with pytest.raises(CountingError) as caught:
        count("approval", {})
    assert caught.value.code == counting.METHOD_UNKNOWN


# Printing scores ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "printed"),
    [
        (Fraction(0), "0"),
        (Fraction(12), "12"),
        (Fraction("335920.02"), "335920.02"),
        (Fraction("3.10"), "3.1"),
        (Fraction(1, 8), "0.125"),
        (Fraction(10**40), "1" + "0" * 40),
        (Fraction(1, 10**30), "0." + "0" * 29 + "1"),
        (Fraction(7, 3), "7/3"),
        (Fraction(1, 6), "1/6"),
        (Fraction(-5, 2), "-2.5"),
    ],
)
def test_scores_print_exactly(score, printed):
    assert format_score(score) == printed
