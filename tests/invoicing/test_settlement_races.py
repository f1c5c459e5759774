"""A settlement from the pages when several people (or double clicks) ask at the same moment:
one draft per product and year, and one issue of it — every extra invoice or credit note
numbered and sent once. On PostgreSQL the settlement's row and the credited invoice's row are
locked and a unique constraint holds one settlement per product and year; on SQLite every
transaction waits for the write lock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing import runs
from consortium.invoicing.models import CREDIT_NOTE, Invoice, ProductSettlement
from consortium.invoicing.settlement import draft_settlement
from consortium.mail.models import OutboxMessage
from tests.conftest import make_user
from tests.invoicing.runs import YEAR, register
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 4
SECRETARIAT = "secretariat@example.org"


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def race_app(committed_app):
    with committed_app.app_context():
        town = register()
        runs.issue_run(runs.start_run(YEAR, None), None, on=date.today())
        make_user(SECRETARIAT, secretariat=True)
        db.session.commit()
        yield committed_app, town["product"].id


def test_a_year_settled_several_times_at_once_has_one_draft(race_app):
    app, product_id = race_app
    clients = signed_in_clients(app, SECRETARIAT, N)
    outcomes = fire_at_once(
        N,
        lambda index: clients[index].post(
            "/invoices/settlements",
            data={"product": str(product_id), "year": str(YEAR), "actual_cost": "250000.00"},
            follow_redirects=True,
        ),
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The settlement of OS2forms 2027 is a draft") == 1
    assert count_saying(outcomes, "OS2forms 2027 has a settlement already") == N - 1
    assert _count(ProductSettlement) == 1


def test_a_settlement_issued_several_times_at_once_is_issued_once(race_app):
    app, product_id = race_app
    from consortium.products.models import Product

    settlement = draft_settlement(
        db.session.get(Product, product_id), YEAR, Decimal("250000.00"), None
    )
    settlement_id = settlement.id
    db.session.commit()
    before = _count(OutboxMessage)
    clients = signed_in_clients(app, SECRETARIAT, N)
    outcomes = fire_at_once(
        N,
        lambda index: clients[index].post(
            f"/invoices/settlements/{settlement_id}/issue", follow_redirects=True
        ),
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The settlement is issued: 2 invoices and credit notes") == 1
    assert count_saying(outcomes, "This settlement has been issued already") == N - 1
    # Two credit notes, numbered without a gap, each mailed once.
    numbers = sorted(
        db.session.scalars(select(Invoice.number).where(Invoice.series == CREDIT_NOTE))
    )
    assert [number[-5:] for number in numbers] == ["00001", "00002"]
    assert _count(OutboxMessage) == before + 2
    db.session.expire_all()
    assert db.session.get(ProductSettlement, settlement_id).status == "issued"
