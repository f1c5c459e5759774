"""What a contact's home page says about each of their organisations and suppliers: what it
pays, what it owes, what waits for the contact, and what it takes part in.

Each part asks its own domain and the permission module; an organisation appears only when the
user is its contact, and only its own records are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.agreements.models import WAITING_STATUSES, AgreementDocument
from consortium.backlog.models import Ballot, PrioritisationRound, RoundWeight
from consortium.db import in_force_on
from consortium.extensions import db
from consortium.fees.member_views import ExpectedFees, expected_fees
from consortium.invoicing import payments
from consortium.invoicing.models import INVOICE, OPEN_STATUSES, Invoice
from consortium.invoicing.services import association_today
from consortium.members import services as member_services
from consortium.members.models import Organisation
from consortium.participation.models import Participation, ParticipationRequest
from consortium.suppliers import queries as supplier_queries
from consortium.suppliers.models import Supplier, SupplierAgreement


@dataclass(frozen=True)
class OpenInvoice:
    invoice: Invoice
    balance: Decimal
    overdue: bool


@dataclass(frozen=True)
class OpenBallot:
    round: PrioritisationRound
    voted: bool


@dataclass
class OrganisationHome:
    organisation: Organisation
    fees: ExpectedFees | None = None
    invoices: list[OpenInvoice] = field(default_factory=list)
    may_see_invoices: bool = False
    requests: list[ParticipationRequest] = field(default_factory=list)
    documents: list[AgreementDocument] = field(default_factory=list)
    ballots: list[OpenBallot] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)

    @property
    def waiting_count(self) -> int:
        return (
            len(self.requests)
            + len(self.documents)
            + sum(1 for ballot in self.ballots if not ballot.voted)
        )


@dataclass
class SupplierHome:
    supplier: Supplier
    documents: list[AgreementDocument] = field(default_factory=list)
    agreements: list[SupplierAgreement] = field(default_factory=list)


def _open_invoices(organisation: Organisation, today: date) -> list[OpenInvoice]:
    invoices = list(
        db.session.scalars(
            select(Invoice)
            .where(
                Invoice.organisation_id == organisation.id,
                Invoice.series == INVOICE,
                Invoice.status.in_(OPEN_STATUSES),
            )
            .order_by(Invoice.due_on, Invoice.number)
        )
    )
    owed = payments.balances(invoices)
    return [
        OpenInvoice(
            invoice,
            owed[invoice.id],
            payments.is_overdue(invoice, today, owed=owed[invoice.id]),
        )
        for invoice in invoices
        if owed.get(invoice.id, Decimal("0")) > 0
    ]


def _pending_requests(organisation: Organisation) -> list[ParticipationRequest]:
    return list(
        db.session.scalars(
            select(ParticipationRequest)
            .options(selectinload(ParticipationRequest.product))
            .where(
                ParticipationRequest.organisation_id == organisation.id,
                ParticipationRequest.status == "pending",
            )
            .order_by(ParticipationRequest.requested_at)
        )
    )


def _documents_to_accept(user: Any, **party: int) -> list[AgreementDocument]:
    (column, party_id) = next(iter(party.items()))
    documents = db.session.scalars(
        select(AgreementDocument)
        .where(
            getattr(AgreementDocument, column) == party_id,
            AgreementDocument.status.in_(WAITING_STATUSES),
        )
        .order_by(AgreementDocument.made_at, AgreementDocument.id)
    )
    return [
        document for document in documents if permissions.can(user, "agreements.accept", document)
    ]


def _open_ballots(organisation: Organisation, user: Any) -> list[OpenBallot]:
    rounds = db.session.scalars(
        select(PrioritisationRound)
        .join(RoundWeight, RoundWeight.round_id == PrioritisationRound.id)
        .where(
            PrioritisationRound.status == "open",
            RoundWeight.organisation_id == organisation.id,
        )
        .options(selectinload(PrioritisationRound.product))
        .order_by(PrioritisationRound.closes_at, PrioritisationRound.id)
    ).all()
    voted = set(
        db.session.scalars(
            select(Ballot.round_id).where(
                Ballot.organisation_id == organisation.id,
                Ballot.round_id.in_([each.id for each in rounds]),
            )
        )
    )
    return [
        OpenBallot(each, each.id in voted)
        for each in rounds
        if permissions.can(user, "backlog.vote", each.vote_right(organisation))
    ]


def _current_participations(organisation: Organisation, today: date) -> list[Participation]:
    return sorted(
        db.session.scalars(
            select(Participation)
            .options(selectinload(Participation.product))
            .where(
                Participation.organisation_id == organisation.id,
                in_force_on(Participation.starts_on, Participation.ends_on, today),
            )
        ),
        key=lambda participation: participation.product.name.casefold(),
    )


def organisation_homes(user: Any, today: date | None = None) -> list[OrganisationHome]:
    """One part per organisation the user is a contact of, by name."""
    today = today or date.today()
    invoice_day = association_today()
    homes = []
    for organisation in member_services.organisations_of(user):
        if not permissions.can(user, "organisations.view", organisation):
            continue
        home = OrganisationHome(organisation)
        if permissions.can(user, "fees.view_own", organisation):
            home.fees = expected_fees(organisation, today.year + 1)
        if permissions.can(user, "invoices.view_own", organisation):
            home.may_see_invoices = True
            home.invoices = _open_invoices(organisation, invoice_day)
        if permissions.can(user, "participations.view", organisation):
            home.requests = _pending_requests(organisation)
            home.participations = _current_participations(organisation, today)
        home.documents = _documents_to_accept(user, organisation_id=organisation.id)
        home.ballots = _open_ballots(organisation, user)
        homes.append(home)
    return homes


def supplier_homes(user: Any, today: date | None = None) -> list[SupplierHome]:
    """One part per supplier the user is a contact of."""
    today = today or date.today()
    homes = []
    for supplier in supplier_queries.suppliers_of_contact(user):
        if not permissions.can(user, "suppliers.view", supplier):
            continue
        agreements = [
            agreement
            for agreement in db.session.scalars(
                select(SupplierAgreement)
                .where(SupplierAgreement.supplier_id == supplier.id)
                .options(selectinload(SupplierAgreement.products))
                .order_by(SupplierAgreement.valid_until)
            )
            if supplier_queries.is_valid(agreement, today)
        ]
        homes.append(
            SupplierHome(
                supplier,
                documents=_documents_to_accept(user, supplier_id=supplier.id),
                agreements=agreements,
            )
        )
    return homes
