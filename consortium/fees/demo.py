"""The demo association's fees: membership fee schedules, product tariffs and budgets.

Loaded after the member register, the products and the participations (consortium/demo.py).
This year: a flat DKK 25,000 membership fee with OS2's half-year rule, tariffs for every product
with participants (amounts per OS2 size tier, or a split of the budget by population) and
budgets (the split ones approved). Next year: the schedule and tariffs copied with index regulation (index 100
→ 103.2), and draft budgets. Uses the services only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import computation, queries, services, specs
from consortium.participation.models import Participation
from consortium.products.models import Product

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
    """Add this year's and next year's fees."""
    year = (today or date.today()).year
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
    split_products = []
    for number, (product, has_agreements) in enumerate(_products_with_participants(year)):
        if has_agreements and number % 2 == 1:
            pricing = {"type": "budget_split", "method": "population"}
            split_products.append(product)
            lines = BUDGET_LINES
        else:
            pricing = {"type": "tier_table", "amounts": dict(TIER_TABLES[number % 2])}
            lines = TIER_TABLE_LINES
        services.save_tariff(
            product,
            year,
            pricing=pricing,
            part_year_method="half_year_after_1_july",
            part_year_refunds=False,
            first_year=year - 2,
            entry_fee=Decimal("5000.00") if number % 3 == 0 else None,
        )
        services.save_budget(product, year, _lines(lines))
    # Next year: the schedule and the tariffs regulated by the index, budgets still drafts.
    services.copy_schedule(schedule, INDEX_NEXT_YEAR, copy_tariffs=True, regulate_tariffs=True)
    for tariff in queries.tariffs_for(year + 1):
        lines = BUDGET_LINES if tariff.product in split_products else TIER_TABLE_LINES
        services.save_budget(tariff.product, year + 1, _lines(lines, INDEX_NEXT_YEAR / 100))
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
    db.session.flush()
