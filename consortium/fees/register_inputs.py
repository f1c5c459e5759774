"""The register as the fee engine's inputs: organisations, participations and tier bands."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, select

from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.engine import in_force_during
from consortium.members import services as member_services
from consortium.members.models import Membership, Organisation, PopulationFigure
from consortium.participation.models import Participation
from consortium.products.models import Product
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
    return periods_of_steps((step.status, step.status_on) for step in organisation.memberships)


def periods_of_steps(steps: Iterable[tuple[str, date]]) -> list[tuple[date, date | None]]:
    """membership_periods() of the membership steps (status, day) in the order recorded."""
    periods: list[tuple[date, date | None]] = []
    start: date | None = None
    for status, status_on in steps:
        if status == "active":
            if start is None:
                start = status_on
        elif status in ENDING_STATUSES and start is not None:
            last_day = status_on - timedelta(days=1)
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
    return _in_force(membership_periods(organisation), year)


def _in_force(
    periods: list[tuple[date, date | None]], year: int
) -> tuple[date, date | None] | None:
    during = [(start, end) for start, end in periods if in_force_during(year, start, end)]
    if not during:
        return None
    return during[0][0], during[-1][1]


def tier_bands() -> tuple[engine.TierBands, ...]:
    return tuple(
        engine.TierBands(effective_from_year=band_set.effective_from_year, bands=band_set.bands)
        for band_set in member_services.band_sets()
    )


def lacking_population(basis_year: int | ColumnElement[int]) -> Select[tuple[int]]:
    """The organisations that have been members or asked to be (they have a step of
    membership) with no size tier set by hand and no population for the basis year (a number,
    or an expression of a larger statement). Whether they are members in a year is for
    `members_without_population` to say."""
    return (
        select(Organisation.id)
        .where(select(Membership.id).where(Membership.organisation_id == Organisation.id).exists())
        .where((Organisation.tier_override.is_(None)) | (Organisation.tier_override == ""))
        .where(
            ~select(PopulationFigure.id)
            .where(
                PopulationFigure.organisation_id == Organisation.id,
                PopulationFigure.year == basis_year,
            )
            .exists()
        )
    )


def members_without_population(year: int, basis_year: int) -> int:
    """How many members in the year have no size tier set by hand and no population for the
    basis year: read from the few organisations without that figure, not the whole register."""
    steps = (
        select(Membership.organisation_id, Membership.status, Membership.status_on)
        .where(Membership.organisation_id.in_(lacking_population(basis_year).scalar_subquery()))
        .order_by(Membership.id)
    )
    db.session.flush()
    history: dict[int, list[tuple[str, date]]] = {}
    for organisation_id, status, status_on in db.session.connection().execute(steps).all():
        history.setdefault(organisation_id, []).append((status, status_on))
    return sum(1 for found in history.values() if _in_force(periods_of_steps(found), year))


def load_fee_payers(year: int, organisations: Select | None = None) -> list[engine.FeePayer]:
    """The organisations (every one, or those whose ids the select answers) as the engine sees
    them in a fee year, read as plain rows: a year of the whole register is tens of thousands
    of organisations, populations and membership steps, which ORM objects would make slow."""
    chosen = None if organisations is None else organisations.scalar_subquery()
    rows = select(
        Organisation.id, Organisation.name, Organisation.kind, Organisation.tier_override
    ).order_by(Organisation.id)
    figures = select(
        PopulationFigure.organisation_id, PopulationFigure.year, PopulationFigure.population
    )
    steps = select(Membership.organisation_id, Membership.status, Membership.status_on).order_by(
        Membership.id
    )
    if chosen is not None:
        rows = rows.where(Organisation.id.in_(chosen))
        figures = figures.where(PopulationFigure.organisation_id.in_(chosen))
        steps = steps.where(Membership.organisation_id.in_(chosen))
    # Plain Core rows on the session's connection (after writing what is pending, as a query
    # of the session would): no ORM result processing for tens of thousands of rows.
    db.session.flush()
    connection = db.session.connection()
    populations: dict[int, dict[int, int]] = {}
    for organisation_id, figure_year, population in connection.execute(figures).all():
        populations.setdefault(organisation_id, {})[figure_year] = population
    history: dict[int, list[tuple[str, date]]] = {}
    for organisation_id, status, status_on in connection.execute(steps).all():
        history.setdefault(organisation_id, []).append((status, status_on))
    payers = []
    for organisation_id, name, kind, tier in connection.execute(rows).all():
        membership = _in_force(periods_of_steps(history.get(organisation_id, ())), year)
        payers.append(
            engine.FeePayer(
                key=organisation_key(organisation_id),
                name=name,
                kind=kind,
                tier=tier,
                populations=populations.get(organisation_id, {}),
                member_from=None if membership is None else membership[0],
                member_until=None if membership is None else membership[1],
                member=membership is not None,
            )
        )
    return payers


def load_participation_terms(
    product_ids: Collection[int] | None = None, organisation_id: int | None = None
) -> list[engine.ParticipationTerm]:
    """The participations (in some products, of an organisation, or every one) as the engine's
    terms, read as plain rows."""
    query = (
        select(
            Participation.organisation_id,
            Product.slug,
            Participation.phase,
            Participation.starts_on,
            Participation.ends_on,
            Participation.amount_per_year,
        )
        .join(Product, Product.id == Participation.product_id)
        .order_by(Participation.id)
    )
    if product_ids is not None:
        query = query.where(Participation.product_id.in_(list(product_ids)))
    if organisation_id is not None:
        query = query.where(Participation.organisation_id == organisation_id)
    db.session.flush()
    return [
        engine.ParticipationTerm(
            organisation_key=organisation_key(row_organisation_id),
            product_key=slug,
            phase=phase,
            starts_on=starts_on,
            ends_on=ends_on,
            amount_per_year=amount_per_year,
        )
        for row_organisation_id, slug, phase, starts_on, ends_on, amount_per_year in (
            db.session.connection().execute(query).all()
        )
    ]


def fee_year(
    year: int,
    *,
    population_offset: int = 1,
    extra_participations: tuple[engine.ParticipationTerm, ...] = (),
    product_ids: Collection[int] | None = None,
    organisation_id: int | None = None,
) -> engine.FeeYear:
    """The engine's view of a year; extra participations answer "what if we joined?".

    With product_ids, only those products' participations and the organisations taking part in
    them (and those of the extra participations): all the products' charges depend on. With
    organisation_id, only that organisation and its own participations: all its membership
    fee, tier tariffs and pledges depend on.
    """
    organisations: Select | None = None
    if product_ids is not None:
        extra_ids = [int(term.organisation_key) for term in extra_participations]
        organisations = select(Organisation.id).where(
            Organisation.id.in_(
                select(Participation.organisation_id).where(
                    Participation.product_id.in_(list(product_ids))
                )
            )
            | Organisation.id.in_(extra_ids)
        )
    elif organisation_id is not None:
        organisations = select(Organisation.id).where(Organisation.id == organisation_id)
    return engine.FeeYear(
        year,
        load_fee_payers(year, organisations),
        load_participation_terms(product_ids, organisation_id) + list(extra_participations),
        currency=get_settings().currency,
        tier_bands=tier_bands(),
        population_offset=population_offset,
    )
