"""`flask participations`: import participations from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import force_locale

from consortium.imports import finish_import
from consortium.participation import bp, transfer

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@bp.cli.command("import")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_participations(file: Path, dry_run: bool) -> None:
    """Record participations from a CSV file: all rows or, when one is wrong, none."""
    with force_locale("en"):
        report = transfer.import_participations(file.read_bytes(), file.name, apply=not dry_run)
        finish_import(report, dry_run)
