"""The maturity requirements the groups answer, registered with the products at start-up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from consortium.extensions import db
from consortium.groups.models import Group
from consortium.products import checks
from consortium.products.models import Product


def _current_member_ids(groups, today: date) -> set[int]:
    return {
        member.user_id for group in groups for member in group.members if member.current_on(today)
    }


def _product_groups(product: Product, kind: str) -> list[Group]:
    return list(
        db.session.scalars(select(Group).where(Group.product_id == product.id, Group.kind == kind))
    )


def steering_committee(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "steering_committee"), today))


def coordination_group(product: Product, today: date) -> bool:
    return bool(_current_member_ids(_product_groups(product, "coordination_group"), today))


def board_member_in_steering_committee(product: Product, today: date) -> bool:
    boards = db.session.scalars(select(Group).where(Group.kind == "board"))
    committee = _current_member_ids(_product_groups(product, "steering_committee"), today)
    return bool(committee & _current_member_ids(boards, today))


def register() -> None:
    """Let the products ask the groups."""
    checks.register("steering_committee", steering_committee)
    checks.register("coordination_group", coordination_group)
    checks.register("board_member_in_steering_committee", board_member_in_steering_committee)
