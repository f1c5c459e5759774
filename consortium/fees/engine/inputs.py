"""What the engine is given: organisations, tier bands, participations; and its errors.

Plain frozen dataclasses, filled by whoever loads the data (the web layer, the command line,
a test). Nothing here knows about a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from consortium.fees.engine.partyear import in_force_during

MUNICIPALITY, REGION, STATE_AGENCY, OTHER = "municipality", "region", "state_agency", "other"
KINDS = (MUNICIPALITY, REGION, STATE_AGENCY, OTHER)

COMMITMENT, AGREEMENT = "commitment", "agreement"
PHASES = (COMMITMENT, AGREEMENT)

# Where a tier came from.
TIER_FROM_BANDS, TIER_SET_BY_HAND = "bands", "manual"


class FeeError(ValueError):
    """Input the engine cannot compute a fee from; the message names what is wrong."""


class MissingPopulation(FeeError):
    """A population the fee depends on is not known: never taken as zero."""

    def __init__(self, organisation_key: str, organisation_name: str, year: int) -> None:
        self.organisation_key = organisation_key
        self.organisation_name = organisation_name
        self.year = year
        super().__init__(
            f"no population on 1 January {year} for {organisation_name} ({organisation_key})"
        )


class MissingTier(FeeError):
    """No tier set by hand and no tier bands in force for the basis year."""

    def __init__(self, organisation_key: str, organisation_name: str, year: int) -> None:
        self.organisation_key = organisation_key
        self.organisation_name = organisation_name
        self.year = year
        super().__init__(
            f"no tier for {organisation_name} ({organisation_key}): none set by hand and no tier bands in force in {year}"
        )


class CapsCannotMeetBudget(FeeError):
    """The minimum and maximum per participant cannot add up to the budget.

    gap is positive when the maximums leave part of the budget unpaid, negative when the
    minimums already ask for more than the budget.
    """

    def __init__(self, product_key: str, year: int, gap: Decimal, currency: str) -> None:
        self.product_key = product_key
        self.year = year
        self.gap = gap
        self.currency = currency
        if gap > 0:
            detail = f"the maximums leave {gap} {currency} of the budget unpaid"
        else:
            detail = f"the minimums exceed the budget by {-gap} {currency}"
        super().__init__(f"cannot split the {year} budget of product {product_key}: {detail}")


def _check_whole(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, not {value!r}")


@dataclass(frozen=True)
class TierBands:
    """Tier bands in force from a year on: (inclusive lower bound, tier), the first from 0."""

    effective_from_year: int
    bands: tuple[tuple[int, str], ...]

    def __post_init__(self) -> None:
        bands = tuple((bound, tier) for bound, tier in self.bands)
        object.__setattr__(self, "bands", bands)
        if not bands or bands[0][0] != 0:
            raise ValueError("tier bands must start at 0")
        bounds = [bound for bound, _tier in bands]
        for bound in bounds:
            _check_whole(bound, "a band's lower bound")
        if any(later <= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
            raise ValueError("the lower bounds of tier bands must increase")

    def tier_for(self, population: int) -> str:
        """The tier of the highest lower bound not above the population."""
        chosen = self.bands[0][1]
        for bound, tier in self.bands:
            if population < bound:
                break
            chosen = tier
        return chosen


def bands_for_year(band_sets: Iterable[TierBands], year: int) -> TierBands | None:
    """The bands in force in a year: the latest set that took effect in or before it."""
    in_force = [bands for bands in band_sets if bands.effective_from_year <= year]
    return max(in_force, key=lambda bands: bands.effective_from_year, default=None)


@dataclass(frozen=True)
class FeePayer:
    """An organisation as the engine sees it: a member, or one that only takes part in products.

    populations maps a year to the population on 1 January of that year. member_from (the first
    day) and member_until (the last day, inclusive) bound the membership (None: open-ended).
    member=False: not a member at all (it only applied, or no membership is recorded), so it
    pays no membership fee whatever the dates say. Membership matters for the membership fee
    only; product participations carry their own dates.
    """

    key: str
    name: str
    kind: str = MUNICIPALITY
    tier: str | None = None
    populations: Mapping[int, int] = field(default_factory=dict, hash=False)
    member_from: date | None = None
    member_until: date | None = None
    member: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown organisation kind {self.kind!r}")
        populations = dict(self.populations)
        for year, population in populations.items():
            _check_whole(year, "a population year")
            _check_whole(population, "a population")
            if population < 0:
                raise ValueError(f"a population cannot be negative ({self.key}, {year})")
        object.__setattr__(self, "populations", MappingProxyType(populations))
        if (
            self.member_from is not None
            and self.member_until is not None
            and self.member_until < self.member_from
        ):
            raise ValueError(f"a membership cannot end before it starts ({self.key})")

    def member_during(self, year: int) -> bool:
        """Whether the organisation is a member on at least one day of the year."""
        return self.member and in_force_during(year, self.member_from, self.member_until)

    def population_on_1_january(self, year: int) -> int | None:
        return self.populations.get(year)


@dataclass(frozen=True)
class ParticipationTerm:
    """An organisation's commitment to, or agreement on, a product, with its dates.

    A commitment pledges amount_per_year; an agreement pays a share of the product's tariff.
    ends_on is the last day in force (inclusive); None: open-ended.
    """

    organisation_key: str
    product_key: str
    phase: str
    starts_on: date
    ends_on: date | None = None
    amount_per_year: Decimal | None = None

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"unknown participation phase {self.phase!r}")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a participation cannot end before it starts")
        if self.phase == COMMITMENT and self.amount_per_year is None:
            raise ValueError("a commitment needs its amount per year")
        if isinstance(self.amount_per_year, float):
            raise TypeError("amounts must be Decimal, never float")
