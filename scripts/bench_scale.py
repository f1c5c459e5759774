"""Time the pages at the size of a national federation, on PostgreSQL.

Builds the register of scripts/federation.py (20,000 organisations, 100 products, 50,000
participations, five years of populations, the demo's fees) on DATABASE_URL, or on a
throw-away PostgreSQL server started by scripts/with-postgres.sh when none is given; a
database that already holds the register is used as it is. Then asks each page several times
through the test client, signed in as the secretariat or a member contact, and prints the
median beside its target and, where there is one, beside the same work done the previous way:

    organisation list (100 rows) <= 15 ms      organisation page <= 10 ms
    product page, 2,000 participants <= 25 ms  public catalogue <= 10 ms
    expected fees page <= 50 ms                its PDF <= a bare WeasyPrint render + 20 ms
    a year's fees preview <= 2 s               the engine, 10,000 x 50 products <= 1 s
    starting the app for a command <= 0.5 s

Run with `make bench`; `--organisations` and the like make a smaller register for a quick try.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess  # noqa: S404 - runs our own command line and the PostgreSQL helper
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
for folder in (ROOT, SCRIPTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import federation  # noqa: E402

REPEAT = 15
SLOW_REPEAT = 5


# The median CPU time of the last measurement (this process's and its children's): on a machine
# busy with other work, wall time waits for the processor while CPU time does not.
LAST_CPU: list[float] = [0.0]


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_seconds(work: Callable[[], object], repeat: int = REPEAT) -> float:
    """The median of several runs after one to warm up (the first pays for caches filling)."""
    work()
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), _cpu()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(_cpu() - started_cpu)
    LAST_CPU[0] = statistics.median(cpu)
    return statistics.median(times)


def page(client, url: str) -> Callable[[], bytes]:
    def ask() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response.data

    return ask


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": federation.PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}")
    return client


class Report:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def line(
        self, name: str, seconds: float, target: float, previous: tuple[str, float] | None = None
    ) -> None:
        met = seconds <= target
        if not met:
            self.missed.append(name)
        text = f"{name:<46} {_shown(seconds):>9} (CPU {_shown(LAST_CPU[0]):>9})"
        text += f"   target <= {_shown(target):>8}   " + ("met" if met else "NOT MET")
        if previous is not None:
            what, before = previous
            text += f"   ({what}: {_shown(before)}; {seconds / before:.2f} of it)"
        print(text, flush=True)


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def the_register(app, counts: federation.Counts, workers: int) -> None:
    from consortium import demo

    with app.app_context():
        if not demo.database_is_empty():
            print("The database holds a register already: it is measured as it is.")
            return
        summary = federation.build(counts, workers=workers)
    for line in summary.lines():
        print(line)


def expected_fees_the_previous_way(organisation_id: int, year: int) -> None:
    """One organisation's charges as the previous release found them: the whole register's year
    computed twice (this year and last) and the organisation's lines kept."""
    from consortium.fees.computation import compute_year

    for each_year in (year - 1, year):
        compute_year(each_year).for_organisation(organisation_id)


def bare_expected_fees_pdf(app, organisation_id: int, email: str, year: int) -> Callable[[], None]:
    """The expected fees' HTML rendered by WeasyPrint's plain API with nothing of ours around."""
    from flask import render_template
    from flask_login import login_user
    from weasyprint import CSS, HTML

    from consortium.auth.services import find_user_by_email
    from consortium.extensions import db
    from consortium.fees.member_views import expected_fees
    from consortium.members.models import Organisation
    from consortium.settings.services import get_settings

    with app.test_request_context():
        login_user(find_user_by_email(email))
        fees = expected_fees(db.session.get(Organisation, organisation_id), year)
        html = render_template(
            "fees/member_expected_pdf.html", fees=fees, settings=get_settings(), today=date.today()
        )
    static = app.static_folder

    def render() -> None:
        HTML(string=html, base_url=static + "/").write_pdf(
            stylesheets=[CSS(filename=f"{static}/pdf/expected_fees.css")]
        )

    return render


def command_start() -> float:
    """The median wall time of `flask fees --help` as a process of its own: the app is built
    and its commands listed, nothing else."""
    environment = dict(os.environ, CONSORTIUM_ENV="development", FLASK_APP="consortium")
    environment.pop("DATABASE_URL", None)
    flask = str(Path(sys.executable).with_name("flask"))

    def run() -> None:
        subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [flask, "fees", "--help"],
            env=environment,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    return median_seconds(run, 5)


def engine_alone() -> float:
    """The fee engine alone for 10,000 organisations x 50 products, indexing included (the
    register of scripts/bench_fees.py): the median of three runs."""
    import bench_fees

    runs, cpu = [], []
    for _ in range(3):
        started = _cpu()
        runs.append(bench_fees.run(10_000))
        cpu.append(_cpu() - started)
    LAST_CPU[0] = statistics.median(cpu)  # the made-up register's making included
    return statistics.median(index + compute for index, compute, _cpu, _charges in runs)


def measure(app, report: Report) -> None:
    from sqlalchemy import select

    from consortium.auth.models import User
    from consortium.extensions import db
    from consortium.fees.computation import compute_for_organisation
    from consortium.members.models import OrganisationContact

    year = date.today().year + 1
    contact_email = federation.CONTACTS[0][0]
    with app.app_context():
        organisation_id = db.session.scalar(
            select(OrganisationContact.organisation_id)
            .join(User, User.id == OrganisationContact.user_id)
            .where(User.email == contact_email)
        )
        if organisation_id is None:
            raise SystemExit(f"{contact_email} is no organisation's contact")
    secretariat = signed_in(app, federation.SECRETARIAT)
    contact = signed_in(app, contact_email)
    anonymous = app.test_client()

    report.line(
        "organisation list, 100 rows",
        median_seconds(page(secretariat, "/organisations/?per_page=100")),
        0.015,
    )
    report.line(
        "organisation page",
        median_seconds(page(secretariat, f"/organisations/{organisation_id}")),
        0.010,
    )
    report.line(
        f"product page, {federation.LARGEST_PRODUCT:,} participants",
        median_seconds(page(secretariat, "/products/federation-product-001")),
        0.025,
    )
    report.line("public catalogue", median_seconds(page(anonymous, "/public/products")), 0.010)

    with app.app_context():
        before = median_seconds(
            lambda: expected_fees_the_previous_way(organisation_id, year), SLOW_REPEAT
        )
        alone = median_seconds(
            lambda: [compute_for_organisation(y, organisation_id) for y in (year - 1, year)]
        )
        db.session.rollback()
    report.line(
        "one organisation's charges, two years",
        alone,
        0.050,
        ("the whole register's year twice", before),
    )
    report.line(
        "expected fees page",
        median_seconds(page(contact, f"/fees/organisations/{organisation_id}/expected")),
        0.050,
    )
    bare = median_seconds(bare_expected_fees_pdf(app, organisation_id, contact_email, year))
    ours = median_seconds(page(contact, f"/fees/organisations/{organisation_id}/expected.pdf"))
    report.line("expected fees PDF", ours, bare + 0.020, ("bare WeasyPrint", bare))
    report.line(
        f"fees preview of {year}, the whole register",
        median_seconds(page(secretariat, f"/fees/preview?year={year}"), SLOW_REPEAT),
        2.0,
    )
    report.line("fee engine alone, 10,000 x 50 products", engine_alone(), 1.0)
    report.line("starting the app for a command", command_start(), 0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=federation.Counts.organisations)
    parser.add_argument("--products", type=int, default=federation.Counts.products)
    parser.add_argument("--participations", type=int, default=federation.Counts.participations)
    parser.add_argument("--workers", type=int, default=federation.WORKERS)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        # A throw-away PostgreSQL server for the run, removed afterwards.
        helper = ROOT / "scripts" / "with-postgres.sh"
        command = [str(helper), sys.executable, __file__, *(argv or sys.argv[1:])]
        return subprocess.call(command)  # noqa: S603 - our own helper, fixed arguments
    counts = federation.Counts(args.organisations, args.products, args.participations)
    app = federation.make_app(database_url)
    the_register(app, counts, args.workers)
    report = Report()
    measure(app, report)
    print("The machine's other work counts in every figure: compare on an idle machine.")
    if report.missed:
        print("Not met: " + "; ".join(report.missed))
    else:
        print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
