"""Payments recorded at the same moment: two people recording payments of one invoice that
together pay more than its balance record one; the other is told the balance. Two clicks on
"Send a reminder" send one.

Through the page, each with its own connection and transaction. On PostgreSQL the invoice's
row is locked while a payment is checked against the balance; on SQLite every transaction
waits for the write lock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing.models import Invoice, Payment, Reminder
from consortium.invoicing.payments import balance
from consortium.invoicing.services import issue
from consortium.mail.models import OutboxMessage
from tests.conftest import make_user
from tests.invoicing.factories import buyer, complete_seller, draft
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

SECRETARIAT = "secretariat@example.org"


@pytest.fixture
def race(committed_app):
    with committed_app.app_context():
        make_user(SECRETARIAT, secretariat=True)
        complete_seller()
        invoice = issue(draft(buyer(), "1000.00"), on=date(2025, 3, 3))
        db.session.commit()
        yield committed_app, invoice.id


def test_two_payments_that_together_overpay_record_one(race):
    app, invoice_id = race
    clients = signed_in_clients(app, SECRETARIAT, 2)
    outcomes = fire_at_once(
        2,
        lambda index: clients[index].post(
            f"/invoices/{invoice_id}/payments",
            data={"paid_on": "2025-03-20", "amount": "600.00", "reference": f"transfer {index}"},
        ),
    )
    assert_no_server_error(outcomes)
    assert sorted(outcome.status for outcome in outcomes) == [302, 422]
    assert count_saying(outcomes, "a payment of DKK") == 1
    db.session.expire_all()
    amounts = db.session.scalars(select(Payment.amount)).all()
    assert amounts == [Decimal("600.00")]
    invoice = db.session.get(Invoice, invoice_id)
    assert (invoice.status, balance(invoice)) == ("partly_paid", Decimal("400.00"))


def test_payments_that_fit_the_balance_are_all_recorded(race):
    app, invoice_id = race
    clients = signed_in_clients(app, SECRETARIAT, 4)
    outcomes = fire_at_once(
        4,
        lambda index: clients[index].post(
            f"/invoices/{invoice_id}/payments",
            data={"paid_on": "2025-03-20", "amount": "250.00"},
        ),
    )
    assert_no_server_error(outcomes)
    assert [outcome.status for outcome in outcomes] == [302] * 4
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice_id)
    assert (invoice.status, balance(invoice)) == ("paid", Decimal("0.00"))


def test_a_double_click_on_send_a_reminder_sends_one(race):
    app, invoice_id = race
    clients = signed_in_clients(app, SECRETARIAT, 3)
    outcomes = fire_at_once(
        3, lambda index: clients[index].post(f"/invoices/{invoice_id}/reminders")
    )
    assert_no_server_error(outcomes)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
