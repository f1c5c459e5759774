"""Reading the fee settings of a year: the membership fee schedule, product tariffs, budgets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.fees.models import MembershipFeeSchedule, ProductBudget, ProductTariff
from consortium.products.models import Product


def schedule_for(year: int) -> MembershipFeeSchedule | None:
    return db.session.scalar(
        select(MembershipFeeSchedule).where(MembershipFeeSchedule.year == year)
    )


def tariffs_for(year: int, product_slug: str | None = None) -> list[ProductTariff]:
    query = (
        select(ProductTariff)
        .join(Product)
        .where(ProductTariff.year == year)
        .options(selectinload(ProductTariff.product))
        .order_by(Product.name)
    )
    if product_slug:
        query = query.where(Product.slug == product_slug)
    return list(db.session.scalars(query))


def budget_for(product_id: int, year: int) -> ProductBudget | None:
    return db.session.scalar(
        select(ProductBudget).where(
            ProductBudget.product_id == product_id, ProductBudget.year == year
        )
    )


def tariff_for(product_id: int, year: int) -> ProductTariff | None:
    return db.session.scalar(
        select(ProductTariff).where(
            ProductTariff.product_id == product_id, ProductTariff.year == year
        )
    )


def budgets_for(year: int, product_ids: list[int]) -> dict[int, ProductBudget]:
    """The budgets of the year for the given products, with their recorded shares, by product id."""
    if not product_ids:
        return {}
    budgets = db.session.scalars(
        select(ProductBudget)
        .where(ProductBudget.year == year, ProductBudget.product_id.in_(product_ids))
        .options(selectinload(ProductBudget.shares))
    )
    return {budget.product_id: budget for budget in budgets}
