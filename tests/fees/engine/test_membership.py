"""Membership fees: the worked examples of PRODUCT.md and a few more."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.fees.engine import (
    CAP_MAX,
    CAP_MIN,
    HALF_YEAR_AFTER_1_JULY,
    MEMBERSHIP,
    REGION,
    RULE_EXEMPT,
    RULE_FLAT,
    RULE_INDEXED_FLAT,
    RULE_PER_RESIDENT,
    RULE_PER_RESIDENT_MARGINAL,
    RULE_PER_TIER,
    STATE_AGENCY,
    TIER_FROM_BANDS,
    TIER_SET_BY_HAND,
    WHOLE_MONTHS,
    Exempt,
    FeeYear,
    Flat,
    IndexedFlat,
    MarginalBand,
    MembershipModel,
    MissingPopulation,
    MissingTier,
    PartYearRule,
    PerResident,
    PerTier,
    TierBands,
    membership_fees,
)
from tests.fees.engine.helpers import BASIS, OS2_BANDS, YEAR, org

OS2_MODEL = MembershipModel(Flat(Decimal("25000")), part_year=PartYearRule(HALF_YEAR_AFTER_1_JULY))
OPEN_CITIES_BRACKETS = ((0, Decimal(3)), (10_000, Decimal(2)), (100_001, Decimal(1)))
OPEN_CITIES = MembershipModel(
    PerResident(OPEN_CITIES_BRACKETS),
    by_kind={REGION: Flat(Decimal(49_000)), STATE_AGENCY: Exempt()},
)
OPEN_CITIES_MARGINAL = MembershipModel(PerResident(OPEN_CITIES_BRACKETS, marginal=True))
TIER_AMOUNTS = {
    "small": Decimal(10_000),
    "medium": Decimal(20_000),
    "large": Decimal(30_000),
    "very_large": Decimal(40_000),
}


def fee(organisation, model, currency="DKK", **settings):
    (charge,) = membership_fees(YEAR, [organisation], model, currency=currency, **settings)
    assert charge.kind == MEMBERSHIP
    return charge


@pytest.mark.parametrize(
    ("member_from", "amount"),
    [
        (None, Decimal("25000.00")),
        (date(2015, 3, 1), Decimal("25000.00")),
        (date(YEAR, 1, 1), Decimal("25000.00")),
        (date(YEAR, 7, 1), Decimal("25000.00")),
        (date(YEAR, 7, 2), Decimal("12500.00")),
        (date(YEAR, 12, 31), Decimal("12500.00")),
    ],
)
def test_os2_flat_fee_with_its_half_year_rule(member_from, amount):
    charge = fee(org("a", member_from=member_from), OS2_MODEL)
    assert charge.amount == amount
    assert charge.explanation.rule == RULE_FLAT
    assert charge.explanation.rate == Decimal("25000")
    # A flat fee needs no population: none is asked for.
    assert charge.explanation.basis_population is None


def test_os2_half_year_factor_is_exact():
    charge = fee(org("a", member_from=date(YEAR, 9, 1)), OS2_MODEL)
    assert (charge.explanation.part_year_numerator, charge.explanation.part_year_denominator) == (
        1,
        2,
    )
    assert str(charge.explanation.part_year) == "1/2"


def test_leaving_during_the_year_pays_the_whole_year():
    charge = fee(org("a", member_until=date(YEAR, 3, 31)), OS2_MODEL)
    assert charge.amount == Decimal("25000.00")


def test_leaving_with_refunds_pays_the_months_in_force():
    model = MembershipModel(Flat(Decimal(24_000)), part_year=PartYearRule(WHOLE_MONTHS, True))
    charge = fee(org("a", member_until=date(YEAR, 3, 31)), model)
    assert charge.amount == Decimal("6000.00")


def test_not_a_member_during_the_year_pays_nothing_and_gets_no_line():
    organisations = [
        org("later", member_from=date(YEAR + 1, 1, 1)),
        org("gone", member_until=date(YEAR - 1, 12, 31)),
    ]
    assert membership_fees(YEAR, organisations, OS2_MODEL) == ()


@pytest.mark.parametrize(
    ("base", "old_index", "new_index", "amount"),
    [
        (Decimal(25_000), Decimal(100), Decimal("103.2"), Decimal("25800.00")),
        # 25,000 x 101.37 / 100.13 = 25,309.5975... -> 25,309.60
        (Decimal(25_000), Decimal("100.13"), Decimal("101.37"), Decimal("25309.60")),
        # 1.01 x 250 / 100 = 2.525 -> 2.53 (half up, not to even)
        (Decimal("1.01"), Decimal(100), Decimal(250), Decimal("2.53")),
    ],
)
def test_index_regulation_rounds_half_up_to_the_minor_unit(base, old_index, new_index, amount):
    charge = fee(org("a"), MembershipModel(IndexedFlat(base, old_index, new_index)))
    assert charge.amount == amount
    assert charge.explanation.rule == RULE_INDEXED_FLAT
    assert ("new_index", new_index) in charge.explanation.details


@pytest.mark.parametrize(
    ("population", "amount", "rate"),
    [
        (8_000, Decimal("24000.00"), 3),
        (9_999, Decimal("29997.00"), 3),
        (10_000, Decimal("20000.00"), 2),
        (100_000, Decimal("200000.00"), 2),
        (100_001, Decimal("100001.00"), 1),
        (300_000, Decimal("300000.00"), 1),
        (0, Decimal("0.00"), 3),
    ],
)
def test_open_cities_whole_population_at_its_brackets_rate(population, amount, rate):
    charge = fee(org("a", population), OPEN_CITIES, currency="CZK")
    assert charge.amount == amount
    assert charge.currency == "CZK"
    explanation = charge.explanation
    assert explanation.rule == RULE_PER_RESIDENT
    assert explanation.rate == rate
    assert (explanation.basis_population, explanation.basis_year) == (population, BASIS)


@pytest.mark.parametrize(
    ("population", "amount", "bands"),
    [
        (8_000, Decimal("24000.00"), [(0, 8_000, 3)]),
        (10_000, Decimal("30000.00"), [(0, 10_000, 3)]),
        # 10,000 x 3 + 40,000 x 2
        (50_000, Decimal("110000.00"), [(0, 10_000, 3), (10_000, 40_000, 2)]),
        # 10,000 x 3 + 90,001 x 2 + 199,999 x 1: each band holds the residents between its
        # lower bound and the next one.
        (
            300_000,
            Decimal("410001.00"),
            [(0, 10_000, 3), (10_000, 90_001, 2), (100_001, 199_999, 1)],
        ),
    ],
)
def test_marginal_brackets(population, amount, bands):
    charge = fee(org("a", population), OPEN_CITIES_MARGINAL, currency="CZK")
    assert charge.amount == amount
    assert charge.explanation.rule == RULE_PER_RESIDENT_MARGINAL
    assert dict(charge.explanation.details)["bands"] == tuple(
        MarginalBand(bound, residents, Decimal(rate)) for bound, residents, rate in bands
    )


def test_marginal_rates_with_fractions_of_the_minor_unit_round_once_at_the_end():
    model = MembershipModel(
        PerResident(((0, Decimal("0.333")), (10, Decimal("0.125"))), marginal=True)
    )
    # 10 x 0.333 + 5 x 0.125 = 3.33 + 0.625 = 3.955 -> 3.96
    assert fee(org("a", 15), model).amount == Decimal("3.96")


def test_regions_pay_a_flat_amount_and_state_agencies_are_exempt():
    organisations = [
        org("city", 50_000),
        org("region", None, kind=REGION),
        org("agency", None, kind=STATE_AGENCY),
    ]
    charges = {
        charge.organisation_key: charge
        for charge in membership_fees(YEAR, organisations, OPEN_CITIES, currency="CZK")
    }
    assert charges["city"].amount == Decimal("100000.00")
    assert charges["region"].amount == Decimal("49000.00")
    assert charges["region"].explanation.organisation_kind == REGION
    assert charges["agency"].amount == Decimal("0.00")
    assert charges["agency"].explanation.rule == RULE_EXEMPT


@pytest.mark.parametrize(
    ("population", "tier", "amount"),
    [
        (24_999, "small", Decimal("10000.00")),
        (25_000, "medium", Decimal("20000.00")),
        (60_000, "large", Decimal("30000.00")),
        (120_000, "very_large", Decimal("40000.00")),
    ],
)
def test_amount_per_tier_from_the_bands(population, tier, amount):
    charge = fee(
        org("a", population), MembershipModel(PerTier(TIER_AMOUNTS)), tier_bands=[OS2_BANDS]
    )
    assert charge.amount == amount
    assert charge.explanation.rule == RULE_PER_TIER
    assert (charge.explanation.tier, charge.explanation.tier_source) == (tier, TIER_FROM_BANDS)
    assert charge.explanation.basis_population == population


def test_a_body_without_residents_pays_by_its_hand_set_tier():
    agency = org("agency", 0, kind=STATE_AGENCY, tier="medium")
    charge = fee(agency, MembershipModel(PerTier(TIER_AMOUNTS)), tier_bands=[OS2_BANDS])
    assert charge.amount == Decimal("20000.00")
    assert (charge.explanation.tier, charge.explanation.tier_source) == (
        "medium",
        TIER_SET_BY_HAND,
    )


def test_a_hand_set_tier_needs_no_population():
    agency = org("agency", None, kind=STATE_AGENCY, tier="large")
    charge = fee(agency, MembershipModel(PerTier(TIER_AMOUNTS)))
    assert charge.amount == Decimal("30000.00")


def test_bands_in_force_in_the_basis_year_are_used():
    later = TierBands(YEAR, ((0, "small"), (10_000, "medium")))
    charge = fee(
        org("a", 20_000), MembershipModel(PerTier(TIER_AMOUNTS)), tier_bands=[OS2_BANDS, later]
    )
    assert charge.explanation.tier == "small"


def test_no_tier_and_no_bands_is_an_error():
    with pytest.raises(MissingTier, match="no tier for FeePayer a"):
        fee(org("a", 20_000), MembershipModel(PerTier(TIER_AMOUNTS)))


@pytest.mark.parametrize(
    ("population", "amount", "cap"),
    [
        (8_000, Decimal("30000.00"), CAP_MIN),
        (50_000, Decimal("100000.00"), None),
        (300_000, Decimal("250000.00"), CAP_MAX),
    ],
)
def test_minimum_and_maximum(population, amount, cap):
    model = MembershipModel(
        PerResident(OPEN_CITIES_BRACKETS), minimum=Decimal(30_000), maximum=Decimal(250_000)
    )
    charge = fee(org("a", population), model, currency="CZK")
    assert charge.amount == amount
    assert charge.explanation.cap == cap


def test_the_minimum_applies_before_the_part_year():
    model = MembershipModel(
        PerResident(OPEN_CITIES_BRACKETS),
        minimum=Decimal(30_000),
        part_year=PartYearRule(HALF_YEAR_AFTER_1_JULY),
    )
    charge = fee(org("a", 8_000, member_from=date(YEAR, 8, 1)), model, currency="CZK")
    assert charge.amount == Decimal("15000.00")
    assert dict(charge.explanation.details)["uncapped_minor"] == 2_400_000


def test_a_missing_population_is_an_error_naming_the_organisation_and_the_year():
    aarhus = org("aarhus", populations={2025: 350_000}, name="Aarhus Kommune")
    with pytest.raises(MissingPopulation) as caught:
        fee(aarhus, OPEN_CITIES)
    assert str(caught.value) == "no population on 1 January 2026 for Aarhus Kommune (aarhus)"
    assert (caught.value.organisation_key, caught.value.year) == ("aarhus", 2026)


def test_the_population_offset_is_configurable():
    city = org("a", populations={YEAR: 8_000, YEAR - 1: 20_000})
    assert fee(city, OPEN_CITIES).amount == Decimal("40000.00")  # 20,000 on 1 January 2026, x 2
    same_year = fee(city, OPEN_CITIES, population_offset=0)
    assert same_year.amount == Decimal("24000.00")  # 8,000 on 1 January 2027, x 3
    assert same_year.explanation.basis_year == YEAR


def test_fees_come_back_in_key_order_whatever_the_input_order():
    organisations = [org(key, 1_000) for key in ("c", "a", "b")]
    fees = FeeYear(YEAR, organisations).membership_fees(OPEN_CITIES)
    assert [charge.organisation_key for charge in fees] == ["a", "b", "c"]


def test_amounts_finer_than_the_minor_unit_are_refused():
    with pytest.raises(ValueError, match="more decimals"):
        fee(org("a"), MembershipModel(Flat(Decimal("0.001"))))


def test_float_amounts_are_refused():
    with pytest.raises(TypeError, match="never float"):
        Flat(25000.0)
