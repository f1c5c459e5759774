"""`flask orgs`: import and export the member register from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from consortium.imports import finish_import
from consortium.members import transfer

orgs_cli = AppGroup("orgs", help="Import and export the member register.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@orgs_cli.command("import")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_organisations(file: Path, dry_run: bool) -> None:
    """Import organisations from a CSV file: all rows or, when one is wrong, none."""
    with force_locale("en"):
        report = transfer.import_organisations(file.read_bytes(), file.name, apply=not dry_run)
        finish_import(report, dry_run)


@orgs_cli.command("import-population")
@click.argument("file", type=FILE)
@click.option(
    "--year",
    type=click.IntRange(1900, 2200),
    required=True,
    help="Population on 1 January of this year.",
)
@click.option(
    "--source", required=True, help='Where the figures come from, e.g. "Statistics Denmark FOLK1A".'
)
@click.option("--country", default=None, help="Country of the codes (default: the association's).")
@click.option(
    "--skip-unknown", is_flag=True, help="Skip and list rows for bodies not in the register."
)
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_population(
    file: Path, year: int, source: str, country: str | None, skip_unknown: bool, dry_run: bool
) -> None:
    """Record a year's population from a file with municipality_code (or registration_number) and population."""
    with force_locale("en"):
        report = transfer.import_population(
            file.read_bytes(),
            file.name,
            year=year,
            source=source,
            country=country,
            skip_unknown=skip_unknown,
            apply=not dry_run,
        )
        finish_import(report, dry_run)


@orgs_cli.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.option("--separator", type=click.Choice([",", ";"]), default=",", show_default=True)
def export(output: Path | None, separator: str) -> None:
    """Export every organisation as CSV (UTF-8 with a byte-order mark, for Excel)."""
    data = transfer.export_csv(transfer.all_organisations(), separator)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
