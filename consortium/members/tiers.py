"""Size tiers from populations: pure, no Flask, no database.

Bands are defined by their inclusive lower bounds, so with the OS2 default a population of
24,999 is small and 25,000 medium. A set of bands takes effect from a year; a later set never
changes the tiers of earlier years.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SMALL, MEDIUM, LARGE, VERY_LARGE = "small", "medium", "large", "very_large"
TIERS = (SMALL, MEDIUM, LARGE, VERY_LARGE)
# The largest population a figure or a tier bound may give: more than any body's residents.
MAX_POPULATION = 100_000_000

# OS2's bands: small from 0, medium from 25,000, large from 60,000, very large from 120,000.
OS2_BANDS: tuple[tuple[int, str], ...] = (
    (0, SMALL),
    (25_000, MEDIUM),
    (60_000, LARGE),
    (120_000, VERY_LARGE),
)


class BandError(ValueError):
    """A set of bands that cannot place every population."""


@dataclass(frozen=True)
class BandSet:
    """Tier bands in force from a year on."""

    effective_from_year: int
    bands: tuple[tuple[int, str], ...]

    def __post_init__(self) -> None:
        check_bands(self.bands)

    def tier_for(self, population: int) -> str:
        return tier_for(population, self.bands)


def check_bands(bands: Sequence[tuple[int, str]]) -> None:
    """Refuse bands that leave a gap at zero, repeat a bound or a tier, or name an unknown tier."""
    if not bands:
        raise BandError("no bands")
    bounds = [bound for bound, _tier in bands]
    if bounds[0] != 0:
        raise BandError("the first band must start at 0")
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
        raise BandError("lower bounds must increase")
    tiers = [tier for _bound, tier in bands]
    if len(set(tiers)) != len(tiers) or any(tier not in TIERS for tier in tiers):
        raise BandError("each band needs its own known tier")


def tier_for(population: int, bands: Sequence[tuple[int, str]]) -> str:
    """The tier whose inclusive lower bound is the highest one not above the population."""
    if population < 0:
        raise ValueError("a population cannot be negative")
    chosen = bands[0][1]
    for lower_bound, tier in bands:
        if population >= lower_bound:
            chosen = tier
        else:
            break
    return chosen


def band_set_for_year(band_sets: Iterable[BandSet], year: int) -> BandSet | None:
    """The set in force in a year: the latest one that took effect in or before it."""
    in_force = [band_set for band_set in band_sets if band_set.effective_from_year <= year]
    return max(in_force, key=lambda band_set: band_set.effective_from_year, default=None)
