"""Requirements answered from the app's own records.

Each check takes a product and a day and answers True or False; None means the records cannot
answer it (the requirement is then rated by hand). CHECKS maps the key stored in
MaturityRequirement.data_check to its function. The products answer from their own records here;
a domain above the products (participation, suppliers, groups, fees) registers the checks it can
answer from its records with register() at start-up, so that the products never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from consortium.extensions import db
from consortium.products import licences
from consortium.products.models import LevelDecision, Product

Check = Callable[[Product, date], bool | None]


def repository_url(product: Product, today: date) -> bool:
    return bool(product.repository_url.strip())


def osi_licence(product: Product, today: date) -> bool:
    return licences.is_osi_approved(product.licence)


def issue_tracker(product: Product, today: date) -> bool:
    return bool(product.issue_tracker_url.strip())


def point_person(product: Product, today: date) -> bool:
    return bool(product.point_person_name.strip()) or product.point_person_user_id is not None


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
    "board_decision": board_decision,
}


def register(key: str, check: Check) -> None:
    """A check answered by a domain above the products, from its own records (participation:
    "two_organisations"; the fees: "budget_lines"), so that products never import from it."""
    CHECKS[key] = check


def answer(key: str | None, product: Product, today: date) -> bool | None:
    """What the records say about a requirement, or None when they cannot say."""
    check = CHECKS.get(key or "")
    return None if check is None else check(product, today)
