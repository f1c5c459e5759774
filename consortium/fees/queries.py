"""Reading the fee settings of a year: the membership fee schedule, product tariffs, budgets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.fees.models import MembershipFeeSchedule, ProductBudget, ProductTariff
from consortium.products.models import Product


def schedule_for(year: int) -> MembershipFeeSchedule | None:
    """The membership fee schedule of the year, if one is set."""
    return db.session.scalar(
        select(MembershipFeeSchedule).where(MembershipFeeSchedule.year == year)
    )


def tariffs_for(year: int, product_slug: str | None = None) -> list[ProductTariff]:
    """The product tariffs of the year (of one product, if given), by product name."""
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
    """A product's budget for the year, if one is set."""
    return db.session.scalar(
        select(ProductBudget).where(
            ProductBudget.product_id == product_id, ProductBudget.year == year
        )
    )


def tariff_for(product_id: int, year: int) -> ProductTariff | None:
    """A product's tariff for the year, if one is set."""
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
