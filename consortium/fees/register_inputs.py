"""The register as the fee engine's inputs: organisations, participations and tier bands."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.engine import in_force_during
from consortium.members import services as member_services
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.settings.services import get_settings

# Steps that end a membership.
ENDING_STATUSES = ("resigned", "lapsed")


def organisation_key(organisation_id: int) -> str:
    return str(organisation_id)


def membership_periods(organisation: Organisation) -> list[tuple[date, date | None]]:
    """The spans in which the organisation was a member: (first day, last day or None).

    Membership is in force from the day of an active step until the day before a resigned or
    lapsed step ("resigned from 1 January" is no longer a member on 1 January). Applying is
    not membership: an organisation that only applied, or has no step at all, has no period.
    """
    periods: list[tuple[date, date | None]] = []
    start: date | None = None
    for step in organisation.memberships:  # in the order recorded
        if step.status == "active":
            if start is None:
                start = step.status_on
        elif step.status in ENDING_STATUSES and start is not None:
            last_day = step.status_on - timedelta(days=1)
            if last_day >= start:
                periods.append((start, last_day))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


def membership_in_force(organisation: Organisation, year: int) -> tuple[date, date | None] | None:
    """The membership that counts for a fee year: from the first day of the first period with a
    day in the year to the last day of the last such period (None: still a member); None when
    the organisation is not a member on any day of the year."""
    during = [
        (start, end)
        for start, end in membership_periods(organisation)
        if in_force_during(year, start, end)
    ]
    if not during:
        return None
    return during[0][0], during[-1][1]


def fee_payer(organisation: Organisation, year: int) -> engine.FeePayer:
    """The organisation as the engine sees it in a fee year; a non-member is marked as such, so
    that it pays no membership fee (its products are charged as its participations say)."""
    membership = membership_in_force(organisation, year)
    return engine.FeePayer(
        key=organisation_key(organisation.id),
        name=organisation.name,
        kind=organisation.kind,
        tier=organisation.tier_override,
        populations={figure.year: figure.population for figure in organisation.populations},
        member_from=None if membership is None else membership[0],
        member_until=None if membership is None else membership[1],
        member=membership is not None,
    )


def participation_term(participation: Participation) -> engine.ParticipationTerm:
    return engine.ParticipationTerm(
        organisation_key=organisation_key(participation.organisation_id),
        product_key=participation.product.slug,
        phase=participation.phase,
        starts_on=participation.starts_on,
        ends_on=participation.ends_on,
        amount_per_year=participation.amount_per_year,
    )


def tier_bands() -> tuple[engine.TierBands, ...]:
    return tuple(
        engine.TierBands(effective_from_year=band_set.effective_from_year, bands=band_set.bands)
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
    extra_participations: tuple[engine.ParticipationTerm, ...] = (),
) -> engine.FeeYear:
    """The engine's view of a year; extra participations answer "what if we joined?"."""
    return engine.FeeYear(
        year,
        [fee_payer(organisation, year) for organisation in load_organisations()],
        [participation_term(participation) for participation in load_participations()]
        + list(extra_participations),
        currency=get_settings().currency,
        tier_bands=tier_bands(),
        population_offset=population_offset,
    )
