"""Requirements answered from the app's own records.

Each check takes a product and a day and answers True or False; None means the records cannot
answer it (the requirement is then rated by hand). CHECKS maps the key stored in
MaturityRequirement.data_check to its function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, or_, select

from consortium.extensions import db
from consortium.groups.models import Group
from consortium.participation.models import Participation
from consortium.products import licences
from consortium.products.models import LevelDecision, Product
from consortium.suppliers.models import SupplierAgreement, agreement_product

Check = Callable[[Product, date], bool | None]


def current_participations(product: Product, today: date):
    """Participations of the product that have not ended: no end date, or one not yet past."""
    return (
        select(Participation)
        .where(Participation.product_id == product.id)
        .where(or_(Participation.ends_on.is_(None), Participation.ends_on >= today))
    )


def valid_supplier_agreements(product: Product, today: date) -> list[SupplierAgreement]:
    """Supplier agreements that cover the product and are in force today."""
    return list(
        db.session.scalars(
            select(SupplierAgreement)
            .join(agreement_product, agreement_product.c.agreement_id == SupplierAgreement.id)
            .where(agreement_product.c.product_id == product.id)
            .where(SupplierAgreement.signed_on <= today)
            .where(
                or_(SupplierAgreement.valid_until.is_(None), SupplierAgreement.valid_until >= today)
            )
            .order_by(SupplierAgreement.signed_on)
        )
    )


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
    organisations = current_participations(product, today).with_only_columns(
        func.count(Participation.organisation_id.distinct())
    )
    return (db.session.scalar(organisations) or 0) >= 2


def steering_committee(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "steering_committee"), today))


def coordination_group(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "coordination_group"), today))


def participation_agreements(product: Product, today: date) -> bool:
    query = current_participations(product, today).where(Participation.phase == "agreement")
    return db.session.scalar(query.with_only_columns(Participation.id).limit(1)) is not None


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


def budget_lines(product: Product, today: date) -> None:
    # "A budget with coordination and development lines": the app records no budgets yet (they
    # come with the fees work), so the data cannot answer this; the requirement is rated by hand.
    return None


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
    "budget_lines": budget_lines,
}


def answer(key: str | None, product: Product, today: date) -> bool | None:
    """What the records say about a requirement, or None when they cannot say."""
    check = CHECKS.get(key or "")
    return None if check is None else check(product, today)
