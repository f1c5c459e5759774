"""Requirements answered from the app's own records.

Each check takes a product and a day and answers True or False; None means the records cannot
answer it (the requirement is then rated by hand). CHECKS maps the key stored in
MaturityRequirement.data_check to its function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from consortium.extensions import db
from consortium.groups.models import Group
from consortium.participation import queries as participation_queries
from consortium.participation.models import Participation
from consortium.products import licences
from consortium.products.models import LevelDecision, Product
from consortium.suppliers import queries as supplier_queries
from consortium.suppliers.models import SupplierAgreement

Check = Callable[[Product, date], bool | None]


def current_participations(product: Product, today: date) -> list[Participation]:
    """Participations of the product running today: started on or before it, not yet ended."""
    return participation_queries.current_participations(product, on=today)


def valid_supplier_agreements(product: Product, today: date) -> list[SupplierAgreement]:
    """Agreements of approved suppliers that cover the product and are in force today."""
    return supplier_queries.valid_agreements(product, on=today)


def _current_member_ids(groups, today: date) -> set[int]:
    return {
        member.user_id for group in groups for member in group.members if member.current_on(today)
    }


def _product_groups(product: Product, kind: str) -> list[Group]:
    return list(
        db.session.scalars(select(Group).where(Group.product_id == product.id, Group.kind == kind))
    )


def repository_url(product: Product, today: date) -> bool:
    return bool(product.repository_url.strip())


def osi_licence(product: Product, today: date) -> bool:
    return licences.is_osi_approved(product.licence)


def issue_tracker(product: Product, today: date) -> bool:
    return bool(product.issue_tracker_url.strip())


def point_person(product: Product, today: date) -> bool:
    return bool(product.point_person_name.strip()) or product.point_person_user_id is not None


def two_organisations(product: Product, today: date) -> bool:
    organisations = {p.organisation_id for p in current_participations(product, today)}
    return len(organisations) >= 2


def steering_committee(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "steering_committee"), today))


def coordination_group(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "coordination_group"), today))


def participation_agreements(product: Product, today: date) -> bool:
    return any(p.phase == "agreement" for p in current_participations(product, today))


def supplier_agreement(product: Product, today: date) -> bool:
    return bool(valid_supplier_agreements(product, today))


def board_member_in_steering_committee(product: Product, today: date) -> bool:
    boards = db.session.scalars(select(Group).where(Group.kind == "board"))
    committee = _current_member_ids(_product_groups(product, "steering_committee"), today)
    return bool(committee & _current_member_ids(boards, today))


def board_decision(product: Product, today: date) -> bool:
    query = select(LevelDecision.id).where(
        LevelDecision.product_id == product.id,
        LevelDecision.decided_by_body == "board",
        LevelDecision.decided_on <= today,
    )
    return db.session.scalar(query.limit(1)) is not None


CHECKS: dict[str, Check] = {
    "repository_url": repository_url,
    "osi_licence": osi_licence,
    "issue_tracker": issue_tracker,
    "point_person": point_person,
    "two_organisations": two_organisations,
    "steering_committee": steering_committee,
    "coordination_group": coordination_group,
    "participation_agreements": participation_agreements,
    "supplier_agreement": supplier_agreement,
    "board_member_in_steering_committee": board_member_in_steering_committee,
    "board_decision": board_decision,
}


def register(key: str, check: Check) -> None:
    """A check answered by a domain above the products, from its own records (the fees:
    "budget_lines"), so that products never import from it."""
    CHECKS[key] = check


def answer(key: str | None, product: Product, today: date) -> bool | None:
    """What the records say about a requirement, or None when they cannot say."""
    check = CHECKS.get(key or "")
    return None if check is None else check(product, today)
