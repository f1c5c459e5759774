"""The register as the fee engine's inputs: organisations, participations and tier bands."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.fees import engine
from consortium.fees import inputs as fee_inputs
from consortium.members import services as member_services
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.settings.services import get_settings


def organisation_key(organisation_id: int) -> str:
    return str(organisation_id)


def _membership_period(organisation: Organisation):
    """From the first day as an active member to the day of leaving, if it left."""
    member_from = None
    member_until = None
    for step in organisation.memberships:  # in the order recorded
        if step.status == "active":
            member_from = member_from or step.status_on
            member_until = None
        elif step.status in ("resigned", "lapsed") and member_from is not None:
            member_until = step.status_on
    return member_from, member_until


def engine_organisation(organisation: Organisation) -> fee_inputs.Organisation:
    member_from, member_until = _membership_period(organisation)
    return fee_inputs.Organisation(
        key=organisation_key(organisation.id),
        name=organisation.name,
        kind=organisation.kind,
        tier=organisation.tier_override,
        populations={figure.year: figure.population for figure in organisation.populations},
        member_from=member_from,
        member_until=member_until,
    )


def engine_participation(participation: Participation) -> fee_inputs.Participation:
    return fee_inputs.Participation(
        organisation_key=organisation_key(participation.organisation_id),
        product_key=participation.product.slug,
        phase=participation.phase,
        starts_on=participation.starts_on,
        ends_on=participation.ends_on,
        amount_per_year=participation.amount_per_year,
    )


def tier_bands() -> tuple[fee_inputs.TierBands, ...]:
    return tuple(
        fee_inputs.TierBands(band_set.effective_from_year, band_set.bands)
        for band_set in member_services.band_sets()
    )


def load_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.populations), selectinload(Organisation.memberships))
            .order_by(Organisation.id)
        )
    )


def load_participations() -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .options(selectinload(Participation.product))
            .order_by(Participation.id)
        )
    )


def fee_year(
    year: int,
    *,
    population_offset: int = 1,
    extra_participations: tuple[fee_inputs.Participation, ...] = (),
) -> engine.FeeYear:
    """The engine's view of a year; extra participations answer "what if we joined?"."""
    return engine.FeeYear(
        year,
        [engine_organisation(organisation) for organisation in load_organisations()],
        [engine_participation(participation) for participation in load_participations()]
        + list(extra_participations),
        currency=get_settings().currency,
        tier_bands=tier_bands(),
        population_offset=population_offset,
    )
