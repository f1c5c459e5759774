"""Importing a CSV file, for every domain: all or nothing, every bad line named.

An import is checked whole before anything changes: one bad row and nothing changes, and the
report names the line, the column and what is wrong, for every bad row. The changes are then
made in a savepoint, rolled back again for a dry run or a preview, with the file's name on
every audit entry (see :func:`run_import`). A domain's import reads the file with
:func:`read_table`, checks the columns with :func:`check_header` and each row itself, and
ends a command-line import with :func:`finish_import`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import click
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from consortium import csvio
from consortium.audit.context import audit_source
from consortium.extensions import db


class Named(Protocol):
    """Anything a report lists by name (an organisation missing from a file)."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Problem:
    """What is wrong on a line of the file, and in which column."""

    line: int
    column: str
    message: object  # a lazy string, shown in the reader's language

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class RowResult:
    """What the import did, or would do, with one line of the file."""

    line: int
    action: str  # create, update, unchanged, skip
    name: str
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Everything wrong with a file, or what importing it changed (or would change)."""

    filename: str
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    # Rows about things the register does not have, and what the register has but the file not.
    skipped: list[RowResult] = field(default_factory=list)
    missing: list[Named] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def add(self, line: int, column: str, message: object) -> None:
        self.problems.append(Problem(line, column, message))


def read_table(
    data: bytes,
    report: ImportReport,
    countries: Iterable[str],
    multiline_columns: Collection[str] = (),
) -> csvio.Table | None:
    """The file as a table, or None with the reason in the report; ``countries`` hint at the
    code page of a file that is not UTF-8; only ``multiline_columns`` may hold line breaks."""
    try:
        return csvio.read(data, countries, multiline_columns)
    except csvio.CsvError as exc:
        line = exc.params.get("line", 1)
        column = exc.params.get("column", "")
        report.add(line if isinstance(line, int) else 1, str(column), csv_error_message(exc))
        return None


def csv_error_message(exc: csvio.CsvError) -> object:
    """Why the file cannot be read, in the reader's language (a lazy string)."""
    if exc.code == "encoding":
        return _l(
            "The file is not in a character set that can be read without garbling letters. "
            'In Excel, choose File → Save As → "CSV UTF-8 (Comma delimited) (*.csv)" '
            "and use that file."
        )
    if exc.code == "empty":
        return _l("The file is empty.")
    if exc.code == "too_many_cells":
        return _l("This line has more cells than the header has columns.")
    if exc.code == "too_many_rows":
        return _l(
            "The file has more than %(limit)s rows. Split it into files of at most "
            "%(limit)s rows each.",
            limit=format_decimal(exc.params["limit"]),
        )
    if exc.code == "too_many_columns":
        return _l(
            "The file has more than %(limit)s columns.",
            limit=format_decimal(exc.params["limit"]),
        )
    if exc.code == "control_character":
        return _l(
            "Contains a character that is not allowed (a control character). "
            "Remove it and save the file again."
        )
    return _l("This line is not valid CSV: check the quotation marks.")


def check_header(
    table: csvio.Table,
    report: ImportReport,
    allowed: Collection[str] | None,
    required: Iterable[str],
) -> None:
    """Report columns named twice, columns not in ``allowed`` (None: any) and missing ones."""
    seen: set[str] = set()
    for column in table.header:
        if column in seen:
            report.add(1, column, _l("This column appears twice."))
        seen.add(column)
        if allowed is not None and column and column not in allowed:
            report.add(
                1,
                column,
                _l(
                    "Unknown column. The columns are: %(columns)s.",
                    columns=", ".join(allowed),
                ),
            )
    for column in required:
        if column not in seen:
            report.add(1, column, _l("This column is missing."))


def source_text(filename: str) -> str:
    """What the audit entries of an import name as their source."""
    return f"Import of {filename}"


def run_import(
    report: ImportReport, apply: bool, work: Callable[[], list[RowResult]], filename: str
) -> None:
    """Make the changes in a savepoint: kept when applying, rolled back for a dry run."""
    savepoint = db.session.begin_nested()
    try:
        with audit_source(source_text(filename)):
            report.rows = work()
            db.session.flush()
    except Exception:
        savepoint.rollback()
        raise
    if apply:
        savepoint.commit()
        report.applied = True
    else:
        savepoint.rollback()


def finish_import(report: ImportReport, dry_run: bool) -> None:
    """End a command-line import: list the problems and exit 1, or list what changed and
    commit it (roll it back for a dry run)."""
    if report.problems:
        db.session.rollback()
        click.echo(
            f"{report.filename}: nothing was imported; correct these lines and try again:", err=True
        )
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    for row in report.rows:
        if row.action != "unchanged":
            changed = (
                f" ({', '.join(row.changed)})" if row.changed and row.action == "update" else ""
            )
            click.echo(f"  line {row.line}: {row.action} {row.name}{changed}")
    for row in report.skipped:
        click.echo(f"  line {row.line}: skipped {row.name}, not in the register")
    for missing in report.missing:
        click.echo(f"  missing from the file: {missing.name} (active member)")
    click.echo(
        f"{report.count('create')} created, {report.count('update')} updated, "
        f"{report.count('unchanged')} unchanged"
        + (f", {len(report.skipped)} skipped" if report.skipped else "")
        + (
            f", {len(report.missing)} active members missing from the file"
            if report.missing
            else ""
        )
        + "."
    )
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed.")
    else:
        db.session.commit()
