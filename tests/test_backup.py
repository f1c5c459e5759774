"""Backup and restore as the README's "Backup and restore" says: `pg_dump -Fc` of a populated
database, `pg_restore` into a new one, and the restored database gives the same answers."""

from __future__ import annotations

import glob
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from consortium.extensions import db
from consortium.fees.cli import preview_rows
from consortium.fees.computation import compute_year
from tests.conftest import copy_database, make_app, new_database
from tests.fees.test_member_pages import add_organisation, contact_of, fee_setup

# pg_dump and pg_restore need a PostgreSQL server: the PostgreSQL run of `make test` has one.
pytestmark = pytest.mark.postgresql


def postgresql_binary(name: str) -> str:
    """The newest installed PostgreSQL's program, as scripts/with-postgres.sh picks its server."""
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name)
    )
    assert folders, "PostgreSQL's programs are not installed under /usr/lib/postgresql"
    return str(Path(folders[-1]) / name)


def connection_arguments(url: str) -> list[str]:
    parts = make_url(url)
    return [
        "--host",
        parts.host or "127.0.0.1",
        "--port",
        str(parts.port or 5432),
        "--username",
        parts.username or "postgres",
        "--dbname",
        parts.database,
    ]


def answers(url: str) -> dict:
    """What the database answers: the fees preview of two years (as `flask fees preview`
    prints it), and how many organisations it holds."""
    app = make_app(url)
    try:
        with app.app_context():
            result = {year: preview_rows(compute_year(year), "en") for year in (2026, 2027)}
            result["health"] = app.test_client().get("/health").get_json()
            db.session.remove()
            return result
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_dump_restored_into_a_new_database_gives_the_same_fees(
    migrated_template, tmp_path_factory, tmp_path
):
    source = copy_database(tmp_path_factory, migrated_template, "consortium_backup")
    app = make_app(source)
    with app.app_context():
        setup = fee_setup(2026)
        add_organisation("Vejle Kommune", "29189692", y2025=120_000)
        contact_of(setup["odder"], "it@odder.example.dk")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    before = answers(source)
    assert len(before[2026]) >= 6 and len(before[2027]) >= 6  # members, products, amounts
    assert before["health"]["status"] == "ok"

    dump = tmp_path / "consortium.dump"
    subprocess.run(  # noqa: S603 - PostgreSQL's own program, fixed arguments
        [postgresql_binary("pg_dump"), "-Fc", "--file", str(dump), *connection_arguments(source)],
        check=True,
        capture_output=True,
    )
    assert dump.stat().st_size > 10_000

    target = new_database(tmp_path_factory, "consortium_restored")
    subprocess.run(  # noqa: S603
        [
            postgresql_binary("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *connection_arguments(target),
            str(dump),
        ],
        check=True,
        capture_output=True,
    )
    after = answers(target)
    assert after == before
