"""The demo association's fees: membership fee schedules, product tariffs and budgets.

Loaded after the member register, the products and the participations (consortium/demo.py).
This year: a flat DKK 25,000 membership fee with OS2's half-year rule, tariffs for every product
with participants (amounts per OS2 size tier, or a split of the budget by population) and
budgets (the split ones approved). Next year: the schedule and tariffs copied with index regulation (index 100
→ 103.2), and draft budgets. Last year: the same kinds of tariffs at index 97.5, with approved
budgets, for last year's invoices. Uses the services only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import computation, queries, services, specs
from consortium.participation.models import Participation
from consortium.products.models import Product

INDEX_LAST_YEAR = Decimal("97.5")
INDEX_THIS_YEAR = Decimal("100.0")
INDEX_NEXT_YEAR = Decimal("103.2")
# OS2 tier tables: small, medium, large and very large municipalities.
TIER_TABLES = (
    {"small": "15000.00", "medium": "25000.00", "large": "40000.00", "very_large": "60000.00"},
    {"small": "8000.00", "medium": "12000.00", "large": "18000.00", "very_large": "26000.00"},
)
# Budget lines of a product split by population: (purpose, amount, note).
BUDGET_LINES = (
    ("coordination", Decimal("120000.00"), "Product coordinator, 0.2 FTE"),
    ("development", Decimal("350000.00"), "New features from the prioritised backlog"),
    ("operations", Decimal("80000.00"), "Hosting and security updates"),
)
TIER_TABLE_LINES = (
    ("coordination", Decimal("60000.00"), "Coordination group meetings"),
    ("development", Decimal("150000.00"), "Maintenance and small features"),
)


def _products_with_participants(year: int) -> list[tuple[Product, bool]]:
    """Products with a participation in force in the year: (product, has an agreement)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = db.session.execute(
        select(Participation.product_id, Participation.phase).where(
            Participation.starts_on <= last,
            (Participation.ends_on.is_(None)) | (Participation.ends_on >= first),
        )
    ).all()
    agreements = {product_id for product_id, phase in rows if phase == "agreement"}
    ids = {product_id for product_id, _phase in rows}
    products = db.session.scalars(
        select(Product).where(Product.id.in_(ids)).order_by(Product.name)
    ).all()
    return [(product, product.id in agreements) for product in products]


def _lines(lines, factor: Decimal = Decimal(1)) -> list[dict]:
    return [
        {"purpose": purpose, "amount": specs.regulate(amount, Decimal(1), factor), "note": note}
        for purpose, amount, note in lines
    ]


def load_demo(today: date | None = None) -> None:
    """Add last year's, this year's and next year's fees."""
    year = (today or date.today()).year
    _load_last_year(year - 1)
    schedule = services.save_schedule(
        year,
        rule={"type": "flat", "amount": "25000.00"},
        by_kind={},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
        population_offset=1,
        index_value=INDEX_THIS_YEAR,
        note="DKK 25,000 for every member; half a year when joining after 1 July.",
    )
    split_products = _tariffs_and_budgets(year, first_year=year - 2)
    # Next year: the schedule and the tariffs regulated by the index, budgets still drafts.
    services.copy_schedule(schedule, INDEX_NEXT_YEAR, copy_tariffs=True, regulate_tariffs=True)
    for tariff in queries.tariffs_for(year + 1):
        lines = BUDGET_LINES if tariff.product in split_products else TIER_TABLE_LINES
        services.save_budget(tariff.product, year + 1, _lines(lines, INDEX_NEXT_YEAR / 100))
    _approve_budgets(year)
    db.session.flush()


def _load_last_year(year: int) -> None:
    """Last year's fees, invoiced and sent in January of that year: the membership fee and the
    tariffs at last year's index, every budget approved.

    The register's population figures start on 1 January of last year, so last year's fees
    use the population of the year itself."""
    services.save_schedule(
        year,
        rule={"type": "flat", "amount": "24375.00"},  # 25,000 at index 97.5
        by_kind={},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
        population_offset=0,
        index_value=INDEX_LAST_YEAR,
        note="DKK 24,375 for every member (index 97.5); half a year when joining after 1 July.",
    )
    # Two products in three with agreements split their budget, so that the demo has several
    # invoiced years to settle (consortium/invoicing/demo.py).
    _tariffs_and_budgets(
        year,
        first_year=year - 1,
        factor=INDEX_LAST_YEAR / 100,
        split=lambda number: number % 3 != 0,
    )
    _approve_budgets(year)


def _every_other(number: int) -> bool:
    return number % 2 == 1


def _tariffs_and_budgets(
    year: int,
    *,
    first_year: int,
    factor: Decimal = Decimal(1),
    split: Callable[[int], bool] = _every_other,
) -> list[Product]:
    """A tariff and a draft budget for every product with participants in the year: a tier
    table, or (for the products with agreements whose position in the list ``split`` picks,
    every other one by default) a split of the budget by population.
    Answers the products whose budget is split."""
    split_products = []
    for number, (product, has_agreements) in enumerate(_products_with_participants(year)):
        if has_agreements and split(number):
            pricing = {"type": "budget_split", "method": "population"}
            split_products.append(product)
            lines = BUDGET_LINES
        else:
            amounts = {
                tier: str(specs.regulate(Decimal(amount), Decimal(1), factor))
                for tier, amount in TIER_TABLES[number % 2].items()
            }
            pricing = {"type": "tier_table", "amounts": amounts}
            lines = TIER_TABLE_LINES
        services.save_tariff(
            product,
            year,
            pricing=pricing,
            part_year_method="half_year_after_1_july",
            part_year_refunds=False,
            first_year=first_year,
            entry_fee=Decimal("5000.00") if number % 3 == 0 else None,
        )
        services.save_budget(product, year, _lines(lines, factor))
    return split_products


def _approve_budgets(year: int) -> None:
    """Approve the year's budgets, recording the shares of the split ones."""
    for tariff in queries.tariffs_for(year):
        budget = queries.budget_for(tariff.product_id, year)
        try:
            services.approve_budget(budget, None)
        except computation.FeeSetupError:
            # A participant without a population: share that budget equally instead.
            services.save_tariff(
                tariff.product, year, pricing={"type": "budget_split", "method": "equal"}
            )
            services.approve_budget(budget, None)
