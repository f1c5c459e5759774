"""Several workers looking for work at the same moment: a queued job is claimed by one of them
and runs once, on SQLite (one writer at a time) and on PostgreSQL (FOR UPDATE SKIP LOCKED and a
conditional update)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing import runs
from consortium.invoicing.models import Invoice, InvoiceNumberSequence
from consortium.jobs import services as jobs
from consortium.jobs.models import Job
from consortium.mail.models import OutboxMessage
from tests.invoicing.runs import YEAR, register
from tests.races import fire_at_once

N = 4


class Claimed:
    """What a worker got, in the shape of a response for ``fire_at_once``."""

    def __init__(self, status: str) -> None:
        self.status_code = 200
        self.status = status

    def get_data(self, as_text: bool = False) -> str:
        return self.status


@pytest.fixture
def race_app(committed_app):
    with committed_app.app_context():
        register()
        run = runs.start_run(YEAR, None)
        runs.queue_issue(run, None)
        db.session.commit()
        yield committed_app


def test_workers_claiming_at_once_run_the_job_once(race_app):
    def worker(index: int) -> Claimed:
        with race_app.app_context():
            try:
                return Claimed("ran" if jobs.run_next(f"worker-{index}") else "idle")
            finally:
                db.session.remove()

    outcomes = fire_at_once(N, worker)
    assert [outcome.error for outcome in outcomes] == [None] * N
    assert sorted(outcome.text for outcome in outcomes) == ["idle"] * (N - 1) + ["ran"]
    db.session.expire_all()
    job = db.session.scalars(select(Job)).one()
    assert (job.status, job.attempts) == ("done", 1)
    assert db.session.scalar(select(func.count(Invoice.id)).where(Invoice.number.is_not(None))) == 3
    assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3
