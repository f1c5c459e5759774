"""Upgrading keeps every row: on SQLite a changed table is copied into a new one and the old one
dropped, which with foreign keys on would delete the rows that refer to it (an invoice's lines,
ON DELETE CASCADE). An invoice with lines, issued and in draft, is written before the credit
notes' upgrade rebuilds the invoice table, and is all there afterwards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from consortium.extensions import db
from tests.conftest import MIGRATIONS, make_app, new_database

BEFORE = "0013_open_run"


def _filler(column):
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Numeric):
        return Decimal("0")
    if isinstance(kind, DateTime):
        return datetime(2027, 1, 1, 12, 0)
    if isinstance(kind, Date):
        return date(2027, 1, 1)
    if isinstance(kind, LargeBinary):
        return b""
    if isinstance(kind, String | Text):
        return "x"
    return None


def _insert(table_name: str, **values) -> int:
    """A row with the values given and something of the right type in every other column that
    must have one, as the schema is at this revision."""
    table = Table(table_name, MetaData(), autoload_with=db.session.connection())
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.primary_key or column.nullable:
            continue
        if column.server_default is not None:
            continue
        row[column.name] = _filler(column)
    result = db.session.execute(table.insert().values(**row))
    return result.inserted_primary_key[0]


@pytest.fixture
def app_before(tmp_path_factory):
    app = make_app(new_database(tmp_path_factory, "consortium_keeps_rows"))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()


def test_an_invoices_lines_survive_the_upgrade_that_rebuilds_the_invoice_table(app_before):
    organisation = _insert("organisation", name="Odder Kommune", kind="municipality", country="DK")
    issued = _insert(
        "invoice",
        organisation_id=organisation,
        series="invoice",
        status="draft",
        currency="DKK",
        number=None,
    )
    draft = _insert(
        "invoice", organisation_id=organisation, series="invoice", status="draft", currency="DKK"
    )
    for invoice, position in ((issued, 1), (issued, 2), (draft, 1)):
        _insert(
            "invoice_line",
            invoice_id=invoice,
            position=position,
            component="membership",
            description=f"Line {position}",
            unit_price=Decimal("100.00"),
            net_amount=Decimal("100.00"),
            vat_category="O",
            vat_rate=Decimal("0"),
        )
    invoice_table = Table("invoice", MetaData(), autoload_with=db.session.connection())
    db.session.execute(
        invoice_table.update()
        .where(invoice_table.c.id == issued)
        .values(number="2027-00001", number_year=2027, status="issued")
    )
    db.session.commit()
    db.session.remove()

    upgrade(directory=MIGRATIONS)

    lines = Table("invoice_line", MetaData(), autoload_with=db.session.connection())
    invoices = Table("invoice", MetaData(), autoload_with=db.session.connection())
    counts = dict(
        db.session.execute(
            select(lines.c.invoice_id, func.count()).group_by(lines.c.invoice_id)
        ).all()
    )
    assert counts == {issued: 2, draft: 1}
    assert db.session.scalar(select(invoices.c.number).where(invoices.c.id == issued)) == (
        "2027-00001"
    )


def test_references_are_enforced_again_after_upgrading(app_before):
    upgrade(directory=MIGRATIONS)
    db.session.remove()
    for _ in range(3):  # whichever connection the pool hands out
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO invoice_line (invoice_id, position, component, description, "
                    "unit_price, net_amount, vat_category, vat_rate, exemption_reason, "
                    "exemption_code, quantity) VALUES (999999, 1, 'free', 'x', 1, 1, 'O', 0, "
                    "'', '', 1)"
                )
            )
