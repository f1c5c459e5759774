"""Issuing at the same moment: six people issuing six drafts get six numbers that follow each
other without a gap; six people issuing the same draft issue it once, with one number.

Each issuer has its own connection and transaction, as a request or a CLI command has. On
PostgreSQL the number sequence's row is locked; on SQLite each transaction waits for the write
lock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.models import Invoice, InvoiceNumberSequence
from consortium.invoicing.services import InvoicingError, issue
from tests.invoicing.factories import buyer, complete_seller, draft, gln
from tests.races import assert_no_server_error, count_saying, fire_at_once

N = 6
ON = date(2027, 2, 1)


class Answer:
    """What an issuer saw, in the shape of a response: 200 when issued, 409 when refused."""

    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text

    def get_data(self, as_text: bool = False) -> str:
        return self.text


def _issuer(app, invoice_id: int):
    def run() -> Answer:
        with app.app_context():
            try:
                invoice = issue(db.session.get(Invoice, invoice_id), on=ON)
                number = invoice.number
                db.session.commit()
            except InvoicingError as exc:
                db.session.rollback()
                return Answer(409, exc.message)
            return Answer(200, f"issued {number}")

    return run


@pytest.fixture
def drafts(committed_app):
    with committed_app.app_context():
        complete_seller()
        ids = [
            draft(buyer(f"Kommune {index}", gln=gln(index + 1)), "25000.00").id
            for index in range(N)
        ]
        db.session.commit()
        yield committed_app, ids


def _issued_numbers() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Invoice.number).where(Invoice.number.is_not(None))))


def test_six_issuers_of_six_drafts_get_six_numbers_without_a_gap(drafts):
    app, ids = drafts
    issuers = [_issuer(app, invoice_id) for invoice_id in ids]
    with app.app_context():
        outcomes = fire_at_once(N, lambda index: issuers[index]())
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "issued 2027-") == N
        assert _issued_numbers() == [f"2027-{number:05d}" for number in range(1, N + 1)]
        assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == N


def test_six_issuers_of_one_draft_issue_it_once(drafts):
    app, ids = drafts
    issuer = _issuer(app, ids[0])
    with app.app_context():
        outcomes = fire_at_once(N, lambda _index: issuer())
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "issued 2027-00001") == 1
        assert count_saying(outcomes, "issued already") == N - 1
        assert _issued_numbers() == ["2027-00001"]
        assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 1
        invoice = db.session.get(Invoice, ids[0])
        assert (invoice.status, invoice.gross_total) == ("issued", Decimal("25000.00"))
