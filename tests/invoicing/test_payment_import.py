"""`flask invoices payments import FILE.csv`: a bank statement's payments, matched to invoices by
the number in each transfer's reference, recorded all or nothing, with every bad line named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.models import Payment
from consortium.invoicing.payments import balance, record_payment
from consortium.invoicing.services import issue
from tests.invoicing.factories import buyer, complete_seller, draft, gln

ISSUED_ON = date(2025, 3, 3)


@pytest.fixture
def invoices(app):
    """Three issued invoices: 2025-00001 to Aarhus (1,250.00), 2025-00002 to Odense (2,000.00)
    and 2025-00003 to Vejle (3,000.00)."""
    complete_seller()
    made = []
    for index, (name, amount) in enumerate(
        [("Aarhus Kommune", "1250.00"), ("Odense Kommune", "2000.00"), ("Vejle Kommune", "3000.00")]
    ):
        made.append(issue(draft(buyer(name, gln=gln(index + 1)), amount), on=ISSUED_ON))
    db.session.commit()
    return made


def _import(runner, tmp_path, content: str | bytes, name: str = "statement.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return runner.invoke(args=["invoices", "payments", "import", str(path)])


def _payments() -> list[tuple[str, date, Decimal, str, str]]:
    db.session.expire_all()
    return [
        (p.invoice.number, p.paid_on, p.amount, p.reference, p.source)
        for p in db.session.scalars(select(Payment).order_by(Payment.id))
    ]


def test_a_statement_is_recorded_and_each_invoice_moves_on(runner, tmp_path, invoices):
    result = _import(
        runner,
        tmp_path,
        "date,amount,reference\n"
        "2025-03-20,1250.00,Faktura 2025-00001 Aarhus\n"
        "2025-03-21,500.00,Rechnung Nr. 2025-00002\n"
        "2025-03-22,3000,2025-00003\n",
    )
    assert result.exit_code == 0, result.output
    assert "Recorded 3 payments, DKK" in result.output and "4,750.00 in total." in result.output
    assert _payments() == [
        (
            "2025-00001",
            date(2025, 3, 20),
            Decimal("1250.00"),
            "Faktura 2025-00001 Aarhus",
            "import",
        ),
        ("2025-00002", date(2025, 3, 21), Decimal("500.00"), "Rechnung Nr. 2025-00002", "import"),
        ("2025-00003", date(2025, 3, 22), Decimal("3000.00"), "2025-00003", "import"),
    ]
    assert [(invoice.status, balance(invoice)) for invoice in invoices] == [
        ("paid", Decimal("0.00")),
        ("partly_paid", Decimal("1500.00")),
        ("paid", Decimal("0.00")),
    ]


def test_a_danish_excel_statement_with_semicolons_and_decimal_commas(runner, tmp_path, invoices):
    content = (
        "Date;Amount;Reference\r\n20.03.2025;1.250,00;Faktura 2025-00001\r\n"
        "21.03.2025;1.999,50;Betaling 2025-00002 Odense\r\n"
    ).encode("cp1252")
    result = _import(runner, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert [(number, amount) for number, _on, amount, _ref, _src in _payments()] == [
        ("2025-00001", Decimal("1250.00")),
        ("2025-00002", Decimal("1999.50")),
    ]


def test_one_bad_line_and_nothing_is_recorded_every_bad_line_named(runner, tmp_path, invoices):
    record_payment(invoices[2], date(2025, 3, 5), Decimal("100.00"), "2025-00003", None)
    db.session.commit()
    result = _import(
        runner,
        tmp_path,
        "date,amount,reference\n"
        "2025-03-20,1250.00,Faktura 2025-00001\n"  # line 2: fine
        "2025-03-21,500.00,Kontingent Aarhus\n"  # 3: names no invoice
        "21/13/2025,500.00,2025-00002\n"  # 4: no such date
        "2025-03-21,abc,2025-00002\n"  # 5: no amount
        "2025-03-21,2500.00,2025-00002\n"  # 6: more than the balance
        "2025-03-05,100.00,2025-00003\n"  # 7: recorded already
        "2025-03-01,10.00,2025-00003\n"  # 8: before the invoice
        "2025-03-22,10.00,2025-00001 and 2025-00002\n"  # 9: two invoices
        "2025-03-23,-10.00,2025-00002\n",  # 10: money paid out
    )
    assert result.exit_code == 1
    assert "nothing was recorded" in result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip().startswith("line")]
    assert [line.split(",")[0] for line in lines] == [f"line {n}" for n in range(3, 11)]
    output = result.output.replace("\u00a0", " ")
    assert "line 3, column reference: The reference names no issued invoice" in output
    assert "line 4, column date: Enter a date" in output
    assert "line 5, column amount: Enter an amount such as 1250.00" in output
    assert (
        "line 6, column amount: The balance of 2025-00002 is DKK 2,000.00; a payment of "
        "DKK 2,500.00 is more than that." in output
    )
    assert (
        "line 7, column reference: This payment of invoice 2025-00003 has been recorded" in output
    )
    assert "line 8, column date: Invoice 2025-00003 was issued on" in output
    assert "line 9, column reference: The reference names more than one invoice" in output
    assert "line 10, column amount: Only money received is imported" in output
    assert len(_payments()) == 1  # the one recorded before


def test_lines_of_one_invoice_together_may_not_pay_more_than_its_balance(
    runner, tmp_path, invoices
):
    result = _import(
        runner,
        tmp_path,
        "date,amount,reference\n"
        "2025-03-20,1000.00,2025-00001\n"
        "2025-03-21,250.00,2025-00001\n"
        "2025-03-22,0.01,2025-00001\n",
    )
    assert result.exit_code == 1
    assert "line 4, column amount: Invoice 2025-00001 has nothing left to pay" in result.output
    assert _payments() == []


def test_the_same_statement_twice_records_it_once(runner, tmp_path, invoices):
    content = "date,amount,reference\n2025-03-20,100.00,Faktura 2025-00001\n"
    assert _import(runner, tmp_path, content).exit_code == 0
    again = _import(runner, tmp_path, content)
    assert again.exit_code == 1
    assert "line 2, column reference: This payment of invoice 2025-00001 has been recorded" in (
        again.output
    )
    assert len(_payments()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "line 1: The file is empty."),
        ("date,amount\n2025-03-20,1.00\n", "line 1, column reference: This column is missing."),
        ("date,amount,reference\n", "has no payments to record"),
        (b"date,amount,reference\n\xff\xfe\x00", "not in a character set"),
    ],
)
def test_unreadable_files_fail_with_a_message(runner, tmp_path, invoices, content, message):
    result = _import(runner, tmp_path, content)
    assert result.exit_code != 0
    assert message in result.output
    assert _payments() == []
