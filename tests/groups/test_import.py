"""`flask groups import-members`: all or nothing, every bad line and column named, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.groups import services, transfer
from consortium.groups.models import GroupMember
from consortium.settings.services import get_settings, update_settings
from tests.groups.factories import contact


@pytest.fixture(autouse=True)
def association(app):
    """The settings have been saved, as they are once the association is set up."""
    update_settings(get_settings())
    db.session.commit()


@pytest.fixture
def people(aarhus):
    return [
        contact(aarhus, "lone@aarhus.example.dk", "Lone Lund"),
        contact(aarhus, "bo@aarhus.example.dk", "Bo Berg"),
    ]


def _members() -> int:
    return db.session.scalar(select(func.count()).select_from(GroupMember))


def test_a_good_file_adds_every_term_with_the_file_on_the_audit_trail(
    runner, tmp_path, committee, people
):
    board = services.create_group("board", "The board")
    db.session.commit()
    path = tmp_path / "members.csv"
    path.write_text(
        "group_id,group,email,organisation,role,from,to\n"
        f"{committee.id},,lone@aarhus.example.dk,55133018,chair,2025-01-01,\n"
        ",The board,bo@aarhus.example.dk,Aarhus Kommune,member,01.02.2025,31.12.2026\n"
    )
    result = runner.invoke(args=["groups", "import-members", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and _members() == 0
    result = runner.invoke(args=["groups", "import-members", str(path)])
    assert result.exit_code == 0, result.output
    terms = db.session.scalars(select(GroupMember).order_by(GroupMember.id)).all()
    assert [(t.group_id, t.role, str(t.starts_on)) for t in terms] == [
        (committee.id, "chair", "2025-01-01"),
        (board.id, "member", "2025-02-01"),
    ]
    sources = db.session.scalars(
        select(AuditEntry.source).where(AuditEntry.record_type == "group_member")
    ).all()
    assert sources and all("members.csv" in source for source in sources)


def test_every_bad_line_and_column_is_named_and_nothing_changes(
    runner, tmp_path, committee, people
):
    path = tmp_path / "bad.csv"
    path.write_text(
        "group_id,email,organisation,supplier,role,from,to\n"
        f"{committee.id},lone@aarhus.example.dk,55133018,,chair,2025-01-01,\n"
        "999,lone@aarhus.example.dk,55133018,,member,2025-01-01,\n"
        f"{committee.id},nobody@example.org,55133018,,member,2025-01-01,\n"
        f"{committee.id},bo@aarhus.example.dk,Nowhere Kommune,,boss,2025-13-01,\n"
        f"{committee.id},bo@aarhus.example.dk,55133018,,member,2025-01-01,2024-01-01\n"
        f"{committee.id},bo@aarhus.example.dk,,Magenta,member,2025-01-01,\n"
    )
    result = runner.invoke(args=["groups", "import-members", str(path)])
    assert result.exit_code == 1
    output = result.output
    assert "nothing was imported" in output
    assert "line 3, column group_id: There is no such group." in output
    assert "line 4, column email: There is no user with this email address." in output
    assert "line 5, column organisation: There is no such organisation." in output
    assert "line 5, column role: Use one of: chair, secretary, member, observer." in output
    assert "line 5, column from: Enter a date such as 2026-01-31." in output
    assert "line 6, column to: The end of the term is before its start." in output
    assert "line 7, column supplier: There is no such supplier." in output
    assert "line 2" not in output
    assert _members() == 0


def test_a_missing_column_is_named(app, committee):
    report = transfer.import_members(b"email,role\nx@example.org,member\n", "x.csv", apply=True)
    assert [str(problem) for problem in report.problems] == [
        "line 1, column from: This column is missing.",
        "line 1, column group_id: Name the group in a group_id or a group column.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-01-31", (2026, 1, 31)), ("31.01.2026", (2026, 1, 31)), ("31-1-2026", (2026, 1, 31))],
)
def test_dates_as_spreadsheets_write_them(text, expected):
    from datetime import date

    assert transfer.parse_date(text) == date(*expected)


@pytest.mark.parametrize("text", ["", "2026-02-30", "tomorrow", "2026/01"])
def test_not_dates(text):
    assert transfer.parse_date(text) is None


def test_a_person_gets_no_second_term_in_a_group_for_the_same_days(
    runner, tmp_path, aarhus, committee, people
):
    services.add_member(committee, people[0], organisation=aarhus, starts_on=date(2025, 1, 1))
    db.session.commit()
    path = tmp_path / "twice.csv"
    path.write_text(
        "group_id,email,organisation,role,from,to\n"
        f"{committee.id},lone@aarhus.example.dk,55133018,member,2026-01-01,\n"
        f"{committee.id},bo@aarhus.example.dk,55133018,member,2025-01-01,2025-12-31\n"
        f"{committee.id},bo@aarhus.example.dk,55133018,chair,2025-06-01,\n"
        f"{committee.id},bo@aarhus.example.dk,55133018,chair,2026-01-01,\n"
    )
    result = runner.invoke(args=["groups", "import-members", str(path)])
    assert result.exit_code == 1, result.output
    output = result.output
    assert (
        "line 2, column from: The person already has a term in this group in that period." in output
    )
    assert (
        "line 4, column from: Line 3 gives the person a term in this group in the same period."
        in output
    )
    assert "line 3," not in output and "line 5," not in output
    assert _members() == 1


@pytest.mark.parametrize("value", ["²", "1" * 5000])
def test_a_group_id_that_is_no_plain_number_is_no_group(runner, tmp_path, committee, people, value):
    path = tmp_path / "odd.csv"
    path.write_text(
        "group_id,email,organisation,role,from,to\n"
        f"{value},lone@aarhus.example.dk,55133018,member,2025-01-01,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["groups", "import-members", str(path)])
    assert result.exit_code == 1, result.output
    assert "line 2, column group_id: There is no such group." in result.output


@pytest.mark.parametrize("text", ["²²²²-01-01", "01.01.²²²²", f"{'9' * 30}-01-01", "31.02.2025"])
def test_odd_dates_are_line_errors(runner, tmp_path, committee, people, text):
    path = tmp_path / "dates.csv"
    path.write_text(
        "group_id,email,organisation,role,from,to\n"
        f"{committee.id},lone@aarhus.example.dk,55133018,member,{text},\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["groups", "import-members", str(path)])
    assert result.exit_code == 1, result.output
    assert "line 2, column from: Enter a date such as 2026-01-31." in result.output


def test_parse_date_reads_only_plain_digits():
    assert transfer.parse_date("2025-01-31") == date(2025, 1, 31)
    assert transfer.parse_date("31.01.2025") == date(2025, 1, 31)
    assert transfer.parse_date("²⁰²⁵-01-31") is None
    assert transfer.parse_date("99999999999999999999-01-01") is None
    assert transfer.parse_date("123456789-01-01") is None
