"""`flask groups`: import group members from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import force_locale

from consortium.groups import bp, transfer
from consortium.imports import finish_import

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@bp.cli.command("import-members")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_members(file: Path, dry_run: bool) -> None:
    """Add group members' terms from a CSV file: all rows or, when one is wrong, none."""
    with force_locale("en"):
        report = transfer.import_members(file.read_bytes(), file.name, apply=not dry_run)
        finish_import(report, dry_run)
