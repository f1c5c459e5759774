"""How fees are set: membership fee models and product tariffs, as plain frozen dataclasses.

Amounts are Decimal in major units (Decimal("25000.00")); the engine turns them into minor
units of the fee year's currency and refuses amounts finer than the minor unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from consortium.fees.engine.partyear import PartYearRule

# How a budget split weighs participants.
EQUAL = "equal"
BY_POPULATION = "population"
BY_TIER_WEIGHTS = "tier_weights"
EQUAL_PART_AND_POPULATION = "equal_part_and_population"
SPLIT_METHODS = (EQUAL, BY_POPULATION, BY_TIER_WEIGHTS, EQUAL_PART_AND_POPULATION)


def _frozen_mapping(instance: object, name: str) -> None:
    object.__setattr__(instance, name, MappingProxyType(dict(getattr(instance, name))))


def _no_float(*values: object) -> None:
    for value in values:
        if isinstance(value, float):
            raise TypeError("amounts and rates must be Decimal, never float")


@dataclass(frozen=True)
class Flat:
    """The same amount a year for everyone (OS2: DKK 25,000)."""

    amount: Decimal

    def __post_init__(self) -> None:
        _no_float(self.amount)


@dataclass(frozen=True)
class IndexedFlat:
    """A flat amount regulated by an index: base_amount * index / base_index, rounded half up."""

    base_amount: Decimal
    base_index: Decimal
    index: Decimal

    def __post_init__(self) -> None:
        _no_float(self.base_amount, self.base_index, self.index)
        if self.base_index <= 0:
            raise ValueError("an index must be positive")


@dataclass(frozen=True)
class PerResident:
    """A rate per resident by population bracket (inclusive lower bounds, the first from 0).

    marginal=False: the whole population at its bracket's rate. marginal=True: each bracket's
    residents at that bracket's rate (the residents between a lower bound and the next).
    """

    brackets: tuple[tuple[int, Decimal], ...]
    marginal: bool = False

    def __post_init__(self) -> None:
        brackets = tuple((bound, rate) for bound, rate in self.brackets)
        object.__setattr__(self, "brackets", brackets)
        if not brackets or brackets[0][0] != 0:
            raise ValueError("population brackets must start at 0")
        bounds = [bound for bound, _rate in brackets]
        if any(later <= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
            raise ValueError("the lower bounds of population brackets must increase")
        _no_float(*(rate for _bound, rate in brackets))


@dataclass(frozen=True)
class PerTier:
    """An amount a year per size tier."""

    amounts: Mapping[str, Decimal] = field(hash=False)

    def __post_init__(self) -> None:
        _frozen_mapping(self, "amounts")
        _no_float(*self.amounts.values())


@dataclass(frozen=True)
class Exempt:
    """Pays nothing (e.g. a kind of organisation that is not charged)."""


MembershipRule = Flat | IndexedFlat | PerResident | PerTier | Exempt


@dataclass(frozen=True)
class MembershipModel:
    """The membership fee of a year.

    rule applies to every member unless by_kind names a rule for its kind (e.g. regions pay a
    Flat 49,000 CZK, state agencies are Exempt). minimum and maximum bound the full-year
    amount of the general rule (not of a rule by kind), before the part-year factor.
    """

    rule: MembershipRule
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    by_kind: Mapping[str, MembershipRule] = field(default_factory=dict, hash=False)
    part_year: PartYearRule = PartYearRule()

    def __post_init__(self) -> None:
        _frozen_mapping(self, "by_kind")
        _no_float(self.minimum, self.maximum)
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("the minimum cannot be above the maximum")


@dataclass(frozen=True)
class TierTable:
    """A product tariff: an amount a year per size tier."""

    amounts: Mapping[str, Decimal] = field(hash=False)

    def __post_init__(self) -> None:
        _frozen_mapping(self, "amounts")
        _no_float(*self.amounts.values())


@dataclass(frozen=True)
class BudgetSplit:
    """A product tariff: the approved budget of the year split among the participants.

    method: EQUAL, BY_POPULATION, BY_TIER_WEIGHTS (tier_weights: tier -> weight) or
    EQUAL_PART_AND_POPULATION (equal_percentage % of the budget equally, the rest by
    population). Each participant is weighed by its part of the year too. minimum and maximum
    bound each share; with caps_follow_part_year they are scaled by the participant's part of
    the year (rounded half up to whole minor units). A negative budget is a credit (the refund
    of an underspent budget): it is split by the same rule on its absolute amount, the caps
    bounding the shares' absolute amounts, and every share is negative or zero.
    """

    budget: Decimal
    method: str = EQUAL
    tier_weights: Mapping[str, int | Decimal] = field(default_factory=dict, hash=False)
    equal_percentage: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    caps_follow_part_year: bool = True

    def __post_init__(self) -> None:
        _frozen_mapping(self, "tier_weights")
        _no_float(self.budget, self.equal_percentage, self.minimum, self.maximum)
        _no_float(*self.tier_weights.values())
        if self.method not in SPLIT_METHODS:
            raise ValueError(f"unknown split method {self.method!r}")
        if self.method == EQUAL_PART_AND_POPULATION and (
            self.equal_percentage is None or not 0 <= self.equal_percentage <= 100
        ):
            raise ValueError("an equal part and population split needs a percentage from 0 to 100")
        if self.method == BY_TIER_WEIGHTS and not self.tier_weights:
            raise ValueError("a split by tier weights needs the weights")
        if any(weight < 0 for weight in self.tier_weights.values()):
            raise ValueError("a tier weight cannot be negative")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("the minimum cannot be above the maximum")


@dataclass(frozen=True)
class TariffRule:
    """What the participants of a product pay in a year.

    first_year: the product's first year; organisations whose agreement starts in a later fee
    year pay entry_fee once, on top of their share.
    """

    product_key: str
    pricing: TierTable | BudgetSplit
    part_year: PartYearRule = PartYearRule()
    first_year: int | None = None
    entry_fee: Decimal | None = None

    def __post_init__(self) -> None:
        _no_float(self.entry_fee)
