"""The demo's invoicing: last year's invoices issued and sent, this year's run in draft, ready
for the secretariat to review."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from consortium.extensions import db
from consortium.invoicing import runs
from consortium.mail.models import KEPT, OutboxMessage

# Last year's invoices went out in the middle of January.
ISSUED_ON = (1, 15)


def load_demo(today: date | None = None) -> None:
    """Issue and send last year's invoices, then make this year's drafts from the demo's fees
    (both years' budgets are approved)."""
    year = (today or date.today()).year
    last_year = year - 1
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    runs.issue_run(runs.start_run(last_year, None), None, on=date(last_year, *ISSUED_ON))
    # Last year's mail is kept in the outbox, never sent, whatever the mail settings: the
    # demo's buyers have real municipalities' addresses.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > before)
        .values(status=KEPT, next_attempt_at=None)
    )
    runs.start_run(year, None)
