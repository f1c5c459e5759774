"""Product tariffs: tier tables, budget splits with part years and caps, pledges, entry fees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.fees.engine import (
    BY_POPULATION,
    BY_TIER_WEIGHTS,
    CAP_MAX,
    CAP_MIN,
    COMMITMENT,
    COMMITMENT_PLEDGE,
    DAYS,
    ENTRY_FEE,
    EQUAL,
    EQUAL_PART_AND_POPULATION,
    HALF_YEAR_AFTER_1_JULY,
    PRODUCT_SHARE,
    PRODUCT_TARIFF,
    RULE_SPLIT_POPULATION,
    RULE_TIER_TABLE,
    STATE_AGENCY,
    BudgetSplit,
    CapsCannotMeetBudget,
    FeeError,
    FeeYear,
    Flat,
    MembershipModel,
    MissingPopulation,
    ParticipationTerm,
    PartYearRule,
    TariffRule,
    TierTable,
    changes,
    product_charges,
)
from tests.fees.engine.helpers import BASIS, OS2_BANDS, YEAR, agreement, org

OS2 = PartYearRule(HALF_YEAR_AFTER_1_JULY)


def split(organisations, participations, pricing, part_year=OS2, **tariff):
    tariff = TariffRule("p", pricing, part_year=part_year, **tariff)
    return product_charges(YEAR, organisations, participations, tariff, tier_bands=[OS2_BANDS])


def amounts(result, kind=PRODUCT_SHARE):
    return {
        charge.organisation_key: charge.amount for charge in result.charges if charge.kind == kind
    }


def test_hand_calculation_of_a_population_split_with_a_late_joiner():
    # Budget DKK 100,000.00 = 10,000,000 minor units, by population, OS2's half-year rule.
    #   a: 30,000 residents, whole year      -> weight 30,000 x 2 = 60,000
    #   b: 20,000 residents, joined 1 Sep    -> weight 20,000 x 1 = 20,000
    #   c: 10,001 residents, whole year      -> weight 10,001 x 2 = 20,002
    #   total weight 100,002
    #   a: 10,000,000 x 60,000 / 100,002 = 5,999,880 rest  240
    #   b: 10,000,000 x 20,000 / 100,002 = 1,999,960 rest   80
    #   c: 10,000,000 x 20,002 / 100,002 = 2,000,159 rest 99,682
    #   floors add up to 9,999,999: the one unit left goes to the largest remainder, c.
    #   a 59,998.80 + b 19,999.60 + c 20,001.60 = 100,000.00
    organisations = [org("a", 30_000), org("b", 20_000), org("c", 10_001)]
    participations = [
        agreement("a"),
        agreement("b", starts_on=date(YEAR, 9, 1)),
        agreement("c"),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(100_000), BY_POPULATION))
    assert amounts(result) == {
        "a": Decimal("59998.80"),
        "b": Decimal("19999.60"),
        "c": Decimal("20001.60"),
    }
    assert result.total == Decimal("100000.00")
    c = result.for_organisation("c")[0].explanation
    assert c.rule == RULE_SPLIT_POPULATION
    assert (c.basis_population, c.basis_year) == (10_001, BASIS)
    assert (c.weight, c.total_weight, c.shared_minor) == (20_002, 100_002, 10_000_000)
    assert c.rounding_adjustment == 1
    b = result.for_organisation("b")[0].explanation
    assert (b.part_year_numerator, b.part_year_denominator, b.rounding_adjustment) == (1, 2, 0)


@pytest.mark.parametrize(
    ("method", "extra", "expected"),
    [
        (EQUAL, {}, {"a": "333.34", "b": "333.33", "c": "333.33"}),
        (BY_POPULATION, {}, {"a": "100.00", "b": "300.00", "c": "600.00"}),
        # small 1, medium 2, large 3: 1 + 2 + 3 = 6 parts of 1,000
        (
            BY_TIER_WEIGHTS,
            {"tier_weights": {"small": 1, "medium": 2, "large": 3, "very_large": 4}},
            {"a": "166.67", "b": "333.33", "c": "500.00"},
        ),
        # 30 % = 300 equally (100 each), 700 by population (70, 210, 420)
        (
            EQUAL_PART_AND_POPULATION,
            {"equal_percentage": Decimal(30)},
            {"a": "170.00", "b": "310.00", "c": "520.00"},
        ),
    ],
)
def test_split_methods(method, extra, expected):
    organisations = [org("a", 10_000), org("b", 30_000), org("c", 60_000)]
    participations = [agreement(key) for key in "abc"]
    result = split(organisations, participations, BudgetSplit(Decimal(1_000), method, **extra))
    assert amounts(result) == {key: Decimal(value) for key, value in expected.items()}
    assert result.total_minor == result.budget_minor == 100_000


def test_tier_weights_may_be_decimals():
    organisations = [org("a", 10_000), org("b", 30_000)]
    pricing = BudgetSplit(
        Decimal(300), BY_TIER_WEIGHTS, tier_weights={"small": Decimal("0.5"), "medium": 1}
    )
    result = split(organisations, [agreement("a"), agreement("b")], pricing)
    assert amounts(result) == {"a": Decimal("100.00"), "b": Decimal("200.00")}


def test_one_participant_pays_the_whole_budget():
    result = split([org("a", 5)], [agreement("a")], BudgetSplit(Decimal("12345.67"), BY_POPULATION))
    assert amounts(result) == {"a": Decimal("12345.67")}


def test_one_cent_among_three():
    organisations = [org(key, 1_000) for key in "cab"]
    participations = [agreement(key) for key in "bca"]
    result = split(organisations, participations, BudgetSplit(Decimal("0.01"), EQUAL))
    # Equal remainders: the unit goes to the first key.
    assert amounts(result) == {"a": Decimal("0.01"), "b": Decimal("0.00"), "c": Decimal("0.00")}


def test_a_budget_of_zero_splits_into_zeros():
    result = split(
        [org("a", 1), org("b", 2)], [agreement("a"), agreement("b")], BudgetSplit(Decimal(0))
    )
    assert amounts(result) == {"a": Decimal("0.00"), "b": Decimal("0.00")}


def test_part_years_by_days_in_a_leap_year_still_add_up():
    organisations = [org("a", 1), org("b", 1)]
    participations = [agreement("a"), agreement("b", starts_on=date(2028, 3, 1))]
    tariff = TariffRule("p", BudgetSplit(Decimal(1_000)), part_year=PartYearRule(DAYS))
    result = FeeYear(2028, organisations, participations).product_charges(tariff)
    # weights 366 and 306: 1,000 x 366 / 672 = 544.642.. and 1,000 x 306 / 672 = 455.357..
    assert amounts(result) == {"a": Decimal("544.64"), "b": Decimal("455.36")}


def test_joining_on_1_july_shares_like_a_whole_year_and_on_2_july_like_half():
    organisations = [org(key, 1) for key in "abc"]
    participations = [
        agreement("a"),
        agreement("b", starts_on=date(YEAR, 7, 1)),
        agreement("c", starts_on=date(YEAR, 7, 2)),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(500)))
    assert amounts(result) == {
        "a": Decimal("200.00"),
        "b": Decimal("200.00"),
        "c": Decimal("100.00"),
    }


def test_only_agreements_in_force_during_the_year_share():
    organisations = [org(key, 1) for key in "abcd"]
    participations = [
        agreement("a"),
        agreement("b", starts_on=date(YEAR + 1, 1, 1)),
        agreement("c", ends_on=date(YEAR - 1, 12, 31)),
        agreement("d", product="other"),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(100)))
    assert amounts(result) == {"a": Decimal("100.00")}


def test_several_agreements_of_one_organisation_count_once():
    organisations = [org("a", 1), org("b", 1)]
    participations = [
        agreement("a", starts_on=date(2020, 1, 1), ends_on=date(YEAR, 3, 31)),
        agreement("a", starts_on=date(YEAR, 4, 1)),
        agreement("b"),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(100)))
    assert amounts(result) == {"a": Decimal("50.00"), "b": Decimal("50.00")}


def test_a_maximum_spreads_the_rest_over_the_others():
    # Raw shares 100, 100, 800; c is held at 500 and the 300 it does not pay goes to a and b.
    organisations = [org("a", 100), org("b", 100), org("c", 800)]
    participations = [agreement(key) for key in "abc"]
    pricing = BudgetSplit(Decimal(1_000), BY_POPULATION, maximum=Decimal(500))
    result = split(organisations, participations, pricing)
    assert amounts(result) == {
        "a": Decimal("250.00"),
        "b": Decimal("250.00"),
        "c": Decimal("500.00"),
    }
    c = result.for_organisation("c")[0].explanation
    assert (c.cap, c.cap_limit_minor) == (CAP_MAX, 50_000)


def test_a_maximum_repeated_until_no_cap_is_violated():
    # First round: c (600) over 350; then b's share of the rest (250 -> 325) is over 350? No:
    # a 100, b 300, c 600 -> c at 350, a and b share 650 by 1:3 -> 162.50, 487.50 -> b at 350,
    # a pays the remaining 300.
    organisations = [org("a", 100), org("b", 300), org("c", 600)]
    participations = [agreement(key) for key in "abc"]
    pricing = BudgetSplit(Decimal(1_000), BY_POPULATION, maximum=Decimal(350))
    result = split(organisations, participations, pricing)
    assert amounts(result) == {
        "a": Decimal("300.00"),
        "b": Decimal("350.00"),
        "c": Decimal("350.00"),
    }


def test_a_minimum_takes_from_the_others():
    organisations = [org("a", 10), org("b", 990)]
    pricing = BudgetSplit(Decimal(1_000), BY_POPULATION, minimum=Decimal(100))
    result = split(organisations, [agreement("a"), agreement("b")], pricing)
    assert amounts(result) == {"a": Decimal("100.00"), "b": Decimal("900.00")}
    assert result.for_organisation("a")[0].explanation.cap == CAP_MIN


def test_caps_follow_the_part_year_unless_told_otherwise():
    organisations = [org("a", 1), org("b", 1), org("c", 4)]
    participations = [agreement("a"), agreement("b"), agreement("c", starts_on=date(YEAR, 9, 1))]
    # Weights 1 x 2, 1 x 2, 4 x 1 of 1,000: 250, 250, 500.
    pricing = BudgetSplit(Decimal(1_000), BY_POPULATION, maximum=Decimal(600))
    result = split(organisations, participations, pricing)
    # c may pay half of 600 for its half year: 300, and a and b pay 350 each.
    assert amounts(result) == {
        "a": Decimal("350.00"),
        "b": Decimal("350.00"),
        "c": Decimal("300.00"),
    }
    assert result.for_organisation("c")[0].explanation.cap_limit_minor == 30_000
    whole_year_caps = BudgetSplit(
        Decimal(1_000), BY_POPULATION, maximum=Decimal(600), caps_follow_part_year=False
    )
    result = split(organisations, participations, whole_year_caps)
    assert amounts(result) == {
        "a": Decimal("250.00"),
        "b": Decimal("250.00"),
        "c": Decimal("500.00"),
    }


def test_everyone_capped_is_an_error_naming_the_product_the_year_and_the_gap():
    organisations = [org(key, 1) for key in "abcd"]
    participations = [agreement(key) for key in "abcd"]
    pricing = BudgetSplit(Decimal(1_000), maximum=Decimal(200))
    with pytest.raises(CapsCannotMeetBudget) as caught:
        split(organisations, participations, pricing)
    error = caught.value
    assert (error.product_key, error.year, error.gap) == ("p", YEAR, Decimal("200.00"))
    assert str(error) == (
        "cannot split the 2027 budget of product p: the maximums leave 200.00 DKK of the budget unpaid"
    )


def test_minimums_above_the_budget_are_an_error_too():
    organisations = [org(key, 1) for key in "ab"]
    pricing = BudgetSplit(Decimal(100), minimum=Decimal(60))
    with pytest.raises(CapsCannotMeetBudget, match="the minimums exceed the budget by 20.00 DKK"):
        split(organisations, [agreement("a"), agreement("b")], pricing)


def test_a_budget_without_participants_is_an_error():
    with pytest.raises(FeeError, match="2027 budget of product p: no participant"):
        split([org("a", 1)], [], BudgetSplit(Decimal(100)))


def test_a_population_split_among_bodies_without_residents_is_an_error():
    with pytest.raises(FeeError, match="no participant to split it by"):
        split([org("a", 0)], [agreement("a")], BudgetSplit(Decimal(100), BY_POPULATION))


def test_a_population_split_needs_every_population():
    organisations = [org("a", 1), org("b", name="Odder Kommune")]
    with pytest.raises(MissingPopulation, match="1 January 2026 for Odder Kommune"):
        split(
            organisations, [agreement("a"), agreement("b")], BudgetSplit(Decimal(1), BY_POPULATION)
        )


def test_tier_table_with_a_hand_set_tier_and_a_late_joiner():
    organisations = [
        org("a", 30_000),
        org("agency", 0, kind=STATE_AGENCY, tier="large"),
        org("late", 10_000),
    ]
    participations = [
        agreement("a"),
        agreement("agency"),
        agreement("late", starts_on=date(YEAR, 8, 1)),
    ]
    table = TierTable({"small": Decimal(1_000), "medium": Decimal(2_000), "large": Decimal(3_000)})
    result = split(organisations, participations, table)
    assert amounts(result, PRODUCT_TARIFF) == {
        "a": Decimal("2000.00"),
        "agency": Decimal("3000.00"),
        "late": Decimal("500.00"),
    }
    assert result.budget_minor is None
    assert result.for_organisation("a")[0].explanation.rule == RULE_TIER_TABLE


def test_a_tier_missing_from_the_table_is_an_error():
    table = TierTable({"small": Decimal(1_000)})
    with pytest.raises(FeeError, match="2027 tariff of product p has no amount for tier medium"):
        split([org("a", 30_000)], [agreement("a")], table)


def test_commitments_pay_their_pledge_outside_the_split():
    organisations = [org("a", 1), org("b", 1)]
    participations = [
        agreement("a"),
        agreement("b"),
        ParticipationTerm("b", "p", COMMITMENT, date(2020, 1, 1), None, Decimal(5_000)),
        ParticipationTerm("a", "p", COMMITMENT, date(YEAR, 10, 1), None, Decimal(3_000)),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(1_000)))
    assert amounts(result) == {"a": Decimal("500.00"), "b": Decimal("500.00")}
    assert amounts(result, COMMITMENT_PLEDGE) == {"a": Decimal("1500.00"), "b": Decimal("5000.00")}
    assert result.total == Decimal("7500.00")


def test_a_commitment_alone_does_not_make_a_participant_of_the_split():
    organisations = [org("a", 1), org("b", 1)]
    participations = [
        agreement("a"),
        ParticipationTerm("b", "p", COMMITMENT, date(2020, 1, 1), None, Decimal(5_000)),
    ]
    result = split(organisations, participations, BudgetSplit(Decimal(1_000)))
    assert amounts(result) == {"a": Decimal("1000.00")}


def test_entry_fee_for_organisations_joining_after_the_first_year():
    organisations = [org(key, 1) for key in ("old", "new", "back", "next")]
    participations = [
        agreement("old", starts_on=date(2021, 1, 1)),
        agreement("new", starts_on=date(YEAR, 1, 1)),
        # Joined long ago, left, came back: not new to the product, no entry fee.
        agreement("back", starts_on=date(2021, 1, 1), ends_on=date(2022, 12, 31)),
        agreement("back", starts_on=date(YEAR, 3, 1)),
        agreement("next", starts_on=date(YEAR + 1, 1, 1)),
    ]
    result = split(
        organisations,
        participations,
        BudgetSplit(Decimal(300)),
        first_year=2021,
        entry_fee=Decimal(2_500),
    )
    assert amounts(result, ENTRY_FEE) == {"new": Decimal("2500.00")}
    assert amounts(result) == {
        "old": Decimal("100.00"),
        "new": Decimal("100.00"),
        "back": Decimal("100.00"),
    }


def test_no_entry_fee_in_the_products_first_year():
    organisations = [org("a", 1)]
    result = split(
        organisations,
        [agreement("a", starts_on=date(YEAR, 5, 1))],
        BudgetSplit(Decimal(300)),
        entry_fee=Decimal(2_500),
    )
    assert amounts(result, ENTRY_FEE) == {}


def test_charges_gathers_membership_and_products():
    fees = FeeYear(YEAR, [org("a", 1), org("b", 1)], [agreement("a"), agreement("b")])
    charges = fees.charges(
        MembershipModel(Flat(Decimal(100))),
        [
            TariffRule("p", BudgetSplit(Decimal(10))),
            TariffRule("q", BudgetSplit(Decimal(0))),
        ],
    )
    assert [(charge.organisation_key, charge.product_key) for charge in charges] == [
        ("a", None),
        ("b", None),
        ("a", "p"),
        ("b", "p"),
    ]
    assert sum(charge.amount for charge in charges) == Decimal("210.00")


def test_a_preview_of_joining_shows_whose_share_changes():
    organisations = [org("a", 10_000), org("b", 30_000), org("new", 10_000)]
    participations = [agreement("a"), agreement("b")]
    tariff = TariffRule(
        "p", BudgetSplit(Decimal(1_000), BY_POPULATION), first_year=2020, entry_fee=Decimal(50)
    )
    before = FeeYear(YEAR, organisations, participations).product_charges(tariff)
    joined = [*participations, agreement("new", starts_on=date(YEAR, 1, 1))]
    after = FeeYear(YEAR, organisations, joined).product_charges(tariff)
    assert changes(before, after) == {
        "a": (25_000, 20_000),
        "b": (75_000, 60_000),
        "new": (0, 20_000 + 5_000),
    }


def test_participants_with_their_part_of_the_year():
    organisations = [org("b", 1), org("a", 1), org("c", 1)]
    participations = [
        agreement("b", starts_on=date(YEAR, 8, 1)),
        agreement("a"),
        agreement("c", product="other"),
    ]
    fees = FeeYear(YEAR, organisations, participations)
    assert [
        (organisation.key, numerator) for organisation, numerator in fees.participants("p", OS2)
    ] == [("a", 2), ("b", 1)]
