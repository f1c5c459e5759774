"""Crediting at the same moment: several people crediting the same invoice, or the same line of
it, at once issue one credit note; the others are told it has been credited, and no number of
the credit-note series is lost.

Each of them has its own connection and transaction, as a request or a CLI command has. On
PostgreSQL the invoice's row is locked while its lines are credited; on SQLite each transaction
waits for the write lock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.credit_notes import credited_total, draft_credit_note
from consortium.invoicing.models import CREDIT_NOTE, Invoice, InvoiceNumberSequence
from consortium.invoicing.services import InvoicingError, issue
from tests.invoicing.factories import buyer, complete_seller, draft
from tests.invoicing.test_issue_races import Answer
from tests.races import assert_no_server_error, count_saying, fire_at_once

N = 4
ON = date(2027, 2, 1)
LATER = date(2027, 3, 10)


def _crediter(app, invoice_id: int, line_ids: list[int] | None):
    """Credit the invoice (or those of its lines) and issue the credit note, then commit."""

    def run() -> Answer:
        with app.app_context():
            try:
                invoice = db.session.get(Invoice, invoice_id)
                credit_note = issue(draft_credit_note(invoice, line_ids), on=LATER)
                number = credit_note.number
                db.session.commit()
            except InvoicingError as exc:
                db.session.rollback()
                return Answer(409, str(exc.message))
            return Answer(200, f"issued {number}")

    return run


@pytest.fixture
def issued(committed_app):
    with committed_app.app_context():
        complete_seller()
        invoice = issue(draft(buyer(), "25000.00", "1000.00"), on=ON)
        ids = (invoice.id, [line.id for line in invoice.lines])
        db.session.commit()
        yield committed_app, ids


def _credit_notes() -> list[Invoice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Invoice).where(Invoice.series == CREDIT_NOTE).order_by(Invoice.id)
        )
    )


def test_crediting_a_whole_invoice_at_once_issues_one_credit_note(issued):
    app, (invoice_id, _lines) = issued
    crediter = _crediter(app, invoice_id, None)
    with app.app_context():
        outcomes = fire_at_once(N, lambda _index: crediter())
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "issued CN-2027-00001") == 1
        assert count_saying(outcomes, "has been credited already") == N - 1
        notes = _credit_notes()
        assert [(note.number, note.gross_total) for note in notes] == [
            ("CN-2027-00001", Decimal("26000.00"))
        ]
        assert credited_total(db.session.get(Invoice, invoice_id)) == Decimal("26000.00")
        assert (
            db.session.scalar(
                select(InvoiceNumberSequence.last_number).where(
                    InvoiceNumberSequence.series == CREDIT_NOTE
                )
            )
            == 1
        )


def test_crediting_the_same_line_at_once_credits_it_once(issued):
    app, (invoice_id, line_ids) = issued
    crediter = _crediter(app, invoice_id, [line_ids[1]])
    with app.app_context():
        outcomes = fire_at_once(N, lambda _index: crediter())
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "issued CN-2027-00001") == 1
        assert count_saying(outcomes, "by credit note CN-2027-00001") == N - 1
        notes = _credit_notes()
        assert [note.number for note in notes] == ["CN-2027-00001"]
        assert [line.credited_line_id for line in notes[0].lines] == [line_ids[1]]
        assert credited_total(db.session.get(Invoice, invoice_id)) == Decimal("1000.00")


def test_crediting_different_lines_at_once_credits_each(issued):
    app, (invoice_id, line_ids) = issued
    crediters = [_crediter(app, invoice_id, [line_id]) for line_id in line_ids]
    with app.app_context():
        outcomes = fire_at_once(len(line_ids), lambda index: crediters[index]())
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "issued CN-2027-0000") == 2
        assert sorted(note.number for note in _credit_notes()) == [
            "CN-2027-00001",
            "CN-2027-00002",
        ]
        assert credited_total(db.session.get(Invoice, invoice_id)) == Decimal("26000.00")
