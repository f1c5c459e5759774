"""Reading the register: the searchable, sortable organisation list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.members.models import Membership, Organisation, OrganisationContact

PAGE_SIZE = 50
# The columns a list may be sorted on: a fixed set, never a name taken from the request.
SORTS = {
    "name": Organisation.name,
    "kind": Organisation.kind,
    "country": Organisation.country,
    "created": Organisation.created_at,
}


@dataclass
class OrganisationFilter:
    search: str = ""
    kind: str = ""
    status: str = ""
    country: str = ""
    tier: str = ""
    sort: str = "name"
    descending: bool = False

    def statement(self, only_for_user_id: int | None = None) -> Select:
        # The list shows each organisation's tier and membership: load them with the page.
        query = select(Organisation).options(
            selectinload(Organisation.populations), selectinload(Organisation.memberships)
        )
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
        column = SORTS.get(self.sort, Organisation.name)
        return query.order_by(column.desc() if self.descending else column, Organisation.id)


def search(organisation_filter: OrganisationFilter, page: int, only_for_user_id: int | None = None):
    return db.paginate(
        organisation_filter.statement(only_for_user_id),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


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
