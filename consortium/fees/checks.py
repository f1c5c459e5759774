"""The maturity requirement the fees can answer: "the agreement funds coordination and development"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.products import checks
from consortium.products.models import Product


def budget_lines(product: Product, today: date) -> bool | None:
    """The current year's approved or frozen budget has a coordination line and a development
    line, each above zero; without such a budget the records cannot say (rated by hand)."""
    budget = db.session.scalar(
        select(ProductBudget).where(
            ProductBudget.product_id == product.id,
            ProductBudget.year == today.year,
            ProductBudget.status.in_(("approved", "frozen")),
        )
    )
    if budget is None:
        return None
    funded = {
        line.get("purpose")
        for line in budget.lines or []
        if Decimal(str(line.get("amount") or "0")) > 0
    }
    return {"coordination", "development"} <= funded


def register_checks() -> None:
    """Answer the products' "budget_lines" requirement from the fees' budgets."""
    checks.register("budget_lines", budget_lines)
