"""The weights a round's ballots count with, read from the fees when the round opens.

Equal: one each. Cost share: the organisation's share of the product's budget for the round's
year as recorded when the budget was approved, else the share the fee engine computes now.
Tier: the weight the product's tariff of that year gives the organisation's size tier.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from consortium.backlog.models import PrioritisationRound, RoundWeight
from consortium.fees import queries as fee_queries
from consortium.fees.computation import FeeSetupError, live_shares
from consortium.members import services as member_services
from consortium.members.models import Organisation


def weights_for(
    round_: PrioritisationRound, participants: list[Organisation], year: int
) -> list[RoundWeight]:
    """One frozen weight per participant, with where it came from; BacklogError when one
    cannot be found (the round is not opened then)."""
    if round_.weighting == "cost_share":
        return _cost_shares(round_, participants, year)
    if round_.weighting == "tier":
        return _tiers(round_, participants, year)
    return [
        RoundWeight(organisation_id=each.id, weight=Decimal(1), source="equal", basis="")
        for each in participants
    ]


def _cost_shares(
    round_: PrioritisationRound, participants: list[Organisation], year: int
) -> list[RoundWeight]:
    from consortium.backlog.services import BacklogError

    product = round_.product
    budget = fee_queries.budget_for(product.id, year)
    if budget is None:
        raise BacklogError("no_budget", product=product.name, year=year)
    recorded = (
        {share.organisation_id: share.amount for share in budget.shares}
        if budget.status in ("approved", "frozen")
        else {}
    )
    live: dict[int, Decimal] | None = None
    weights = []
    for organisation in participants:
        if organisation.id in recorded:
            weights.append(
                RoundWeight(
                    organisation_id=organisation.id,
                    weight=recorded[organisation.id],
                    source="recorded_share",
                    basis=str(year),
                )
            )
            continue
        if live is None:
            try:
                live = {key: charge.amount for key, charge in live_shares(budget).items()}
            except FeeSetupError as exc:
                raise BacklogError("fee_setup", year=year, reason=str(exc.reason)) from None
        if organisation.id not in live:
            raise BacklogError(
                "no_share", organisation=organisation.name, year=year, product=product.name
            )
        weights.append(
            RoundWeight(
                organisation_id=organisation.id,
                weight=live[organisation.id],
                source="live_share",
                basis=str(year),
            )
        )
    return weights


def _tiers(
    round_: PrioritisationRound, participants: list[Organisation], year: int
) -> list[RoundWeight]:
    from consortium.backlog.services import BacklogError

    product = round_.product
    tariff = fee_queries.tariff_for(product.id, year)
    tier_weights = (tariff.pricing or {}).get("tier_weights") if tariff is not None else None
    if not tier_weights:
        raise BacklogError("no_tier_weights", year=year, product=product.name)
    schedule = fee_queries.schedule_for(year)
    basis_year = year - (schedule.population_offset if schedule is not None else 1)
    sets = member_services.band_sets()
    weights = []
    for organisation in participants:
        answer = member_services.tier_of(organisation, basis_year, sets)
        if answer is None:
            raise BacklogError("no_tier", organisation=organisation.name, year=basis_year)
        raw = tier_weights.get(answer.tier)
        try:
            weight = Decimal(str(raw)) if raw is not None else None
        except (InvalidOperation, ValueError):
            weight = None
        if weight is None or not weight.is_finite() or weight < 0:
            raise BacklogError("no_tier_weight", year=year, product=product.name, tier=answer.tier)
        weights.append(
            RoundWeight(
                organisation_id=organisation.id, weight=weight, source="tier", basis=answer.tier
            )
        )
    return weights
