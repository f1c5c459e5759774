"""The agreements made by themselves: the participation agreement when the secretariat approves
a request to join, the membership agreement when a membership becomes active, the supplier
agreement when a supplier is approved.

The approval never fails for want of an agreement: when no template of the kind has been
published (in any language), nothing is made and the secretariat finds the party among those
waiting for an agreement. A document is made in a savepoint, so a failure leaves nothing
half-made.
"""

from __future__ import annotations

import logging

from consortium.agreements import services
from consortium.agreements.labels import state_text
from consortium.agreements.models import MEMBERSHIP, PARTICIPATION, SUPPLIER
from consortium.agreements.queries import participation_states
from consortium.auth.models import User
from consortium.extensions import db
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.suppliers.models import Supplier

log = logging.getLogger(__name__)


def register() -> None:
    """Have the lower domains call the agreements at their approvals, and ask them for a
    participation's agreement in words."""
    from consortium.members import services as members
    from consortium.participation import queries as participation_queries
    from consortium.participation import services as participation
    from consortium.suppliers import services as suppliers

    participation.on_join_approved("agreements", participation_approved)
    participation_queries.on_agreement_texts("agreements", agreement_texts)
    members.on_membership_active("agreements", membership_active)
    suppliers.on_approved("agreements", supplier_approved)


def _make(
    kind: str, by: User | None = None, **parties: Organisation | Participation | Supplier
) -> None:
    try:
        with db.session.begin_nested():
            services.make_document(kind, made_by=by, **parties)  # type: ignore[arg-type]
    except services.AgreementError as exc:
        # No template in the party's language nor in English: the party waits for one.
        log.info("no %s agreement made: %s", kind, exc.code)


def participation_approved(participation: Participation, decided_by: User) -> None:
    _make(PARTICIPATION, decided_by, participation=participation)


def membership_active(organisation: Organisation) -> None:
    _make(MEMBERSHIP, organisation=organisation)


def supplier_approved(supplier: Supplier, decided_by: User | None) -> None:
    _make(SUPPLIER, decided_by, supplier=supplier)


def agreement_texts(participations: list[Participation]) -> dict[int, str]:
    """Each participation's agreement state in words, by id, for the lists' exports."""
    return {key: state_text(state) for key, state in participation_states(participations).items()}
