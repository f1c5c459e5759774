"""An issued invoice never changes: the database itself refuses, whether the change comes
through the models or as plain SQL. Only its status moves on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from consortium.extensions import db
from consortium.invoicing import services
from consortium.invoicing.models import SENT, Invoice, InvoiceLine
from consortium.invoicing.services import issue
from tests.invoicing.factories import buyer, complete_seller, draft

# The database's own triggers refuse the change: SQLite's are written apart from PostgreSQL's.
pytestmark = pytest.mark.sqlite_too

REFUSED = "an issued invoice never changes"


@pytest.fixture
def issued(app):
    complete_seller()
    return issue(draft(buyer(), "25000.00", "1000.00"), on=date(2027, 2, 1))


def _refused(change) -> None:
    """The change is refused by the database, and nothing of it is kept."""
    with pytest.raises(DatabaseError, match=REFUSED), db.session.begin_nested():  # noqa: PT012
        change()
        db.session.flush()
    db.session.expire_all()


def _as_issued(invoice_id: int) -> None:
    invoice = db.session.get(Invoice, invoice_id)
    assert (invoice.number, invoice.status, invoice.buyer_name) == (
        "2027-00001",
        "issued",
        "Aarhus Kommune",
    )
    assert (invoice.net_total, invoice.gross_total) == (Decimal("26000.00"), Decimal("26000.00"))
    assert [line.net_amount for line in invoice.lines] == [Decimal("25000.00"), Decimal("1000.00")]


ORM_CHANGES = {
    "number": lambda invoice: setattr(invoice, "number", "2027-00099"),
    "buyer": lambda invoice: setattr(invoice, "buyer_name", "Someone else"),
    "buyer reference": lambda invoice: setattr(invoice, "buyer_reference", "X"),
    "seller bank account": lambda invoice: setattr(
        invoice, "seller_iban", "DE89370400440532013000"
    ),
    "amount": lambda invoice: setattr(invoice, "gross_total", Decimal("1.00")),
    "due date": lambda invoice: setattr(invoice, "due_on", date(2030, 1, 1)),
    "stored pdf": lambda invoice: setattr(invoice, "pdf", b"%PDF-forged"),
    "stored e-invoice": lambda invoice: setattr(invoice, "ubl", b"<Invoice/>"),
    "back to draft": lambda invoice: setattr(invoice, "status", "draft"),
    "set aside": lambda invoice: setattr(invoice, "status", "set_aside"),
    "deleted": lambda invoice: db.session.delete(invoice),
    "line amount": lambda invoice: setattr(invoice.lines[0], "net_amount", Decimal("1.00")),
    "line description": lambda invoice: setattr(invoice.lines[0], "description", "Other"),
    "line removed": lambda invoice: db.session.delete(invoice.lines[1]),
    "line added": lambda invoice: db.session.add(
        InvoiceLine(
            invoice_id=invoice.id,
            position=3,
            component="free",
            description="Added later",
            unit_price=Decimal("5.00"),
            net_amount=Decimal("5.00"),
            vat_category="O",
            vat_rate=Decimal("0"),
        )
    ),
}


@pytest.mark.parametrize("change", sorted(ORM_CHANGES))
def test_the_models_cannot_change_an_issued_invoice(issued, change):
    invoice_id = issued.id
    _refused(lambda: ORM_CHANGES[change](db.session.get(Invoice, invoice_id)))
    _as_issued(invoice_id)


SQL_CHANGES = {
    "number": "UPDATE invoice SET number = '2027-00099' WHERE id = :id",
    "amount": "UPDATE invoice SET net_total = 1, gross_total = 1 WHERE id = :id",
    "buyer": "UPDATE invoice SET buyer_name = 'Someone else' WHERE id = :id",
    "stored pdf": "UPDATE invoice SET pdf = :forged WHERE id = :id",
    "back to draft": "UPDATE invoice SET status = 'draft' WHERE id = :id",
    "deleted": "DELETE FROM invoice WHERE id = :id",
    "line amount": "UPDATE invoice_line SET net_amount = 1 WHERE invoice_id = :id",
    "line removed": "DELETE FROM invoice_line WHERE invoice_id = :id",
    "line added": (
        "INSERT INTO invoice_line (invoice_id, position, component, description, quantity, "
        "unit_price, net_amount, vat_category, vat_rate, exemption_reason, exemption_code) "
        "VALUES (:id, 9, 'free', 'Added later', 1, 5, 5, 'O', 0, '', '')"
    ),
}


@pytest.mark.parametrize("change", sorted(SQL_CHANGES))
def test_plain_sql_cannot_change_an_issued_invoice(issued, change):
    invoice_id = issued.id
    db.session.flush()
    _refused(
        lambda: db.session.execute(
            text(SQL_CHANGES[change]), {"id": invoice_id, "forged": b"%PDF-forged"}
        )
    )
    _as_issued(invoice_id)


def test_a_line_cannot_be_moved_onto_an_issued_invoice(issued):
    other = draft(buyer("Odder Kommune", gln="5798000000002"), "10.00")
    line_id = other.lines[0].id
    _refused(
        lambda: db.session.execute(
            text("UPDATE invoice_line SET invoice_id = :to WHERE id = :line"),
            {"to": issued.id, "line": line_id},
        )
    )
    _as_issued(issued.id)


def test_the_status_of_an_issued_invoice_moves_on(issued):
    issued.status = SENT
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Invoice, issued.id).status == "sent"
    db.session.execute(
        text("UPDATE invoice SET status = 'issued' WHERE id = :id"), {"id": issued.id}
    )
    db.session.expire_all()
    assert db.session.get(Invoice, issued.id).status == "issued"


def test_a_draft_can_be_changed_and_deleted(app):
    invoice = draft(buyer(), "25000.00", "1000.00")
    services.remove_line(invoice.lines[1])
    invoice.lines[0].net_amount = Decimal("24000.00")
    invoice.currency = "EUR"
    db.session.flush()
    db.session.delete(invoice)
    db.session.flush()
    assert db.session.scalars(select(InvoiceLine)).all() == []
