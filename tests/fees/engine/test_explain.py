"""The explanation of an amount, rendered in one line, in English or through a catalogue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from consortium.fees import engine
from consortium.fees.engine import (
    BY_POPULATION,
    BY_TIER_WEIGHTS,
    COMMITMENT,
    EQUAL_PART_AND_POPULATION,
    HALF_YEAR_AFTER_1_JULY,
    REGION,
    STATE_AGENCY,
    BudgetSplit,
    Exempt,
    FeeYear,
    Flat,
    IndexedFlat,
    MembershipModel,
    ParticipationTerm,
    PartYearRule,
    PerResident,
    PerTier,
    TariffRule,
    TierTable,
    describe,
)
from tests.fees.engine.helpers import OS2_BANDS, YEAR, agreement, org

OS2 = PartYearRule(HALF_YEAR_AFTER_1_JULY)


def membership(organisation, model, currency="DKK"):
    (charge,) = FeeYear(
        YEAR, [organisation], currency=currency, tier_bands=[OS2_BANDS]
    ).membership_fees(model)
    return charge


def test_flat_fee_for_half_a_year():
    charge = membership(
        org("a", member_from=date(YEAR, 9, 1)),
        MembershipModel(Flat(Decimal("25000.00")), part_year=OS2),
    )
    assert describe(charge) == "flat fee of 25,000.00 DKK a year; 1/2 of the year: 12,500.00 DKK"


def test_indexed_flat_fee():
    model = MembershipModel(IndexedFlat(Decimal("25000.00"), Decimal(100), Decimal("103.2")))
    assert describe(membership(org("a"), model)) == (
        "25,000.00 DKK regulated by the index 103.2 / 100: 25,800.00 DKK"
    )


def test_per_resident_with_a_minimum():
    model = MembershipModel(
        PerResident(((0, Decimal(3)), (10_000, Decimal(2)))), minimum=Decimal("30000.00")
    )
    assert describe(membership(org("a", 8_000), model, "CZK")) == (
        "8,000 residents on 1 January 2026 at 3 CZK per resident; "
        "raised to the minimum of 30,000.00 CZK: 30,000.00 CZK"
    )


def test_marginal_brackets():
    model = MembershipModel(PerResident(((0, Decimal(3)), (10_000, Decimal(2))), marginal=True))
    assert describe(membership(org("a", 12_000), model, "CZK")) == (
        "12,000 residents on 1 January 2026 at the rates of their brackets "
        "(10,000 at 3 CZK, 2,000 at 2 CZK): 34,000.00 CZK"
    )


def test_rules_by_kind():
    model = MembershipModel(
        Flat(Decimal(1)), by_kind={REGION: Flat(Decimal(49_000)), STATE_AGENCY: Exempt()}
    )
    assert describe(membership(org("r", kind=REGION), model, "CZK")) == (
        "rule for region; flat fee of 49,000 CZK a year: 49,000.00 CZK"
    )
    assert describe(membership(org("s", kind=STATE_AGENCY), model, "CZK")) == (
        "exempt as state_agency: 0.00 CZK"
    )


def test_tiers_from_population_and_by_hand():
    model = MembershipModel(PerTier({"medium": Decimal(20_000), "large": Decimal(30_000)}))
    assert describe(membership(org("a", 30_000), model)) == (
        "20,000 DKK a year for tier medium; tier medium from 30,000 residents on 1 January 2026: "
        "20,000.00 DKK"
    )
    assert describe(membership(org("b", 0, tier="large"), model)) == (
        "30,000 DKK a year for tier large; tier large set by hand: 30,000.00 DKK"
    )


def test_split_shares_with_rounding_and_caps():
    organisations = [org("a", 1), org("b", 1), org("c", 1)]
    fees = FeeYear(YEAR, organisations, [agreement(key) for key in "abc"])
    result = fees.product_charges(TariffRule("p", BudgetSplit(Decimal("0.01"))))
    assert describe(result.charges[0]) == (
        "equal share of the budget of 0.01 DKK; rounding adjustment of 0.01 DKK: 0.01 DKK"
    )
    organisations = [org("a", 100), org("b", 900)]
    fees = FeeYear(
        YEAR,
        organisations,
        [agreement("a"), agreement("b", starts_on=date(YEAR, 8, 1))],
        tier_bands=[OS2_BANDS],
    )
    tariff = TariffRule(
        "p", BudgetSplit(Decimal(100), BY_POPULATION, maximum=Decimal(80)), part_year=OS2
    )
    a, b = fees.product_charges(tariff).charges
    assert describe(b) == (
        "share of the budget of 100.00 DKK by population (900 residents on 1 January 2026); "
        "lowered to the maximum of 40.00 DKK; 1/2 of the year: 40.00 DKK"
    )
    tariff = TariffRule(
        "p", BudgetSplit(Decimal(100), BY_TIER_WEIGHTS, tier_weights={"small": 1}), part_year=OS2
    )
    assert describe(fees.product_charges(tariff).charges[0]) == (
        "share of the budget of 100.00 DKK by tier weight (tier small, weight 1); "
        "tier small from 100 residents on 1 January 2026; rounding adjustment of 0.01 DKK: 66.67 DKK"
    )
    tariff = TariffRule(
        "p", BudgetSplit(Decimal(100), EQUAL_PART_AND_POPULATION, equal_percentage=Decimal(40))
    )
    assert describe(fees.product_charges(tariff).charges[0]) == (
        "share of the budget of 100.00 DKK, 40 % equally and the rest by population "
        "(100 residents on 1 January 2026): 26.00 DKK"
    )


def test_a_translate_callable_and_number_formats_are_used():
    catalogue = {
        engine.MSG_FLAT: "fast kontingent på %(rate)s om året",
        engine.MSG_PART_YEAR: "%(fraction)s af året",
        engine.MSG_LINE: "%(reasons)s = %(amount)s",
    }
    charge = membership(
        org("a", member_from=date(YEAR, 9, 1)),
        MembershipModel(Flat(Decimal("25000.00")), part_year=OS2),
    )

    def danish_amount(amount, currency):
        return f"{amount:,} {currency}".replace(",", "X").replace(".", ",").replace("X", ".")

    assert describe(charge, catalogue.get, danish_amount) == (
        "fast kontingent på 25.000,00 DKK om året; 1/2 af året = 12.500,00 DKK"
    )


def test_every_message_template_uses_only_named_placeholders():
    templates = {name: value for name, value in vars(engine).items() if name.startswith("MSG_")}
    assert len(templates) > 15
    for name, template in templates.items():
        stripped = template.replace("%%", "")
        assert stripped.count("%") == stripped.count("%("), name
        assert "%(" not in template or ")s" in template, name


def test_tier_tariff_pledge_and_entry_fee():
    organisations = [org("a", 30_000), org("b", 1)]
    participations = [
        agreement("a", starts_on=date(YEAR, 9, 1)),
        ParticipationTerm("b", "p", COMMITMENT, date(2020, 1, 1), None, Decimal("5000.00")),
    ]
    tariff = TariffRule(
        "p",
        TierTable({"medium": Decimal("2000.00")}),
        part_year=OS2,
        first_year=2020,
        entry_fee=Decimal("750.00"),
    )
    fees = FeeYear(YEAR, organisations, participations, tier_bands=[OS2_BANDS])
    lines = [describe(charge) for charge in fees.product_charges(tariff).charges]
    assert lines == [
        "tariff of 2,000.00 DKK a year for tier medium; tier medium from 30,000 residents on "
        "1 January 2026; 1/2 of the year: 1,000.00 DKK",
        "pledged 5,000.00 DKK a year: 5,000.00 DKK",
        "entry fee for joining in 2027: 750.00 DKK",
    ]


def test_codes_become_words_through_label():
    model = MembershipModel(Flat(Decimal(1)), by_kind={STATE_AGENCY: Exempt()})
    words = {STATE_AGENCY: "a state agency"}
    charge = membership(org("s", kind=STATE_AGENCY), model)
    assert describe(charge, label=words.get) == "exempt as a state agency: 0.00 DKK"
