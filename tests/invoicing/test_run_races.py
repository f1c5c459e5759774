"""A year's run from the pages when several people (or double clicks) ask at the same moment:
one run per year, one job issuing it, and a draft set aside while the run is queued for issue is
either issued or set aside, never both. On PostgreSQL the run's row is locked and a unique index holds
one open run per year; on SQLite every transaction waits for the write lock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing.models import Invoice, InvoiceNumberSequence, InvoiceRun
from consortium.jobs.models import Job
from consortium.jobs.services import run_queued
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
        register()
        make_user(SECRETARIAT, secretariat=True)
        yield committed_app


def test_a_year_started_several_times_at_once_has_one_run(race_app):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    outcomes = fire_at_once(
        N,
        lambda index: clients[index].post(
            "/invoices/runs", data={"year": str(YEAR)}, follow_redirects=True
        ),
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "3 draft invoices made for 2027") == 1
    assert count_saying(outcomes, "The year 2027 already has an invoicing run") == N - 1
    assert _count(InvoiceRun) == 1
    assert _count(Invoice) == 3


def test_a_run_issued_several_times_at_once_is_issued_once(race_app):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    clients[0].post("/invoices/runs", data={"year": str(YEAR)})
    run_id = db.session.scalar(select(InvoiceRun.id))
    outcomes = fire_at_once(
        N,
        lambda index: clients[index].post(f"/invoices/runs/{run_id}/issue", follow_redirects=True),
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The run is being issued") == 1
    assert count_saying(outcomes, "This invoicing run is being issued") == N - 1
    assert _count(Job) == 1
    assert run_queued() == 1
    assert _count(Job, Job.status == "done") == 1
    assert _count(Invoice, Invoice.number.is_not(None)) == 3
    assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 3
    assert _count(OutboxMessage) == 3


def test_a_draft_set_aside_while_its_run_is_issued_is_one_or_the_other(race_app):
    clients = signed_in_clients(race_app, SECRETARIAT, 2)
    clients[0].post("/invoices/runs", data={"year": str(YEAR)})
    run_id = db.session.scalar(select(InvoiceRun.id))
    aarhus_id = db.session.scalar(
        select(Invoice.id).where(Invoice.buyer_name == "").order_by(Invoice.id).limit(1)
    )
    actions = [
        lambda: clients[0].post(f"/invoices/runs/{run_id}/issue", follow_redirects=True),
        lambda: clients[1].post(f"/invoices/{aarhus_id}/set-aside", follow_redirects=True),
    ]
    outcomes = fire_at_once(2, lambda index: actions[index]())
    assert_no_server_error(outcomes)
    run_queued()
    db.session.expire_all()
    aarhus = db.session.get(Invoice, aarhus_id)
    if aarhus.number is None:
        # Set aside first: the run was issued without it.
        assert aarhus.status == "set_aside"
        assert _count(Invoice, Invoice.number.is_not(None)) == 2
    else:
        # Queued for issue first: setting aside was refused, and the invoice was issued.
        assert aarhus.status == "sent"
        assert count_saying(outcomes, "This invoicing run is being issued") == 1
        assert _count(Invoice, Invoice.number.is_not(None)) == 3
