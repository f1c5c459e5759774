"""Time the preview of an organisations CSV file: 20,000 rows (the most a file may have).

Half the rows add organisations, half change ones already in the register (matched by
municipality code), each with a population. The preview runs through the import page, as
the secretariat uses it. On a temporary SQLite database, or on DATABASE_URL when it names a
PostgreSQL server. Run with `make bench`; `--profile` prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import PASSWORD, make_app, make_user, migrate, new_database  # noqa: E402

ROWS = 20_000


class _Folders:
    """What tests.conftest.new_database expects of pytest's tmp_path_factory."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="consortium-bench-"))

    def mktemp(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir()
        return folder


def organisations_file(rows: int) -> bytes:
    lines = ["name,kind,country,municipality_code,population,population_year,email"]
    for number in range(rows):
        lines.append(
            f"Kommune {number:05d},municipality,DK,{number:05d},{1_000 + number * 7 % 90_000},"
            f"2026,post{number}@kommune.example.dk"
        )
    return ("\n".join(lines) + "\n").encode()


def fill_register(app, count: int) -> None:
    """Organisations the second half of the file changes."""
    from consortium.extensions import db
    from consortium.members.models import Organisation

    with app.app_context():
        db.session.add_all(
            Organisation(
                name=f"Old name {number:05d}",
                kind="municipality",
                country="DK",
                municipality_code=f"{number:05d}",
            )
            for number in range(count)
        )
        db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()

    app = make_app(new_database(_Folders(), "consortium_bench"))
    migrate(app)
    with app.app_context():
        make_user("bench@example.org", secretariat=True)
    fill_register(app, options.rows // 2)
    data = organisations_file(options.rows)
    client = app.test_client()
    with app.app_context():
        client.post("/sign-in", data={"email": "bench@example.org", "password": PASSWORD})
    profiler = cProfile.Profile() if options.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with app.app_context():
        response = client.post(
            "/organisations/import",
            data={"file": (io.BytesIO(data), "organisations.csv")},
            content_type="multipart/form-data",
        )
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    page = response.get_data(as_text=True)
    ok = response.status_code == 200 and "Preview of organisations.csv" in page
    database = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(
        f"preview of {options.rows:,} organisation rows ({database}): "
        f"{elapsed:.1f} s, status {response.status_code}" + ("" if ok else " (no preview shown)")
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
