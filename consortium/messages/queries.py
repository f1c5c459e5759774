"""Reads for the message pages: the people a source names, and the messages one may read."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from consortium.auth.models import User
from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.members.models import Organisation, OrganisationContact
from consortium.messages.models import BulkMessage, BulkMessageRecipient
from consortium.messages.recipients import Candidate
from consortium.participation import queries as participation_queries
from consortium.products.models import Product

PAGE_SIZE = 50


@dataclass
class Source:
    """To whom a message is written: chosen organisations' contacts, a product's participants'
    contacts or a group's members."""

    kind: str  # one of models.SOURCES
    organisations: list[Organisation] = field(default_factory=list)
    product: Product | None = None
    group: Group | None = None

    @property
    def records(self) -> list:
        """The records whose rights decide who may write (see consortium/permissions.py)."""
        if self.kind == "product":
            return [self.product]
        if self.kind == "group":
            return [self.group]
        return list(self.organisations)

    def url_args(self) -> dict:
        """The query string of the writing page for this source."""
        if self.kind == "product" and self.product is not None:
            return {"product": self.product.id}
        if self.kind == "group" and self.group is not None:
            return {"group": self.group.id}
        return {"organisation": [organisation.id for organisation in self.organisations]}


def organisations(ids: list[int]) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )


def _contacts_of(organisation_list: list[Organisation]) -> list[Candidate]:
    names = {organisation.id: organisation.name for organisation in organisation_list}
    if not names:
        return []
    contacts = db.session.scalars(
        select(OrganisationContact)
        .options(selectinload(OrganisationContact.user))
        .where(OrganisationContact.organisation_id.in_(names))
        .order_by(OrganisationContact.id)
    )
    return [
        _candidate(contact.user, names[contact.organisation_id])
        for contact in contacts
        if not contact.user.is_anonymised
    ]


def _candidate(user: User, represents: str) -> Candidate:
    return Candidate(
        user_id=user.id,
        name=user.display_name,
        email=user.shown_email,
        language=user.language,
        active=user.active,
        represents=represents,
    )


def candidates(source: Source) -> list[Candidate]:
    """Everyone the source names today, a person once for each organisation they were found for."""
    if source.kind == "product" and source.product is not None:
        participating = {
            participation.organisation.id: participation.organisation
            for participation in participation_queries.current_participations(source.product)
        }
        return _contacts_of(list(participating.values()))
    if source.kind == "group" and source.group is not None:
        found = []
        for member in group_queries.current_members(source.group):
            if member.user.is_anonymised:
                continue
            party = member.organisation or member.supplier
            found.append(_candidate(member.user, party.name if party is not None else ""))
        return found
    return _contacts_of(source.organisations)


def readable_messages(user, page: int):
    """The messages the user may read, newest first: all for the secretariat; otherwise those
    they sent and those to the groups they chair or keep the minutes of."""
    statement = select(BulkMessage).options(
        selectinload(BulkMessage.sender),
        selectinload(BulkMessage.product),
        selectinload(BulkMessage.group),
        selectinload(BulkMessage.texts),
    )
    if not user.is_secretariat:
        chaired = [
            member.group_id
            for member in group_queries.memberships_of(user.id)
            if member.role in ("chair", "secretary")
        ]
        statement = statement.where(
            or_(BulkMessage.sender_user_id == user.id, BulkMessage.group_id.in_(chaired))
        )
    return db.paginate(
        statement.order_by(BulkMessage.sent_at.desc(), BulkMessage.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def message(message_id: int) -> BulkMessage | None:
    return db.session.scalar(
        select(BulkMessage)
        .options(
            selectinload(BulkMessage.texts),
            selectinload(BulkMessage.recipients).selectinload(BulkMessageRecipient.user),
            selectinload(BulkMessage.recipients).selectinload(BulkMessageRecipient.outbox_message),
        )
        .where(BulkMessage.id == message_id)
    )


def by_token(token: str) -> BulkMessage | None:
    return db.session.scalar(select(BulkMessage).where(BulkMessage.token == token))
