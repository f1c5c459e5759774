"""Reading agreements for the pages: the documents a list shows (all, waiting for acceptance,
a contact's own), a participation's agreement state, and what still has no document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from consortium.agreements.models import (
    ACCEPTED,
    REPLACED,
    AgreementDocument,
)
from consortium.extensions import db
from consortium.members.models import Membership, Organisation, OrganisationContact
from consortium.participation.models import Participation
from consortium.settings.services import get_settings
from consortium.suppliers.models import Supplier, SupplierContact

# A participation's agreement state.
AGREED_OUTSIDE, STATE_ACCEPTED, STATE_WAITING, STATE_NONE = "outside", "accepted", "waiting", "none"


def documents(kind: str | None = None) -> list[AgreementDocument]:
    """Every document (of a kind), by number."""
    statement = select(AgreementDocument).order_by(
        AgreementDocument.number_year, AgreementDocument.number
    )
    if kind:
        statement = statement.where(AgreementDocument.kind == kind)
    return list(db.session.scalars(statement))


# What a list of documents sorts by: the party's name, an organisation's or a supplier's.
PARTY_NAME = func.lower(func.coalesce(Organisation.name, Supplier.name))


def documents_statement(
    *,
    user_id: int | None = None,
    statuses: Iterable[str] | None = None,
    kind: str | None = None,
    search: str = "",
) -> Select:
    """The documents as a list reads them, with their parties joined to sort by: those of the
    organisations and suppliers the user is a contact of when a user is given, else all; of
    the statuses and kind given; whose number or party contains the search."""
    statement = (
        select(AgreementDocument)
        .outerjoin(Organisation, AgreementDocument.organisation_id == Organisation.id)
        .outerjoin(Supplier, AgreementDocument.supplier_id == Supplier.id)
        .options(
            selectinload(AgreementDocument.organisation),
            selectinload(AgreementDocument.supplier),
        )
    )
    if user_id is not None:
        organisations = select(OrganisationContact.organisation_id).where(
            OrganisationContact.user_id == user_id
        )
        suppliers = select(SupplierContact.supplier_id).where(SupplierContact.user_id == user_id)
        statement = statement.where(
            or_(
                AgreementDocument.organisation_id.in_(organisations),
                AgreementDocument.supplier_id.in_(suppliers),
            )
        )
    if statuses is not None:
        statement = statement.where(AgreementDocument.status.in_(tuple(statuses)))
    if kind:
        statement = statement.where(AgreementDocument.kind == kind)
    if search:
        statement = statement.where(
            or_(
                AgreementDocument.number.icontains(search, autoescape=True),
                func.coalesce(Organisation.name, Supplier.name).icontains(search, autoescape=True),
            )
        )
    return statement


def current_document(participation: Participation) -> AgreementDocument | None:
    """The participation's latest document that has not been replaced."""
    found: AgreementDocument | None = db.session.scalar(
        select(AgreementDocument)
        .where(
            AgreementDocument.participation_id == participation.id,
            AgreementDocument.status != REPLACED,
        )
        .order_by(AgreementDocument.id.desc())
    )
    return found


def participation_state(participation: Participation) -> str:
    """Whether the participation's agreement is accepted (in the app or, before it, outside),
    waiting for acceptance, or has no document."""
    return participation_states([participation])[participation.id].state


@dataclass(frozen=True)
class AgreementState:
    """A participation's agreement state, with the document it rests on (none when agreed
    outside the system or not made yet) and since when: accepted at, or made at while it
    waits."""

    state: str
    document: AgreementDocument | None = None
    since: datetime | None = None


def participation_states(participations: Iterable[Participation]) -> dict[int, AgreementState]:
    """The agreement state of many participations at once, by participation id, in one query
    (the documents' organisations and their contacts come along, so that asking whether a
    reader may open a document needs no more)."""
    wanted = {participation.id: participation for participation in participations}
    latest: dict[int, AgreementDocument] = {}
    if wanted:
        for document in db.session.scalars(
            select(AgreementDocument)
            .where(
                AgreementDocument.participation_id.in_(list(wanted)),
                AgreementDocument.status != REPLACED,
            )
            .options(
                selectinload(AgreementDocument.organisation).selectinload(Organisation.contacts)
            )
            .order_by(AgreementDocument.id)
        ):
            # Ordered by id: the latest document of each participation is kept.
            latest[document.participation_id or 0] = document
    states: dict[int, AgreementState] = {}
    for key, participation in wanted.items():
        document = latest.get(key)
        if document is not None and document.status == ACCEPTED:
            states[key] = AgreementState(STATE_ACCEPTED, document, document.accepted_at)
        elif participation.agreed_outside_system:
            states[key] = AgreementState(AGREED_OUTSIDE)
        elif document is not None:
            states[key] = AgreementState(STATE_WAITING, document, document.made_at)
        else:
            states[key] = AgreementState(STATE_NONE)
    return states


@dataclass(frozen=True)
class Missing:
    """A participation, active membership or approved supplier without a document."""

    kind: str
    name: str
    organisation_id: int | None = None
    participation_id: int | None = None
    supplier_id: int | None = None


def without_document(today: date) -> list[Missing]:
    """What should have an agreement and has none: a current participation (not agreed
    outside the system), an active member, an approved supplier."""
    missing: list[Missing] = []
    with_document = select(AgreementDocument.participation_id).where(
        AgreementDocument.participation_id.is_not(None)
    )
    for participation in db.session.scalars(
        select(Participation)
        .where(
            Participation.agreed_outside_system.is_(False),
            or_(Participation.ends_on.is_(None), Participation.ends_on >= today),
            Participation.id.not_in(with_document),
        )
        .options(selectinload(Participation.organisation), selectinload(Participation.product))
        .order_by(Participation.id)
    ):
        missing.append(
            Missing(
                "participation",
                f"{participation.organisation.name} – {participation.product.name}",
                organisation_id=participation.organisation_id,
                participation_id=participation.id,
            )
        )
    # Members and suppliers approved before the association kept agreements here signed on
    # paper (settings.agreements_since, set by the migration).
    since = get_settings().agreements_since
    members = select(AgreementDocument.organisation_id).where(
        AgreementDocument.kind == "membership"
    )
    latest: dict[int, Membership] = {}
    for step in db.session.scalars(select(Membership).order_by(Membership.id)):
        latest[step.organisation_id] = step
    active = [
        key
        for key, step in latest.items()
        if step.status == "active" and (since is None or step.recorded_at >= since)
    ]
    if active:
        for organisation in db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(active), Organisation.id.not_in(members))
            .order_by(Organisation.name)
        ):
            missing.append(
                Missing("membership", organisation.name, organisation_id=organisation.id)
            )
    suppliers = select(AgreementDocument.supplier_id).where(AgreementDocument.kind == "supplier")
    statement = select(Supplier).where(Supplier.status == "approved", Supplier.id.not_in(suppliers))
    if since is not None:
        statement = statement.where(Supplier.decided_at >= since)
    for supplier in db.session.scalars(statement.order_by(Supplier.name)):
        missing.append(Missing("supplier", supplier.name, supplier_id=supplier.id))
    return missing
