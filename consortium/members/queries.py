"""Reading the register: the searchable, sortable organisation list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from consortium.auth.models import User
from consortium.extensions import db
from consortium.listing import in_order
from consortium.members.models import (
    Membership,
    Organisation,
    OrganisationContact,
    PopulationFigure,
)

PAGE_SIZE = 50
# The order of the membership's steps, which the list sorts by (not by the code's letters).
STATUS_ORDER = ("applied", "active", "resigned", "lapsed")


def latest_population_expression():
    """Each organisation's newest population figure, as a column the list sorts by."""
    return (
        select(PopulationFigure.population)
        .where(PopulationFigure.organisation_id == Organisation.id)
        .order_by(PopulationFigure.year.desc())
        .limit(1)
        .correlate(Organisation)
        .scalar_subquery()
    )


def membership_status_expression():
    """Each organisation's current membership step as a number in the steps' order."""
    latest = (
        select(Membership.status)
        .where(Membership.organisation_id == Organisation.id)
        .order_by(Membership.id.desc())
        .limit(1)
        .correlate(Organisation)
        .scalar_subquery()
    )
    return in_order(latest, STATUS_ORDER)


def primary_contact_expression():
    """The name of each organisation's primary contact (the first one, when there are more)."""
    return (
        select(func.min(func.lower(User.name)))
        .join(OrganisationContact, OrganisationContact.user_id == User.id)
        .where(
            OrganisationContact.organisation_id == Organisation.id,
            OrganisationContact.role == "primary",
        )
        .correlate(Organisation)
        .scalar_subquery()
    )


@dataclass
class OrganisationFilter:
    search: str = ""
    kind: str = ""
    status: str = ""
    country: str = ""
    tier: str = ""
    # Only these organisations (a selection made on the list), when given.
    ids: tuple[int, ...] = ()

    def statement(self, only_for_user_id: int | None = None) -> Select:
        # The list shows each organisation's tier and membership: load them with the page.
        query = select(Organisation).options(
            selectinload(Organisation.populations),
            selectinload(Organisation.memberships),
            selectinload(Organisation.contacts).selectinload(OrganisationContact.user),
        )
        if self.ids:
            query = query.where(Organisation.id.in_(self.ids))
        if only_for_user_id is not None:
            query = query.join(OrganisationContact).where(
                OrganisationContact.user_id == only_for_user_id
            )
        if self.search:
            pattern = f"%{self.search.lower()}%"
            query = query.where(
                or_(
                    func.lower(Organisation.name).like(pattern),
                    Organisation.registration_number.like(pattern),
                    Organisation.municipality_code.like(pattern),
                )
            )
        if self.kind:
            query = query.where(Organisation.kind == self.kind)
        if self.country:
            query = query.where(Organisation.country == self.country)
        if self.status:
            latest = (
                select(Membership.organisation_id, func.max(Membership.id).label("latest_id"))
                .group_by(Membership.organisation_id)
                .subquery()
            )
            query = query.join(latest, latest.c.organisation_id == Organisation.id).join(
                Membership,
                and_(Membership.id == latest.c.latest_id, Membership.status == self.status),
            )
        if self.tier:
            query = query.where(Organisation.id.in_(_ids_with_tier(self.tier)))
        return query.order_by(Organisation.name, Organisation.id)


def _ids_with_tier(tier: str) -> list[int]:
    """The organisations now in a tier: derived from populations, so worked out here."""
    from consortium.members.services import band_sets, current_tier

    sets = band_sets()
    organisations = db.session.scalars(
        select(Organisation).options(selectinload(Organisation.populations))
    )
    return [
        organisation.id
        for organisation in organisations
        if (answer := current_tier(organisation, sets)) is not None and answer.tier == tier
    ]
