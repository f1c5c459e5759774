"""Small builders for the fee engine's tests."""

from __future__ import annotations

from datetime import date

from consortium.fees.engine import AGREEMENT, MUNICIPALITY, FeePayer, ParticipationTerm, TierBands

YEAR = 2027
BASIS = YEAR - 1
OS2_BANDS = TierBands(
    2020, ((0, "small"), (25_000, "medium"), (60_000, "large"), (120_000, "very_large"))
)


def org(key: str, population: int | None = None, **fields) -> FeePayer:
    """An organisation with its population on 1 January of the basis year (2026)."""
    populations = fields.pop("populations", {} if population is None else {BASIS: population})
    return FeePayer(
        key,
        fields.pop("name", f"FeePayer {key}"),
        fields.pop("kind", MUNICIPALITY),
        populations=populations,
        **fields,
    )


def agreement(key: str, product: str = "p", starts_on: date = date(2020, 1, 1), ends_on=None):
    return ParticipationTerm(key, product, AGREEMENT, starts_on, ends_on)
