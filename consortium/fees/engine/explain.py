"""What the engine hands back: amounts with their reasons, and a one-line rendering of them.

Charge and Explanation are NamedTuples (immutable, field names, cheap to make by the hundred
thousand). describe() renders one line in English, or in any language through a gettext-like
`translate` callable; the message templates are the module constants below, with %(name)s
placeholders, so the web layer can mark them for translation and pass its own catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from consortium.fees.engine.money import from_minor

# What a charge is for.
MEMBERSHIP = "membership"
PRODUCT_SHARE = "product_share"
PRODUCT_TARIFF = "product_tariff"
COMMITMENT_PLEDGE = "commitment"
ENTRY_FEE = "entry_fee"

# Rule codes.
RULE_FLAT = "flat"
RULE_INDEXED_FLAT = "indexed_flat"
RULE_PER_RESIDENT = "per_resident"
RULE_PER_RESIDENT_MARGINAL = "per_resident_marginal"
RULE_PER_TIER = "per_tier"
RULE_EXEMPT = "exempt"
RULE_TIER_TABLE = "tier_table"
RULE_SPLIT_EQUAL = "split_equal"
RULE_SPLIT_POPULATION = "split_population"
RULE_SPLIT_TIER_WEIGHTS = "split_tier_weights"
RULE_SPLIT_EQUAL_PART_AND_POPULATION = "split_equal_part_and_population"
RULE_COMMITMENT = "commitment"
RULE_ENTRY_FEE = "entry_fee"

CAP_MIN, CAP_MAX = "min", "max"


class MarginalBand(NamedTuple):
    """One band of a marginal per-resident fee: the residents in it and what they pay."""

    lower_bound: int
    residents: int
    rate: Decimal


class Explanation(NamedTuple):
    """Why an amount is what it is.

    For a split share: amount = floor(shared_minor * weight / total_weight) + rounding_adjustment,
    unless a cap fixed it at cap_limit_minor. For the other rules: full_year_minor (after a
    minimum or maximum) times the part-year factor, rounded half up.
    """

    rule: str
    basis_population: int | None = None
    basis_year: int | None = None
    tier: str | None = None
    tier_source: str | None = None
    rate: Decimal | None = None
    full_year_minor: int | None = None
    part_year_numerator: int = 1
    part_year_denominator: int = 1
    cap: str | None = None
    cap_limit_minor: int | None = None
    rounding_adjustment: int = 0
    weight: int | None = None
    total_weight: int | None = None
    budget_minor: int | None = None
    shared_minor: int | None = None
    organisation_kind: str | None = None
    details: tuple[tuple[str, Any], ...] = ()

    @property
    def part_year(self) -> Fraction:
        return Fraction(self.part_year_numerator, self.part_year_denominator)


class Charge(NamedTuple):
    """An amount one organisation pays in a year, in minor units, with its explanation."""

    organisation_key: str
    kind: str
    amount_minor: int
    currency: str  # a code of the currency table, consortium.fees.engine.money.CURRENCIES
    explanation: Explanation
    product_key: str | None = None

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)


# English message templates, to be marked for translation by the web layer.
MSG_LINE = "%(reasons)s: %(amount)s"
MSG_FLAT = "flat fee of %(rate)s a year"
MSG_INDEXED_FLAT = "%(base)s regulated by the index %(new_index)s / %(old_index)s"
MSG_PER_RESIDENT = "%(population)s residents on 1 January %(year)s at %(rate)s per resident"
MSG_PER_RESIDENT_MARGINAL = (
    "%(population)s residents on 1 January %(year)s at the rates of their brackets (%(bands)s)"
)
MSG_MARGINAL_BAND = "%(residents)s at %(rate)s"
MSG_PER_TIER = "%(rate)s a year for tier %(tier)s"
MSG_EXEMPT = "exempt as %(kind)s"
MSG_KIND_RULE = "rule for %(kind)s"
MSG_TIER_TABLE = "tariff of %(rate)s a year for tier %(tier)s"
MSG_SPLIT_EQUAL = "equal share of the budget of %(budget)s"
MSG_SPLIT_POPULATION = "share of the budget of %(budget)s by population (%(population)s residents on 1 January %(year)s)"
MSG_SPLIT_TIER_WEIGHTS = (
    "share of the budget of %(budget)s by tier weight (tier %(tier)s, weight %(tier_weight)s)"
)
MSG_SPLIT_EQUAL_PART_AND_POPULATION = "share of the budget of %(budget)s, %(percentage)s %% equally and the rest by population (%(population)s residents on 1 January %(year)s)"
MSG_COMMITMENT = "pledged %(rate)s a year"
MSG_ENTRY_FEE = "entry fee for joining in %(year)s"
MSG_TIER_BY_HAND = "tier %(tier)s set by hand"
MSG_TIER_FROM_POPULATION = "tier %(tier)s from %(population)s residents on 1 January %(year)s"
MSG_PART_YEAR = "%(fraction)s of the year"
MSG_CAP_MIN = "raised to the minimum of %(limit)s"
MSG_CAP_MAX = "lowered to the maximum of %(limit)s"
MSG_ROUNDING = "rounding adjustment of %(adjustment)s"

RULE_MESSAGES = {
    RULE_FLAT: MSG_FLAT,
    RULE_INDEXED_FLAT: MSG_INDEXED_FLAT,
    RULE_PER_RESIDENT: MSG_PER_RESIDENT,
    RULE_PER_RESIDENT_MARGINAL: MSG_PER_RESIDENT_MARGINAL,
    RULE_PER_TIER: MSG_PER_TIER,
    RULE_EXEMPT: MSG_EXEMPT,
    RULE_TIER_TABLE: MSG_TIER_TABLE,
    RULE_SPLIT_EQUAL: MSG_SPLIT_EQUAL,
    RULE_SPLIT_POPULATION: MSG_SPLIT_POPULATION,
    RULE_SPLIT_TIER_WEIGHTS: MSG_SPLIT_TIER_WEIGHTS,
    RULE_SPLIT_EQUAL_PART_AND_POPULATION: MSG_SPLIT_EQUAL_PART_AND_POPULATION,
    RULE_COMMITMENT: MSG_COMMITMENT,
    RULE_ENTRY_FEE: MSG_ENTRY_FEE,
}


def _english(message: str) -> str:
    return message


def _format_amount(amount: Decimal, currency: str) -> str:
    return f"{amount:,} {currency}"


def _format_number(number: int | Decimal) -> str:
    return f"{number:,}"


def describe(
    charge: Charge,
    translate: Callable[[str], str] = _english,
    format_amount: Callable[[Decimal, str], str] = _format_amount,
    format_number: Callable[[int | Decimal], str] = _format_number,
    label: Callable[[str], str] = _english,
) -> str:
    """One line saying why the charge is what it is, e.g.

    "flat fee of 25,000.00 DKK a year; 1/2 of the year: 12,500.00 DKK"

    translate is gettext-like (message -> translated message, %(name)s kept); format_amount and
    format_number let the caller format numbers for the reader's locale; label turns a code
    (an organisation kind such as "state_agency", a tier such as "very_large") into words.
    """
    explanation = charge.explanation
    currency = charge.currency

    def money(minor: int) -> str:
        return format_amount(from_minor(minor, currency), currency)

    def rate_text(rate: Decimal | None) -> str:
        return "" if rate is None else format_amount(rate, currency)

    details = dict(
        item for item in explanation.details if isinstance(item, tuple) and len(item) == 2
    )
    values = {
        "rate": rate_text(explanation.rate),
        "tier": label(explanation.tier) if explanation.tier else "",
        "kind": label(explanation.organisation_kind) if explanation.organisation_kind else "",
        "population": ""
        if explanation.basis_population is None
        else format_number(explanation.basis_population),
        "year": "" if explanation.basis_year is None else str(explanation.basis_year),
        "budget": "" if explanation.budget_minor is None else money(explanation.budget_minor),
        "base": rate_text(details.get("base_amount")),
        "old_index": format_number(details["old_index"]) if "old_index" in details else "",
        "new_index": format_number(details["new_index"]) if "new_index" in details else "",
        "tier_weight": format_number(details["tier_weight"]) if "tier_weight" in details else "",
        "percentage": format_number(details["equal_percentage"])
        if "equal_percentage" in details
        else "",
    }
    if explanation.rule == RULE_ENTRY_FEE:
        values["year"] = str(details.get("joined_in", ""))
    if explanation.rule == RULE_PER_RESIDENT_MARGINAL:
        values["bands"] = ", ".join(
            translate(MSG_MARGINAL_BAND)
            % {"residents": format_number(band.residents), "rate": rate_text(band.rate)}
            for band in details.get("bands", ())
        )
    reasons = []
    if explanation.organisation_kind and explanation.rule != RULE_EXEMPT:
        reasons.append(translate(MSG_KIND_RULE) % values)
    reasons.append(translate(RULE_MESSAGES[explanation.rule]) % values)
    if explanation.tier is not None:
        if explanation.tier_source == "manual":
            reasons.append(translate(MSG_TIER_BY_HAND) % values)
        elif explanation.rule in (RULE_PER_TIER, RULE_TIER_TABLE, RULE_SPLIT_TIER_WEIGHTS):
            reasons.append(translate(MSG_TIER_FROM_POPULATION) % values)
    if explanation.cap_limit_minor is not None and explanation.cap == CAP_MIN:
        reasons.append(translate(MSG_CAP_MIN) % {"limit": money(explanation.cap_limit_minor)})
    elif explanation.cap_limit_minor is not None and explanation.cap == CAP_MAX:
        reasons.append(translate(MSG_CAP_MAX) % {"limit": money(explanation.cap_limit_minor)})
    if explanation.part_year_numerator != explanation.part_year_denominator:
        # "0/12", not "0": which months were counted stays visible when none was.
        fraction = (
            f"0/{explanation.part_year_denominator}"
            if explanation.part_year_numerator == 0
            else str(explanation.part_year)
        )
        reasons.append(translate(MSG_PART_YEAR) % {"fraction": fraction})
    if explanation.rounding_adjustment:
        reasons.append(
            translate(MSG_ROUNDING) % {"adjustment": money(explanation.rounding_adjustment)}
        )
    return translate(MSG_LINE) % {
        "reasons": "; ".join(reasons),
        "amount": money(charge.amount_minor),
    }
