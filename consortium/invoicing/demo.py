"""The demo's invoicing: last year's invoices issued and sent, last year's product costs
settled (an underspend credited and an overspend invoiced, another settlement in draft for
the members to see), and this year's run in draft, ready for the secretariat to review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update

from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.invoicing import runs, settlement
from consortium.mail.models import KEPT, OutboxMessage
from consortium.products.models import Product

# Last year's invoices went out in the middle of January.
ISSUED_ON = (1, 15)
# Last year's settled products: what each actually cost against its budget, and whether the
# settlement is issued (or left in draft for the members to see).
SETTLEMENTS = (
    (Decimal("0.93"), True),  # an underspend: a credit note to each participant
    (Decimal("1.06"), True),  # an overspend: an extra invoice to each participant
    (Decimal("1.04"), False),  # a draft the participants' contacts see before it is issued
)


def load_demo(today: date | None = None) -> None:
    """Issue and send last year's invoices and settle last year's split budgets, then make
    this year's drafts from the demo's fees (both years' budgets are approved)."""
    today = today or date.today()
    year = today.year
    last_year = year - 1
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    runs.issue_run(runs.start_run(last_year, None), None, on=date(last_year, *ISSUED_ON))
    _settle(last_year, today)
    # Last year's mail is kept in the outbox, never sent, whatever the mail settings: the
    # demo's buyers have real municipalities' addresses.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > before)
        .values(status=KEPT, next_attempt_at=None)
    )
    runs.start_run(year, None)


def _settle(year: int, today: date) -> None:
    """Settle the year's invoiced budgets that were split among their participants."""
    budgets = db.session.scalars(
        select(ProductBudget)
        .join(Product, ProductBudget.product_id == Product.id)
        .where(ProductBudget.year == year, ProductBudget.status == "frozen")
        .order_by(Product.name)
    ).all()
    split = [budget for budget in budgets if budget.shares]
    for budget, (factor, issued) in zip(split, SETTLEMENTS, strict=False):
        actual_cost = (budget.amount * factor).quantize(Decimal("0.01"))
        made = settlement.draft_settlement(budget.product, year, actual_cost, None)
        if issued:
            settlement.issue_settlement(made, None, on=today)
