"""Properties of splits, checked by Hypothesis on generated budgets, weights and participants."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from consortium.fees.engine import (
    BY_POPULATION,
    BY_TIER_WEIGHTS,
    CAP_MAX,
    CAP_MIN,
    EQUAL_PART_AND_POPULATION,
    METHODS,
    PRODUCT_SHARE,
    SPLIT_METHODS,
    BudgetSplit,
    CapsCannotMeetBudget,
    FeeError,
    FeeYear,
    PartYearRule,
    TariffRule,
    div_half_up,
    from_minor,
)
from consortium.fees.engine.split import Infeasible, NothingToSplitBy, allocate
from tests.fees.engine.helpers import OS2_BANDS, YEAR, agreement, org

# No example database: nothing written into the working tree; a failure prints its example.
PROPERTIES = settings(max_examples=200, deadline=None, database=None)

budgets = st.integers(min_value=0, max_value=10**10)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=30)
populations = st.integers(min_value=0, max_value=2_000_000)
# A start in the fee year (day 1 to 365) or before it (0).
starts = st.one_of(st.just(0), st.integers(min_value=1, max_value=365))
participants = st.lists(st.tuples(populations, starts), min_size=1, max_size=25)
rules = st.builds(PartYearRule, st.sampled_from(METHODS), st.booleans())
TIER_WEIGHTS = {"small": 1, "medium": Decimal("1.5"), "large": 3, "very_large": 5}


def start_date(day: int) -> date:
    return date(2020, 1, 1) if day == 0 else date(YEAR, 1, 1) + timedelta(days=day - 1)


def run_split(people, budget_minor, method, part_year, order=None, **caps):
    organisations = [
        org(f"o{index:02d}", population) for index, (population, _day) in enumerate(people)
    ]
    participations = [
        agreement(f"o{index:02d}", starts_on=start_date(day))
        for index, (_population, day) in enumerate(people)
    ]
    if order is not None:
        organisations = order(organisations)
        participations = order(participations)
    pricing = BudgetSplit(
        from_minor(budget_minor, "DKK"),
        method,
        tier_weights=TIER_WEIGHTS if method == BY_TIER_WEIGHTS else {},
        equal_percentage=Decimal("37.5") if method == EQUAL_PART_AND_POPULATION else None,
        **caps,
    )
    fees = FeeYear(YEAR, organisations, participations, tier_bands=[OS2_BANDS])
    return fees.product_charges(TariffRule("p", pricing, part_year=part_year))


# -- the integer core -----------------------------------------------------------------------


@PROPERTIES
@given(budgets, weight_lists)
def test_allocate_always_adds_up_and_never_goes_negative(budget, weights):
    assume(budget == 0 or sum(weights) > 0)
    allocation = allocate(budget, weights)
    assert sum(allocation.amounts) == budget
    assert min(allocation.amounts) >= 0
    assert set(allocation.adjustments) <= {0, 1}
    if sum(weights):
        for amount, weight, adjustment in zip(
            allocation.amounts, weights, allocation.adjustments, strict=True
        ):
            # Each share is its exact share rounded down, plus the unit it got from the leftover.
            assert amount == budget * weight // sum(weights) + adjustment


@PROPERTIES
@given(
    budgets,
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**6),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_caps_are_respected_whenever_they_can_be(budget, rows):
    weights = [weight for weight, _low, _high in rows]
    lows = [low for _weight, low, _high in rows]
    highs = [None if high is None else max(high, low or 0) for _weight, low, high in rows]
    least = sum(low or 0 for low in lows)
    most = 0
    unbounded = False
    for weight, low, high in zip(weights, lows, highs, strict=True):
        if weight == 0:
            most += low or 0
        elif high is None:
            unbounded = True
        else:
            most += high
    feasible = least <= budget and (unbounded or budget <= most)
    if all(low is None for low in lows) and all(high is None for high in highs):
        feasible = budget == 0 or sum(weights) > 0
    if not feasible:
        with pytest.raises((Infeasible, NothingToSplitBy)) as caught:
            allocate(budget, weights, lows, highs)
        if isinstance(caught.value, Infeasible):
            assert caught.value.gap == (budget - least if budget < least else budget - most)
        return
    allocation = allocate(budget, weights, lows, highs)
    assert sum(allocation.amounts) == budget
    for amount, low, high, cap in zip(
        allocation.amounts, lows, highs, allocation.caps, strict=True
    ):
        assert amount >= (low or 0)
        assert high is None or amount <= high
        if cap == CAP_MIN:
            assert amount == low
        if cap == CAP_MAX:
            assert amount == high


# -- the engine -----------------------------------------------------------------------------


@PROPERTIES
@given(participants, budgets, st.sampled_from(SPLIT_METHODS), rules)
@example([(0, 0)], 0, BY_POPULATION, PartYearRule())
@example([(0, 0), (5, 0)], 1, EQUAL_PART_AND_POPULATION, PartYearRule())
def test_a_split_always_adds_up_to_the_budget(people, budget, method, part_year):
    try:
        result = run_split(people, budget, method, part_year)
    except FeeError:
        # Only when nobody can carry the budget: no resident among them, or nobody in force.
        assert budget > 0
        return
    shares = [charge for charge in result.charges if charge.kind == PRODUCT_SHARE]
    assert sum(charge.amount_minor for charge in shares) == budget
    assert all(charge.amount_minor >= 0 for charge in shares)
    for charge in shares:
        explanation = charge.explanation
        if explanation.total_weight == 0:  # a budget of 0 among bodies without residents
            assert charge.amount_minor == 0
            continue
        assert charge.amount_minor == (
            explanation.shared_minor * explanation.weight // explanation.total_weight
            + explanation.rounding_adjustment
        )


@PROPERTIES
@given(st.lists(populations, min_size=1, max_size=25), budgets, st.sampled_from([0, 200]))
def test_a_larger_population_never_pays_less(people, budget, day):
    assume(budget == 0 or sum(people) > 0)
    # The same part of the year for everyone.
    result = run_split(
        [(population, day) for population in people], budget, BY_POPULATION, PartYearRule("days")
    )
    paid = {charge.organisation_key: charge.amount_minor for charge in result.charges}
    for index, population in enumerate(people):
        for other, other_population in enumerate(people):
            if population > other_population:
                assert paid[f"o{index:02d}"] >= paid[f"o{other:02d}"]


@PROPERTIES
@given(
    participants,
    budgets,
    st.sampled_from(SPLIT_METHODS),
    rules,
    st.randoms(),
)
def test_the_result_does_not_depend_on_the_input_order(people, budget, method, part_year, random):
    def shuffled(items):
        items = list(items)
        random.shuffle(items)
        return items

    try:
        expected = run_split(people, budget, method, part_year)
    except FeeError as error:
        with pytest.raises(type(error)):
            run_split(people, budget, method, part_year, order=shuffled)
        return
    assert run_split(people, budget, method, part_year, order=shuffled) == expected


@PROPERTIES
@given(
    participants,
    budgets,
    st.sampled_from(SPLIT_METHODS),
    rules,
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
)
def test_caps_in_the_engine(people, budget, method, part_year, low, high):
    if low is not None and high is not None and high < low:
        low, high = high, low
    caps = {
        "minimum": None if low is None else from_minor(low, "DKK"),
        "maximum": None if high is None else from_minor(high, "DKK"),
    }
    try:
        plain = run_split(people, budget, method, part_year)
    except FeeError:
        return  # nothing to split by, caps or not

    def scaled(limit, factor):
        return div_half_up(limit * factor.numerator, factor.denominator)

    limits = [
        (
            charge.explanation.weight,
            0 if low is None else scaled(low, charge.explanation.part_year),
            None if high is None else scaled(high, charge.explanation.part_year),
        )
        for charge in plain.charges
    ]
    try:
        result = run_split(people, budget, method, part_year, **caps)
    except CapsCannotMeetBudget:
        least = sum(lowest for _weight, lowest, _highest in limits)
        most = sum(
            lowest if weight == 0 else highest
            for weight, lowest, highest in limits
            if weight == 0 or highest is not None
        )
        unbounded = any(weight and highest is None for weight, _lowest, highest in limits)
        assert budget < least or (not unbounded and budget > most)
        return
    shares = [charge for charge in result.charges if charge.kind == PRODUCT_SHARE]
    assert sum(charge.amount_minor for charge in shares) == budget
    for charge, (_weight, lowest, highest) in zip(shares, limits, strict=True):
        assert charge.amount_minor >= lowest
        assert highest is None or charge.amount_minor <= highest
