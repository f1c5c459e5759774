"""The demo's invoicing: last year's invoices issued and sent, most of them paid (one partly,
one corrected by a credit note first), one overdue with a reminder sent; last year's
product costs settled (an underspend credited and an overspend invoiced, another
settlement in draft for the members to see); this year's run in draft, ready for the
secretariat to review."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.invoicing import runs, services, settlement
from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.models import Invoice
from consortium.invoicing.payments import record_payment
from consortium.invoicing.reminders import send_reminder
from consortium.invoicing.sending import send_invoice
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


# The municipality that has not paid last year's invoice and was reminded of it: the demo's
# contact Anna Jensen sees it overdue.
OVERDUE = "Syddjurs Kommune"


def load_demo(today: date | None = None) -> None:
    """Issue and send last year's invoices, record what was paid of them and settle last
    year's split budgets, then make this year's drafts from the demo's fees (both years'
    budgets are approved)."""
    today = today or date.today()
    year = today.year
    last_year = year - 1
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    issued = runs.issue_run(runs.start_run(last_year, None), None, on=date(last_year, *ISSUED_ON))
    settle_last_year(issued)
    _settle(last_year, today)
    # Last year's mail is kept in the outbox, never sent, whatever the mail settings: it is
    # the demo's past, not news for anyone.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > before)
        .values(status=KEPT, next_attempt_at=None)
    )
    runs.start_run(year, None)


def settle_last_year(invoices: list[Invoice]) -> None:
    """Last year's money: one invoice unpaid and reminded a month after its due date, one paid
    in half, one with its last line credited before the rest was paid, every other one paid in
    full three weeks after it was issued, quoting its number."""
    ordered = sorted(invoices, key=lambda invoice: invoice.number or "")
    overdue = next(
        (invoice for invoice in ordered if invoice.organisation.name == OVERDUE), ordered[0]
    )
    rest = [invoice for invoice in ordered if invoice is not overdue]
    partly = rest[0]
    credited = next((invoice for invoice in rest[1:] if len(invoice.lines) > 1), None)
    for invoice in rest:
        if invoice.issued_on is None:  # pragma: no cover - every invoice of the run is issued
            continue
        paid_on = invoice.issued_on + timedelta(days=21)
        owed = invoice.gross_total
        if invoice is credited:
            credit_note = services.issue(
                draft_credit_note(invoice, [invoice.lines[-1]]),
                on=invoice.issued_on + timedelta(days=10),
            )
            send_invoice(credit_note)
            owed -= credit_note.gross_total
        amount = (owed / 2).quantize(Decimal("0.01")) if invoice is partly else owed
        record_payment(invoice, paid_on, amount, f"Faktura {invoice.number}", None)
    if overdue.due_on is not None:
        send_reminder(overdue, None, overdue.due_on + timedelta(days=30))


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
