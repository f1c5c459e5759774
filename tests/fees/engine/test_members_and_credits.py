"""Who pays the membership fee, months counted two ways, and credits split like charges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from consortium.fees.engine import (
    BY_POPULATION,
    EQUAL,
    STARTED_MONTHS,
    WHOLE_MONTHS,
    BudgetSplit,
    FeeYear,
    Flat,
    MembershipModel,
    PartYearRule,
    TariffRule,
    describe,
    membership_fees,
)
from consortium.fees.engine.split import allocate, largest_remainder
from tests.fees.engine.helpers import YEAR, agreement, org

PROPERTIES = settings(max_examples=300, deadline=None, database=None)
STARTED = MembershipModel(Flat(Decimal("25000.00")), part_year=PartYearRule(STARTED_MONTHS))
WHOLE = MembershipModel(Flat(Decimal("25000.00")), part_year=PartYearRule(WHOLE_MONTHS))


def fees_by_key(organisations, model=STARTED):
    return {
        charge.organisation_key: charge for charge in membership_fees(YEAR, organisations, model)
    }


# -- only members pay ------------------------------------------------------------------------


def test_an_organisation_that_is_no_member_pays_no_membership_fee():
    charges = fees_by_key([org("member"), org("applicant", member=False)])
    assert set(charges) == {"member"}
    assert charges["member"].amount == Decimal("25000.00")


def test_a_non_member_is_not_a_member_whatever_its_dates_say():
    assert not org("x", member=False, member_from=date(2010, 1, 1)).member_during(YEAR)
    assert fees_by_key([org("x", member=False, member_from=date(2010, 1, 1))]) == {}


def test_a_non_member_still_pays_for_its_product():
    fee_year = FeeYear(
        YEAR,
        [org("member", 1000), org("applicant", 3000, member=False)],
        [agreement("member"), agreement("applicant")],
    )
    shares = fee_year.product_charges(
        TariffRule("p", BudgetSplit(Decimal("400.00"), BY_POPULATION))
    )
    assert [(c.organisation_key, c.amount) for c in shares.charges] == [
        ("applicant", Decimal("300.00")),
        ("member", Decimal("100.00")),
    ]
    assert fee_year.non_members_taking_part() == ("applicant",)
    assert fee_year.non_members_taking_part("other") == ()


def test_a_membership_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end before it starts"):
        org("x", member_from=date(YEAR, 5, 1), member_until=date(YEAR, 4, 30))


# -- started months and whole months in force -------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "started", "whole"),
    [
        (date(YEAR, 1, 1), "25000.00", "25000.00"),
        (date(YEAR, 8, 1), "10416.67", "10416.67"),
        (date(YEAR, 8, 15), "10416.67", "8333.33"),
        (date(YEAR, 12, 1), "2083.33", "2083.33"),
        (date(YEAR, 12, 15), "2083.33", "0.00"),
        (date(YEAR, 12, 31), "2083.33", "0.00"),
    ],
)
def test_joining_during_the_year_by_started_or_whole_months(joined, started, whole):
    organisation = org("a", member_from=joined)
    assert fees_by_key([organisation], STARTED)["a"].amount == Decimal(started)
    assert fees_by_key([organisation], WHOLE)["a"].amount == Decimal(whole)


def test_a_member_joining_on_15_december_does_not_vanish_from_the_year():
    charge = fees_by_key([org("late", member_from=date(YEAR, 12, 15))], WHOLE)["late"]
    assert charge.amount == Decimal("0.00")
    assert "0/12 of the year" in describe(charge)


def test_started_months_with_refunds_count_the_month_of_leaving():
    model = MembershipModel(Flat(Decimal("12000.00")), part_year=PartYearRule(STARTED_MONTHS, True))
    leaver = org("a", member_until=date(YEAR, 3, 15))
    assert fees_by_key([leaver], model)["a"].amount == Decimal("3000.00")


def test_leaving_without_refunds_pays_the_whole_year():
    leaver = org("a", member_until=date(YEAR, 3, 15))
    assert fees_by_key([leaver])["a"].amount == Decimal("25000.00")


# -- a credit splits like a charge ------------------------------------------------------------


def test_a_credit_of_100_over_three_equal_participants():
    fee_year = FeeYear(YEAR, [org("a"), org("b"), org("c")], [agreement(k) for k in "abc"])
    credit = fee_year.product_charges(TariffRule("p", BudgetSplit(Decimal("-100.00"), EQUAL)))
    assert [charge.amount for charge in credit.charges] == [
        Decimal("-33.34"),
        Decimal("-33.33"),
        Decimal("-33.33"),
    ]
    assert credit.total == Decimal("-100.00")
    assert credit.charges[0].explanation.rounding_adjustment == -1
    assert "rounding adjustment of -0.01 DKK" in describe(credit.charges[0])


def test_a_credit_mirrors_the_charge_of_the_same_amount():
    weights = [3, 7, 11, 1]
    charge, _adjustments, _total = largest_remainder(1001, weights)
    credit, _adjustments, _total = largest_remainder(-1001, weights)
    assert credit == [-amount for amount in charge]


def test_caps_bound_a_credits_absolute_amounts():
    allocation = allocate(-1000, [1, 1, 8], highs=[None, None, 500])
    assert allocation.amounts == [-250, -250, -500]
    assert allocation.caps == [None, None, "max"]


@PROPERTIES
@given(
    budget=st.integers(min_value=-(10**10), max_value=10**10),
    weights=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=30),
)
@example(budget=-10000, weights=[1, 1, 1])
def test_a_split_adds_up_and_every_share_has_the_totals_sign(budget, weights):
    if sum(weights) == 0:
        weights = [*weights[:-1], 1]
    amounts = allocate(budget, weights).amounts
    assert sum(amounts) == budget
    for amount in amounts:
        assert amount == 0 or (amount > 0) == (budget > 0)


@PROPERTIES
@given(
    budget=st.integers(min_value=-(10**9), max_value=-1),
    populations=st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=20),
)
def test_a_credit_split_by_population_adds_up_to_the_credit(budget, populations):
    populations = [*populations[:-1], populations[-1] + 1]
    keys = [f"o{index:02d}" for index in range(len(populations))]
    fee_year = FeeYear(
        YEAR,
        [org(key, population) for key, population in zip(keys, populations, strict=True)],
        [agreement(key) for key in keys],
    )
    credit = fee_year.product_charges(
        TariffRule("p", BudgetSplit(Decimal(budget).scaleb(-2), BY_POPULATION))
    )
    assert credit.total_minor == budget
    assert all(charge.amount_minor <= 0 for charge in credit.charges)
