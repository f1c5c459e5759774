"""`flask participations import`: all or nothing, every bad line and column named, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.participation import services, transfer
from consortium.participation.models import Participation

HEADER = (
    "organisation,product,phase,from,to,notice_months,agreement_version,amount_per_year,"
    "billing_ean\n"
)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Participation))


def test_a_good_file_records_every_participation_audited_with_its_name(
    runner, tmp_path, aarhus, odder, product
):
    path = tmp_path / "deltagelse.csv"
    path.write_text(
        HEADER
        + '55133018,os2forms,commitment,2024-01-01,2024-12-31,3,2024-1,"12.500,50",5798005770008\n'
        + "751,os2forms,agreement,01.01.2025,,6,2025-1,,\n"
        + f"{odder.id},os2forms,agreement,2025-01-01,,,,,\n"
    )
    result = runner.invoke(args=["participations", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and _count() == 0
    result = runner.invoke(args=["participations", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    rows = db.session.scalars(select(Participation).order_by(Participation.id)).all()
    commitment, agreement, other = rows
    assert commitment.amount_per_year == Decimal("12500.50")
    assert commitment.billing_identity.gln == "5798005770008"
    assert (commitment.notice_months, commitment.ends_on) == (3, date(2024, 12, 31))
    assert (agreement.starts_on, agreement.agreement_version) == (date(2025, 1, 1), "2025-1")
    # Without an EAN the default billing identity is used.
    assert agreement.billing_identity.name == "Central finance"
    assert other.organisation.name == "Odder Kommune" and other.notice_months == 6
    sources = db.session.scalars(
        select(AuditEntry.source).where(AuditEntry.record_type == "participation")
    ).all()
    assert len(sources) == 3 and all("deltagelse.csv" in source for source in sources)


def test_every_bad_line_and_column_is_named_and_nothing_changes(
    runner, tmp_path, aarhus, odder, product
):
    services.create_participation(odder, product, phase="agreement", starts_on=date(2020, 1, 1))
    db.session.commit()
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "55133018,os2forms,agreement,2024-01-01,,,,,\n"
        + "99999999,nothing,member,someday,,many,,,\n"
        + "55133018,os2forms,commitment,2020-01-01,2019-01-01,,,,1234\n"
        + "55133018,os2forms,agreement,2025-01-01,,,,,\n"
        + "727,os2forms,agreement,2025-01-01,,,,,\n"
        + "55133018,os2forms,commitment,2010-01-01,2010-12-31,,,abc,\n"
    )
    result = runner.invoke(args=["participations", "import", str(path)])
    assert result.exit_code == 1
    output = result.output
    assert "nothing was imported" in output
    assert "line 2" not in output
    for expected in (
        "line 3, column organisation: There is no such organisation.",
        "line 3, column product: There is no product with this slug.",
        "line 3, column phase: Use one of: commitment, agreement.",
        "line 3, column from: Enter a date such as 2026-01-31.",
        "line 3, column notice_months: Enter a whole number of months, 0 to 120.",
        "line 4, column to: The end is before the start.",
        "line 4, column amount_per_year: Enter the amount pledged per year for a commitment.",
        "line 4, column billing_ean: The organisation has no billing identity with this EAN number.",
        "line 5, column from: Line 2 is about the same participation.",
        "line 6, column from: The organisation already takes part in this product in that period.",
        "line 7, column amount_per_year: Enter an amount such as 12500.00.",
    ):
        assert expected in output, expected
    assert _count() == 1


def test_unknown_and_missing_columns_are_named(app):
    report = transfer.import_participations(b"organisation,colour\n1,red\n", "x.csv", apply=True)
    problems = [str(problem) for problem in report.problems]
    assert "line 1, column colour: Unknown column. The columns are: " in problems[0]
    assert "line 1, column product: This column is missing." in problems


def test_amounts_and_numbers_that_are_no_amounts_or_numbers_are_named(
    runner, tmp_path, aarhus, product
):
    path = tmp_path / "odd.csv"
    path.write_text(
        HEADER
        + "55133018,os2forms,commitment,2020-01-01,2020-12-31,,,NaN,\n"
        + "55133018,os2forms,commitment,2021-01-01,2021-12-31,,,Infinity,\n"
        + "55133018,os2forms,commitment,2022-01-01,2022-12-31,,,1e100,\n"
        + f"55133018,os2forms,commitment,2023-01-01,2023-12-31,,,{'9' * 30},\n"
        + "55133018,os2forms,commitment,2024-01-01,2024-12-31,,,-5,\n"
        + "55133018,os2forms,agreement,2025-01-01,2025-12-31,²,,,\n"
        + "²,os2forms,agreement,2026-01-01,,,,,\n"
        + "55133018,os2forms,agreement,²²²²-01-01,,,,,\n"
        + f"55133018,os2forms,agreement,{'9' * 40}-01-01,,,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["participations", "import", str(path)])
    assert result.exit_code == 1, result.output
    output = result.output
    for expected in (
        "line 2, column amount_per_year: Enter an amount such as 12500.00.",
        "line 3, column amount_per_year: Enter an amount such as 12500.00.",
        "line 4, column amount_per_year: Enter an amount such as 12500.00.",
        "line 5, column amount_per_year: Enter an amount of at most 999,999,999,999.99.",
        "line 6, column amount_per_year: Enter an amount of 0 or more.",
        "line 7, column notice_months: Enter a whole number of months, 0 to 120.",
        "line 8, column organisation: There is no such organisation.",
        "line 9, column from: Enter a date such as 2026-01-31.",
        "line 10, column from: Enter a date such as 2026-01-31.",
    ):
        assert expected in output, expected
    assert _count() == 0


def test_the_largest_amount_is_imported(runner, tmp_path, aarhus, product):
    path = tmp_path / "large.csv"
    path.write_text(HEADER + '55133018,os2forms,commitment,2024-01-01,,,,"999.999.999.999,99",\n')
    result = runner.invoke(args=["participations", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Participation)).amount_per_year == Decimal("999999999999.99")


@pytest.mark.parametrize("decimal_mark", [",", "."])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12500", "12500.00"),
        ("12500.50", "12500.50"),
        ("12500,50", "12500.50"),
        ("12.500,00", "12500.00"),
        ("12,500.00", "12500.00"),
        ("1.234.567,89", "1234567.89"),
        ("12 500,00", "12500.00"),
    ],
)
def test_amounts_as_spreadsheets_write_them(text, expected, decimal_mark):
    from consortium.participation.transfer import _amount

    assert _amount(text, decimal_mark) == (Decimal(expected), None)


@pytest.mark.parametrize(
    ("text", "decimal_mark", "expected"),
    [
        ("12.500", ",", "12500.00"),
        ("12,500", ",", "12.50"),
        ("12.500", ".", "12.50"),
        ("12,500", ".", "12500.00"),
    ],
)
def test_a_single_mark_before_three_digits_is_read_as_the_spreadsheet_writes_it(
    text, decimal_mark, expected
):
    from consortium.participation.transfer import _amount

    assert _amount(text, decimal_mark) == (Decimal(expected), None)


@pytest.mark.parametrize("decimal_mark", [",", "."])
@pytest.mark.parametrize("text", ["1.2.3", "1.00,5", "²", "12e3", "abc"])
def test_malformed_amounts_are_refused(text, decimal_mark):
    from consortium.participation.transfer import _amount

    assert _amount(text, decimal_mark)[0] is None


def test_a_file_separated_by_semicolons_has_decimal_commas(runner, tmp_path, aarhus, product):
    path = tmp_path / "danish.csv"
    path.write_text(
        HEADER.replace(",", ";") + "55133018;os2forms;commitment;2024-01-01;;;;12.500;\n"
    )
    result = runner.invoke(args=["participations", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Participation)).amount_per_year == Decimal("12500.00")
