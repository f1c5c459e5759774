"""Reading participations and requests, for this package's pages and for the product pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.db import in_force_on, not_ended_before
from consortium.extensions import db
from consortium.members.models import Organisation, OrganisationContact
from consortium.participation.models import Participation, ParticipationRequest
from consortium.products.models import Product

# How the domains above say in words what stands agreed for each participation (the agreements
# name the state of its agreement), registered at start-up by name; read for the lists' exports.
_AGREEMENT_TEXTS: dict[str, Callable[[list[Participation]], dict[int, str]]] = {}


def on_agreement_texts(name: str, reader: Callable[[list[Participation]], dict[int, str]]) -> None:
    """Have ``reader(participations)`` say each participation's agreement in words, by id."""
    _AGREEMENT_TEXTS[name] = reader


def agreement_texts(participations: list[Participation]) -> dict[int, str]:
    """Each participation's agreement in words, by id, as the registered readers say it (empty
    when none is registered)."""
    texts: dict[int, str] = {}
    for reader in _AGREEMENT_TEXTS.values():
        texts.update(reader(participations))
    return texts


def _current(day: date):
    return in_force_on(Participation.starts_on, Participation.ends_on, day)


def current_participations(product: Product, on: date | None = None) -> list[Participation]:
    """The organisations taking part in the product on a day (today by default)."""
    statement = current_statement(product, on or date.today())
    return list(
        db.session.scalars(
            statement.options(selectinload(Participation.billing_identity)).order_by(
                Organisation.name, Participation.starts_on
            )
        )
    )


def participant_names(product: Product, on: date) -> list[str]:
    """The names of the organisations taking part in the product on a day, each once, sorted
    as a reader sorts them (without loading the participations)."""
    names = db.session.scalars(
        select(Organisation.name)
        .join(Participation, Participation.organisation_id == Organisation.id)
        .where(Participation.product_id == product.id, _current(on))
        .distinct()
    )
    return sorted(names, key=str.lower)


def current_statement(product: Product, on: date):
    """The product's participations on a day with their organisations joined to sort by, the
    organisations' contacts loaded (whether the reader may open a participant's page depends
    on them)."""
    return (
        select(Participation)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .options(selectinload(Participation.organisation).selectinload(Organisation.contacts))
        .where(Participation.product_id == product.id, _current(on))
    )


def organisations_taking_part(
    product: Product, on: date, *, phase: str | None = None, at_most: int | None = None
) -> list[int]:
    """Ids of the organisations taking part in the product on a day (in a phase, if given), at
    most ``at_most`` of them: what a maturity check counts, without loading the participations."""
    query = (
        select(Participation.organisation_id)
        .where(Participation.product_id == product.id, _current(on))
        .distinct()
    )
    if phase is not None:
        query = query.where(Participation.phase == phase)
    if at_most is not None:
        query = query.limit(at_most)
    return list(db.session.scalars(query))


def participations_of(organisation: Organisation) -> list[Participation]:
    """Every participation of the organisation, current and past, newest first."""
    return list(
        db.session.scalars(
            select(Participation)
            .join(Product)
            .options(selectinload(Participation.product))
            .where(Participation.organisation_id == organisation.id)
            .order_by(Participation.starts_on.desc(), Product.name)
        )
    )


def participations_statement(product_id: int | None = None, organisation_id: int | None = None):
    """The participations with their products and organisations joined to sort by, filtered by
    product and organisation."""
    query = (
        select(Participation)
        .join(Product)
        .join(Organisation)
        .options(
            selectinload(Participation.product),
            selectinload(Participation.organisation),
            selectinload(Participation.billing_identity),
        )
    )
    if product_id:
        query = query.where(Participation.product_id == product_id)
    if organisation_id:
        query = query.where(Participation.organisation_id == organisation_id)
    return query


def requests_statement(status: str = ""):
    """The requests (of a status) with their organisations and products joined to sort by."""
    query = (
        select(ParticipationRequest)
        .join(Organisation, ParticipationRequest.organisation_id == Organisation.id)
        .join(Product, ParticipationRequest.product_id == Product.id)
        .options(
            selectinload(ParticipationRequest.organisation),
            selectinload(ParticipationRequest.product),
        )
    )
    if status:
        query = query.where(ParticipationRequest.status == status)
    return query


def requests(status: str = "") -> list[ParticipationRequest]:
    """Requests, pending first, newest first."""
    query = select(ParticipationRequest).options(
        selectinload(ParticipationRequest.organisation),
        selectinload(ParticipationRequest.product),
    )
    if status:
        query = query.where(ParticipationRequest.status == status)
    rows = db.session.scalars(query.order_by(ParticipationRequest.requested_at.desc())).all()
    return sorted(rows, key=lambda row: row.status != "pending")


def organisations_of_contact(user_id: int) -> list[Organisation]:
    """The organisations the user is a contact of."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(OrganisationContact)
            .where(OrganisationContact.user_id == user_id)
            .order_by(Organisation.name)
        )
    )


def requests_of(organisation: Organisation) -> list[ParticipationRequest]:
    return list(
        db.session.scalars(
            select(ParticipationRequest)
            .options(selectinload(ParticipationRequest.product))
            .where(ParticipationRequest.organisation_id == organisation.id)
            .order_by(ParticipationRequest.requested_at.desc())
        )
    )


def all_products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.name)))


def joinable_products(organisation: Organisation, on: date | None = None) -> list[Product]:
    """The products the organisation could ask to join: not retired, not taken part in today
    or later, and without a pending request of the organisation."""
    day = on or date.today()
    taking_part = select(Participation.product_id).where(
        Participation.organisation_id == organisation.id,
        not_ended_before(Participation.ends_on, day),
    )
    pending = select(ParticipationRequest.product_id).where(
        ParticipationRequest.organisation_id == organisation.id,
        ParticipationRequest.kind == "join",
        ParticipationRequest.status == "pending",
    )
    return list(
        db.session.scalars(
            select(Product)
            .where(
                Product.status != "retired",
                Product.id.not_in(taking_part),
                Product.id.not_in(pending),
            )
            .order_by(Product.name)
        )
    )
