"""The demo's invoicing: last year's invoices issued and sent, most of them paid (one partly,
one corrected by a credit note first), one overdue with a reminder sent; this year's run in
draft, ready for the secretariat to review."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from consortium.extensions import db
from consortium.invoicing import runs, services
from consortium.invoicing.credit_notes import draft_credit_note
from consortium.invoicing.models import Invoice
from consortium.invoicing.payments import record_payment
from consortium.invoicing.reminders import send_reminder
from consortium.invoicing.sending import send_invoice
from consortium.mail.models import KEPT, OutboxMessage

# Last year's invoices went out in the middle of January.
ISSUED_ON = (1, 15)
# The municipality that has not paid last year's invoice and was reminded of it: the demo's
# contact Anna Jensen sees it overdue.
OVERDUE = "Syddjurs Kommune"


def load_demo(today: date | None = None) -> None:
    """Issue and send last year's invoices and record what was paid of them, then make this
    year's drafts from the demo's fees (both years' budgets are approved)."""
    year = (today or date.today()).year
    last_year = year - 1
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    issued = runs.issue_run(runs.start_run(last_year, None), None, on=date(last_year, *ISSUED_ON))
    settle_last_year(issued)
    # Last year's mail is kept in the outbox, never sent, whatever the mail settings: the
    # demo's buyers have real municipalities' addresses.
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
