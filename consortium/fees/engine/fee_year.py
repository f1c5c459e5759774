"""The fee engine: membership fees and product charges of one year, pure and exact.

    fees = FeeYear(2027, organisations, participations, currency="DKK", tier_bands=bands)
    fees.membership_fees(model)        -> tuple of Charge, one per member
    fees.product_charges(tariff)       -> ProductCharges: shares (or tariffs), pledges, entry fees
    fees.products_charges(tariffs)     -> the same for several products
    fees.charges(model, tariffs)       -> every Charge of the year
    changes(before, after)             -> a preview: whose total changes, and how
    describe(charge)                   -> one line saying why (explain.py)

Inputs are the frozen dataclasses of inputs.py (FeePayer, ParticipationTerm, TierBands) and
rules.py (MembershipModel, TariffRule); amounts come back in minor units (Charge.amount_minor,
or Charge.amount as a Decimal) with an Explanation each. A preview ("what would we pay if we joined?") is two FeeYears, one with the
extra agreement, compared with changes().

The population basis is 1 January of the fee year minus population_offset (the year before, by
default); a missing population raises MissingPopulation, never counts as zero. The tier is the
one set by hand, or the one the tier bands in force in the basis year give that population.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import repeat
from math import lcm
from typing import Any, NamedTuple, TypeVar

from consortium.fees.engine.explain import (
    CAP_MAX,
    CAP_MIN,
    COMMITMENT_PLEDGE,
    ENTRY_FEE,
    MEMBERSHIP,
    PRODUCT_SHARE,
    PRODUCT_TARIFF,
    RULE_COMMITMENT,
    RULE_ENTRY_FEE,
    RULE_EXEMPT,
    RULE_FLAT,
    RULE_INDEXED_FLAT,
    RULE_PER_RESIDENT,
    RULE_PER_RESIDENT_MARGINAL,
    RULE_PER_TIER,
    RULE_SPLIT_EQUAL,
    RULE_SPLIT_EQUAL_PART_AND_POPULATION,
    RULE_SPLIT_POPULATION,
    RULE_SPLIT_TIER_WEIGHTS,
    RULE_TIER_TABLE,
    Charge,
    Explanation,
    MarginalBand,
)
from consortium.fees.engine.inputs import (
    AGREEMENT,
    COMMITMENT,
    TIER_FROM_BANDS,
    TIER_SET_BY_HAND,
    CapsCannotMeetBudget,
    FeeError,
    FeePayer,
    MissingPopulation,
    MissingTier,
    ParticipationTerm,
    TierBands,
    bands_for_year,
)
from consortium.fees.engine.money import (
    Currency,
    div_half_up,
    exact,
    from_minor,
    get_currency,
    round_to_minor,
    to_minor,
)
from consortium.fees.engine.partyear import PartYearRule, in_force_during
from consortium.fees.engine.rules import (
    BY_POPULATION,
    BY_TIER_WEIGHTS,
    EQUAL,
    EQUAL_PART_AND_POPULATION,
    BudgetSplit,
    Exempt,
    Flat,
    IndexedFlat,
    MembershipModel,
    PerResident,
    PerTier,
    TariffRule,
    TierTable,
)
from consortium.fees.engine.split import Infeasible, NothingToSplitBy, allocate

SPLIT_RULES = {
    EQUAL: RULE_SPLIT_EQUAL,
    BY_POPULATION: RULE_SPLIT_POPULATION,
    BY_TIER_WEIGHTS: RULE_SPLIT_TIER_WEIGHTS,
    EQUAL_PART_AND_POPULATION: RULE_SPLIT_EQUAL_PART_AND_POPULATION,
}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while the engine works, then restore it.

    The engine makes hundreds of thousands of small tuples and no reference cycles; left on, the
    collector would rescan every live object (the inputs too) several times during a large
    split, which costs more than the split itself and grows faster than linearly.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_Row = TypeVar("_Row", Explanation, Charge)


def _rows(row_type: type[_Row], **columns: Iterable[Any]) -> Iterator[_Row]:
    """Rows of a NamedTuple from one column per field, named as the fields."""
    if set(columns) != set(row_type._fields):
        raise TypeError(f"columns {sorted(columns)} are not the fields of {row_type.__name__}")
    ordered = [columns[name] for name in row_type._fields]
    return map(partial(tuple.__new__, row_type), zip(*ordered, strict=True))


class _FullYear(NamedTuple):
    """What a membership rule asks of an organisation for a whole year, and why."""

    rule: str
    full_year_minor: int
    rate: Decimal | None = None
    population: int | None = None
    tier: str | None = None
    tier_source: str | None = None
    details: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ProductCharges:
    """What a product's participants pay in a year.

    charges holds the shares (or tier tariffs), then pledges of commitments, then entry fees,
    each group ordered by organisation key. For a budget split the shares add up to the budget.
    """

    product_key: str
    year: int
    currency: str
    budget_minor: int | None
    charges: tuple[Charge, ...]

    @property
    def total_minor(self) -> int:
        return sum(charge.amount_minor for charge in self.charges)

    @property
    def total(self) -> Decimal:
        return from_minor(self.total_minor, self.currency)

    def for_organisation(self, key: str) -> tuple[Charge, ...]:
        return tuple(charge for charge in self.charges if charge.organisation_key == key)


class FeeYear:
    """The organisations, participations and settings of one fee year, indexed once."""

    def __init__(
        self,
        year: int,
        organisations: Iterable[FeePayer],
        participations: Iterable[ParticipationTerm] = (),
        *,
        currency: Currency | str = "DKK",
        tier_bands: Iterable[TierBands] = (),
        population_offset: int = 1,
    ) -> None:
        self.year = year
        self.currency = get_currency(currency)
        self.population_offset = population_offset
        self.basis_year = year - population_offset
        self.bands = bands_for_year(tuple(tier_bands), self.basis_year)
        self.organisations: dict[str, FeePayer] = {}
        for organisation in organisations:
            if organisation.key in self.organisations:
                raise FeeError(f"organisation {organisation.key} is given twice")
            self.organisations[organisation.key] = organisation
        with _collector_paused():
            self._index(participations)
        self._populations: dict[str, int] = {}
        self._tiers: dict[str, tuple[str, str]] = {}
        self._minor_cache: dict[Decimal | int | str, int] = {}
        self._scaled_cache: dict[Decimal | int, tuple[int, int]] = {}

    def _index(self, participations: Iterable[ParticipationTerm]) -> None:
        """Group the participations by product, and merge each organisation's agreements."""
        year = self.year
        self.participations: dict[str, list[ParticipationTerm]] = {}
        # Per product and organisation: the first start ever, and the first start and last end
        # (None: open-ended) of the agreements in force during the year; several agreements of
        # one organisation count as one span.
        joined: dict[str, dict[str, date]] = {}
        spans: dict[str, dict[str, tuple[date, date | None]]] = {}
        first, last = date(year, 1, 1), date(year, 12, 31)
        organisations = self.organisations
        for participation in participations:
            key, product_key = participation.organisation_key, participation.product_key
            if key not in organisations:
                raise FeeError(f"participation in {product_key} of an unknown organisation {key}")
            by_product = self.participations.get(product_key)
            if by_product is None:
                by_product = self.participations[product_key] = []
            by_product.append(participation)
            if participation.phase != AGREEMENT:
                continue
            starts_on, ends_on = participation.starts_on, participation.ends_on
            joined_on = joined.get(product_key)
            if joined_on is None:
                joined_on = joined[product_key] = {}
                spans[product_key] = {}
            earliest = joined_on.get(key)
            if earliest is None or starts_on < earliest:
                joined_on[key] = starts_on
            if starts_on > last or (ends_on is not None and ends_on < first):
                continue
            in_force = spans[product_key]
            span = in_force.get(key)
            if span is None:
                in_force[key] = (starts_on, ends_on)
            else:
                span_starts_on, span_ends_on = span
                in_force[key] = (
                    min(span_starts_on, starts_on),
                    None if span_ends_on is None or ends_on is None else max(span_ends_on, ends_on),
                )
        # In force during the year, by organisation key: (key, joined on, starts on, ends on),
        # plain tuples (half a million for a large year), unpacked by these names.
        self._agreements: dict[str, list[tuple[str, date, date, date | None]]] = {
            product_key: [
                (key, joined[product_key][key], starts_on, ends_on)
                for key, (starts_on, ends_on) in sorted(in_force.items())
            ]
            for product_key, in_force in spans.items()
        }

    # -- basis ------------------------------------------------------------------------------

    def population(self, organisation: FeePayer) -> int:
        """The population on 1 January of the basis year; MissingPopulation if not known."""
        population = self._populations.get(organisation.key)
        if population is None:
            population = organisation.populations.get(self.basis_year)
            if population is None:
                raise MissingPopulation(organisation.key, organisation.name, self.basis_year)
            self._populations[organisation.key] = population
        return population

    def tier(self, organisation: FeePayer) -> tuple[str, str]:
        """(tier, source): the tier set by hand, else from the bands and the basis population."""
        answer = self._tiers.get(organisation.key)
        if answer is None:
            if organisation.tier is not None:
                answer = (organisation.tier, TIER_SET_BY_HAND)
            elif self.bands is None:
                raise MissingTier(organisation.key, organisation.name, self.basis_year)
            else:
                answer = (self.bands.tier_for(self.population(organisation)), TIER_FROM_BANDS)
            self._tiers[organisation.key] = answer
        return answer

    def _minor(self, amount: Decimal | int | str) -> int:
        """An amount in whole minor units (remembered: the same few amounts come back often)."""
        minor = self._minor_cache.get(amount)
        if minor is None:
            minor = self._minor_cache[amount] = to_minor(amount, self.currency)
        return minor

    # -- membership -------------------------------------------------------------------------

    def membership_fees(self, model: MembershipModel) -> tuple[Charge, ...]:
        """The membership fee of every member in the year, by organisation key."""
        charges = []
        with _collector_paused():
            for key in sorted(self.organisations):
                charge = self.membership_fee(self.organisations[key], model)
                if charge is not None:
                    charges.append(charge)
        return tuple(charges)

    def _scaled(self, value: Decimal | int) -> tuple[int, int]:
        """A rate or amount in minor units as an exact (numerator, denominator), remembered."""
        scaled = self._scaled_cache.get(value)
        if scaled is None:
            fraction = exact(value) * self.currency.scale
            scaled = self._scaled_cache[value] = (fraction.numerator, fraction.denominator)
        return scaled

    def _full_year(self, organisation: FeePayer, rule: object) -> _FullYear:
        """What a membership rule asks of the organisation for a whole year, and why."""
        if isinstance(rule, Flat):
            return _FullYear(RULE_FLAT, self._minor(rule.amount), rate=rule.amount)
        if isinstance(rule, IndexedFlat):
            value = exact(rule.base_amount) * exact(rule.index) / exact(rule.base_index)
            full = round_to_minor(value, self.currency)
            details: tuple[tuple[str, Any], ...] = (
                ("base_amount", rule.base_amount),
                ("old_index", rule.base_index),
                ("new_index", rule.index),
            )
            return _FullYear(
                RULE_INDEXED_FLAT, full, rate=from_minor(full, self.currency), details=details
            )
        if isinstance(rule, PerResident):
            population = self.population(organisation)
            if not rule.marginal:
                rate = rule.brackets[0][1]
                for bound, band_rate in rule.brackets:
                    if population < bound:
                        break
                    rate = band_rate
                numerator, denominator = self._scaled(rate)
                full = div_half_up(population * numerator, denominator)
                return _FullYear(RULE_PER_RESIDENT, full, rate=rate, population=population)
            bands = []
            total, common = 0, 1
            uppers = [bound for bound, _rate in rule.brackets[1:]] + [None]
            for (bound, rate), upper in zip(rule.brackets, uppers, strict=True):
                residents = (population if upper is None else min(population, upper)) - bound
                if residents <= 0:
                    break
                bands.append(MarginalBand(lower_bound=bound, residents=residents, rate=rate))
                numerator, denominator = self._scaled(rate)
                if denominator != common:
                    new_common = lcm(common, denominator)
                    total *= new_common // common
                    common = new_common
                total += residents * numerator * (common // denominator)
            full = div_half_up(total, common)
            details = (("bands", tuple(bands)),)
            return _FullYear(
                RULE_PER_RESIDENT_MARGINAL, full, population=population, details=details
            )
        if isinstance(rule, PerTier):
            tier, source = self.tier(organisation)
            basis_population = self.population(organisation) if source == TIER_FROM_BANDS else None
            if tier not in rule.amounts:
                raise FeeError(f"the membership fee of {self.year} has no amount for tier {tier}")
            rate = rule.amounts[tier]
            return _FullYear(
                RULE_PER_TIER,
                self._minor(rate),
                rate=rate,
                population=basis_population,
                tier=tier,
                tier_source=source,
            )
        raise FeeError(f"unknown membership rule {rule!r}")

    def membership_fee(self, organisation: FeePayer, model: MembershipModel) -> Charge | None:
        """An organisation's membership fee; None when it is not a member during the year.

        The rule's full-year amount is rounded half up to the minor unit, held within the
        model's minimum and maximum (for the general rule, not a rule by kind), then multiplied
        by the part-year factor and rounded half up again. A member whose part of the year
        counts for nothing (joining on 15 December with whole months) still gets its charge of
        zero, with the reason, instead of vanishing from the year.
        """
        year = self.year
        if not organisation.member_during(year):
            return None
        numerator = model.part_year.numerator(
            year, organisation.member_from, organisation.member_until
        )
        denominator = model.part_year.denominator(year)
        by_kind = model.by_kind.get(organisation.kind)
        rule = model.rule if by_kind is None else by_kind
        kind = None if by_kind is None else organisation.kind
        if isinstance(rule, Exempt):
            explanation = Explanation(
                rule=RULE_EXEMPT,
                full_year_minor=0,
                part_year_numerator=numerator,
                part_year_denominator=denominator,
                organisation_kind=organisation.kind,
            )
            return Charge(
                organisation_key=organisation.key,
                kind=MEMBERSHIP,
                amount_minor=0,
                currency=self.currency.code,
                explanation=explanation,
            )

        basis = self._full_year(organisation, rule)
        full, details = basis.full_year_minor, basis.details
        cap: str | None = None
        cap_limit: int | None = None
        if by_kind is None:
            if model.minimum is not None and full < self._minor(model.minimum):
                cap, cap_limit = CAP_MIN, self._minor(model.minimum)
            elif model.maximum is not None and full > self._minor(model.maximum):
                cap, cap_limit = CAP_MAX, self._minor(model.maximum)
        if cap_limit is not None:
            details = (*details, ("uncapped_minor", full))
            full = cap_limit
        amount = full if numerator == denominator else div_half_up(full * numerator, denominator)
        explanation = Explanation(
            rule=basis.rule,
            basis_population=basis.population,
            basis_year=None if basis.population is None else self.basis_year,
            tier=basis.tier,
            tier_source=basis.tier_source,
            rate=basis.rate,
            full_year_minor=full,
            part_year_numerator=numerator,
            part_year_denominator=denominator,
            cap=cap,
            cap_limit_minor=cap_limit,
            organisation_kind=kind,
            details=details,
        )
        return Charge(
            organisation_key=organisation.key,
            kind=MEMBERSHIP,
            amount_minor=amount,
            currency=self.currency.code,
            explanation=explanation,
        )

    # -- products ---------------------------------------------------------------------------

    def participants(self, product_key: str, part_year: PartYearRule) -> list[tuple[FeePayer, int]]:
        """Organisations with an agreement in force during the year, by key, each with its part
        of the year (a numerator over part_year.denominator(year)). Several agreements of one
        organisation count as one, from the first start to the last end."""
        members, numerators, _newcomers = self._participants(product_key, part_year)
        return list(zip(members, numerators, strict=True))

    def _participants(
        self, product_key: str, part_year: PartYearRule
    ) -> tuple[list[FeePayer], list[int], list[FeePayer]]:
        """The participants and their numerators, and those who first joined this year."""
        year = self.year
        first, last = date(year, 1, 1), date(year, 12, 31)
        whole = part_year.denominator(year)
        refunds = part_year.refunds
        numerator_of = part_year.numerator
        organisations = self.organisations
        members, numerators, newcomers = [], [], []
        for key, joined_on, starts_on, ends_on in self._agreements.get(product_key, ()):
            if starts_on <= first and (ends_on is None or not refunds or ends_on >= last):
                numerator = whole
            else:
                numerator = numerator_of(year, starts_on, ends_on)
                if not numerator:
                    continue
            organisation = organisations[key]
            members.append(organisation)
            numerators.append(numerator)
            if joined_on >= first:
                newcomers.append(organisation)
        return members, numerators, newcomers

    def product_charges(self, tariff: TariffRule) -> ProductCharges:
        """The shares (or tier tariffs), pledges and entry fees of a product in the year."""
        with _collector_paused():
            return self._product_charges(tariff)

    def _product_charges(self, tariff: TariffRule) -> ProductCharges:
        members, numerators, newcomers = self._participants(tariff.product_key, tariff.part_year)
        if isinstance(tariff.pricing, BudgetSplit):
            budget = self._minor(tariff.pricing.budget)
            charges = self._split(tariff, tariff.pricing, members, numerators, budget)
        elif isinstance(tariff.pricing, TierTable):
            budget = None
            charges = self._tier_table(tariff, tariff.pricing, members, numerators)
        else:
            raise FeeError(f"unknown pricing {tariff.pricing!r}")
        charges += self._pledges(tariff)
        charges += self._entry_fees(tariff, newcomers)
        return ProductCharges(
            product_key=tariff.product_key,
            year=self.year,
            currency=self.currency.code,
            budget_minor=budget,
            charges=tuple(charges),
        )

    def pledges_and_entry_fees(self, tariff: TariffRule) -> tuple[Charge, ...]:
        """A product's pledges and entry fees in the year, without its shares or tier tariffs:
        what is still computed when a budget's shares are the ones recorded at its approval."""
        with _collector_paused():
            _members, _numerators, newcomers = self._participants(
                tariff.product_key, tariff.part_year
            )
            return tuple(self._pledges(tariff) + self._entry_fees(tariff, newcomers))

    def _tier_table(
        self,
        tariff: TariffRule,
        table: TierTable,
        members: Sequence[FeePayer],
        numerators: Sequence[int],
    ) -> list[Charge]:
        denominator = tariff.part_year.denominator(self.year)
        charges = []
        for organisation, numerator in zip(members, numerators, strict=True):
            tier, source = self.tier(organisation)
            if tier not in table.amounts:
                raise FeeError(
                    f"the {self.year} tariff of product {tariff.product_key} has no amount for tier {tier}"
                )
            rate = table.amounts[tier]
            full = self._minor(rate)
            population = self.population(organisation) if source == TIER_FROM_BANDS else None
            explanation = Explanation(
                rule=RULE_TIER_TABLE,
                basis_population=population,
                basis_year=None if population is None else self.basis_year,
                tier=tier,
                tier_source=source,
                rate=rate,
                full_year_minor=full,
                part_year_numerator=numerator,
                part_year_denominator=denominator,
            )
            amount = div_half_up(full * numerator, denominator)
            charges.append(
                Charge(
                    organisation_key=organisation.key,
                    kind=PRODUCT_TARIFF,
                    amount_minor=amount,
                    currency=self.currency.code,
                    explanation=explanation,
                    product_key=tariff.product_key,
                )
            )
        return charges

    def _split(
        self,
        tariff: TariffRule,
        split: BudgetSplit,
        members: Sequence[FeePayer],
        numerators: list[int],
        budget: int,
    ) -> list[Charge]:
        year, product_key, currency = self.year, tariff.product_key, self.currency.code
        denominator = tariff.part_year.denominator(year)
        method = split.method
        code = SPLIT_RULES[method]
        count = len(members)
        populations: Sequence[int | None] = [None] * count
        tiers: list[tuple[str, str]] = []
        details: list[tuple[tuple[str, Any], ...]] | None = None
        if method == EQUAL:
            weights = numerators
        elif method == BY_TIER_WEIGHTS:
            scale = lcm(*(exact(weight).denominator for weight in split.tier_weights.values()))
            tier_weights = {
                tier: int(exact(weight) * scale) for tier, weight in split.tier_weights.items()
            }
            tier_details = {
                tier: (("tier_weight", weight),) for tier, weight in split.tier_weights.items()
            }
            tiers = [self.tier(organisation) for organisation in members]
            populations = [
                self.population(organisation) if tier[1] == TIER_FROM_BANDS else None
                for organisation, tier in zip(members, tiers, strict=True)
            ]
            weights, details = [], []
            for (tier, _source), numerator in zip(tiers, numerators, strict=True):
                if tier not in tier_weights:
                    raise FeeError(
                        f"the {year} split of product {product_key} has no weight for tier {tier}"
                    )
                weights.append(tier_weights[tier] * numerator)
                details.append(tier_details[tier])
        else:
            known, population_of = self._populations, self.population
            known_populations = [
                known[organisation.key]
                if organisation.key in known
                else population_of(organisation)
                for organisation in members
            ]
            populations = known_populations
            weights = [
                population * numerator
                for population, numerator in zip(known_populations, numerators, strict=True)
            ]
            if method == EQUAL_PART_AND_POPULATION:
                if split.equal_percentage is None:  # BudgetSplit refuses this; for the types
                    raise FeeError(f"the {year} split of product {product_key} has no percentage")
                share = exact(split.equal_percentage) / 100
                equal_part, whole = share.numerator, share.denominator
                total_population = sum(weights)
                total_parts = sum(numerators)
                if total_population == 0:
                    if equal_part != whole and budget:
                        raise FeeError(
                            f"cannot split the {year} budget of product {product_key} by population: its participants have no residents"
                        )
                    total_population = 1
                weights = [
                    equal_part * numerator * total_population
                    + (whole - equal_part) * weight * total_parts
                    for numerator, weight in zip(numerators, weights, strict=True)
                ]
                details = [(("equal_percentage", split.equal_percentage),)] * len(weights)

        lows = highs = None
        if split.minimum is not None or split.maximum is not None:
            lows = self._caps(split.minimum, numerators, denominator, split)
            highs = self._caps(split.maximum, numerators, denominator, split)
        try:
            allocation = allocate(budget, weights, lows, highs)
        except Infeasible as error:
            raise CapsCannotMeetBudget(
                product_key, year, from_minor(error.gap, currency), currency
            ) from None
        except NothingToSplitBy:
            raise FeeError(
                f"cannot split the {year} budget of product {product_key}: no participant to split it by"
            ) from None

        basis_year = self.basis_year
        shared, total_weight = allocation.shared, allocation.total_weight
        amounts, adjustments, caps = allocation.amounts, allocation.adjustments, allocation.caps
        cap_limits: Iterable[int | None]
        total_weights: Iterable[int | None]
        shareds: Iterable[int | None]
        tier_names: Iterable[str | None]
        tier_sources: Iterable[str | None]
        basis_years: Iterable[int | None]
        if any(caps):
            cap_limits = [
                None if cap is None else amount for cap, amount in zip(caps, amounts, strict=True)
            ]
            total_weights = [total_weight if cap is None else None for cap in caps]
            shareds = [shared if cap is None else None for cap in caps]
        else:
            cap_limits, total_weights, shareds = (
                repeat(None, count),
                repeat(total_weight, count),
                repeat(shared, count),
            )
        if method == BY_TIER_WEIGHTS:
            tier_names = [tier[0] for tier in tiers]
            tier_sources = [tier[1] for tier in tiers]
            basis_years = [None if population is None else basis_year for population in populations]
        else:
            tier_names, tier_sources = repeat(None, count), repeat(None, count)
            basis_years = repeat(None if method == EQUAL else basis_year, count)
        # Rows are zipped and made into NamedTuples in C (map over tuple.__new__): the same
        # Explanation and Charge objects, without a Python call for each of them. The columns
        # are named and put in the order of the NamedTuple's fields, so none can slip.
        explanations = _rows(
            Explanation,
            rule=repeat(code, count),
            basis_population=populations,
            basis_year=basis_years,
            tier=tier_names,
            tier_source=tier_sources,
            rate=repeat(None, count),
            full_year_minor=repeat(None, count),
            part_year_numerator=numerators,
            part_year_denominator=repeat(denominator, count),
            cap=caps,
            cap_limit_minor=cap_limits,
            rounding_adjustment=adjustments,
            weight=weights,
            total_weight=total_weights,
            budget_minor=repeat(budget, count),
            shared_minor=shareds,
            organisation_kind=repeat(None, count),
            details=repeat((), count) if details is None else details,
        )
        return list(
            _rows(
                Charge,
                organisation_key=[organisation.key for organisation in members],
                kind=repeat(PRODUCT_SHARE, count),
                amount_minor=amounts,
                currency=repeat(currency, count),
                explanation=explanations,
                product_key=repeat(product_key, count),
            )
        )

    def _caps(
        self,
        limit: Decimal | None,
        numerators: Sequence[int],
        denominator: int,
        split: BudgetSplit,
    ) -> list[int | None] | None:
        """A minimum or maximum per participant, scaled by its part of the year (half up, so a
        minimum never ends above the maximum)."""
        if limit is None:
            return None
        minor = self._minor(limit)
        if not split.caps_follow_part_year:
            return [minor] * len(numerators)
        return [
            minor if numerator == denominator else div_half_up(minor * numerator, denominator)
            for numerator in numerators
        ]

    def _pledges(self, tariff: TariffRule) -> list[Charge]:
        year, part_year = self.year, tariff.part_year
        denominator = part_year.denominator(year)
        pledges = []
        for participation in self.participations.get(tariff.product_key, ()):
            if participation.phase != COMMITMENT:
                continue
            numerator = part_year.numerator(year, participation.starts_on, participation.ends_on)
            if not numerator:
                continue
            pledged = participation.amount_per_year
            if pledged is None:  # ParticipationTerm refuses this; for the types
                raise FeeError(f"a commitment to {tariff.product_key} without its amount")
            full = self._minor(pledged)
            explanation = Explanation(
                rule=RULE_COMMITMENT,
                rate=pledged,
                full_year_minor=full,
                part_year_numerator=numerator,
                part_year_denominator=denominator,
            )
            pledges.append(
                (
                    participation.organisation_key,
                    participation.starts_on,
                    Charge(
                        organisation_key=participation.organisation_key,
                        kind=COMMITMENT_PLEDGE,
                        amount_minor=div_half_up(full * numerator, denominator),
                        currency=self.currency.code,
                        explanation=explanation,
                        product_key=tariff.product_key,
                    ),
                )
            )
        pledges.sort(key=lambda item: (item[0], item[1]))
        return [charge for _key, _starts_on, charge in pledges]

    def _entry_fees(self, tariff: TariffRule, newcomers: Sequence[FeePayer]) -> list[Charge]:
        """Entry fees of the organisations that first joined in the fee year, if not its first."""
        if tariff.entry_fee is None or not newcomers:
            return []
        first_year = tariff.first_year
        if first_year is None:
            first_year = min(
                participation.starts_on.year
                for participation in self.participations[tariff.product_key]
            )
        if self.year <= first_year:
            return []
        fee = self._minor(tariff.entry_fee)
        explanation = Explanation(
            rule=RULE_ENTRY_FEE,
            rate=tariff.entry_fee,
            full_year_minor=fee,
            details=(("joined_in", self.year), ("first_year", first_year)),
        )
        return [
            Charge(
                organisation_key=organisation.key,
                kind=ENTRY_FEE,
                amount_minor=fee,
                currency=self.currency.code,
                explanation=explanation,
                product_key=tariff.product_key,
            )
            for organisation in sorted(newcomers, key=lambda organisation: organisation.key)
        ]

    def non_members_taking_part(self, product_key: str | None = None) -> tuple[str, ...]:
        """Keys of the organisations with a participation (in the product, if given) in force
        during the year that are not members on any day of it: they pay for their products,
        never a membership fee."""
        year = self.year
        keys = {
            participation.organisation_key
            for key, participations in self.participations.items()
            if product_key is None or key == product_key
            for participation in participations
            if in_force_during(year, participation.starts_on, participation.ends_on)
        }
        return tuple(sorted(key for key in keys if not self.organisations[key].member_during(year)))

    # -- everything -------------------------------------------------------------------------

    def products_charges(self, tariffs: Iterable[TariffRule]) -> tuple[ProductCharges, ...]:
        """product_charges() for several products, in the order given."""
        with _collector_paused():
            return tuple(self._product_charges(tariff) for tariff in tariffs)

    def charges(
        self, model: MembershipModel | None, tariffs: Iterable[TariffRule] = ()
    ) -> tuple[Charge, ...]:
        """Every charge of the year: membership fees, then each product's charges."""
        with _collector_paused():
            charges = list(self.membership_fees(model)) if model is not None else []
            for product in self.products_charges(tariffs):
                charges.extend(product.charges)
        return tuple(charges)


def changes(before: ProductCharges, after: ProductCharges) -> dict[str, tuple[int, int]]:
    """Each organisation whose total for the product differs: (before, after) in minor units."""
    totals: dict[str, list[int]] = {}
    for index, result in enumerate((before, after)):
        for charge in result.charges:
            totals.setdefault(charge.organisation_key, [0, 0])[index] += charge.amount_minor
    return {key: (old, new) for key, (old, new) in sorted(totals.items()) if old != new}


def membership_fees(
    year: int, organisations: Iterable[FeePayer], model: MembershipModel, **settings: Any
) -> tuple[Charge, ...]:
    """Shortcut: FeeYear(year, organisations, **settings).membership_fees(model)."""
    return FeeYear(year, organisations, **settings).membership_fees(model)


def product_charges(
    year: int,
    organisations: Iterable[FeePayer],
    participations: Iterable[ParticipationTerm],
    tariff: TariffRule,
    **settings: Any,
) -> ProductCharges:
    """Shortcut: FeeYear(year, organisations, participations, **settings).product_charges(tariff)."""
    return FeeYear(year, organisations, participations, **settings).product_charges(tariff)
