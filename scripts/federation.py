"""A register the size of a national federation, made through the services.

    python scripts/federation.py --database-url postgresql+psycopg://… [--organisations 20000]

20,000 organisations (municipalities, a few regions and state agencies) with five years of
populations and an active membership, 100 products, 50,000 participations (the first product
has 2,000 participants, the others share the rest), and the fees as the demo has them: last
year's, this year's and next year's membership fee schedules, a tariff and a budget for every
product with participants, the split budgets of last year and this year approved with their
shares recorded. A secretariat user and a few member contacts sign in with known passwords
(LOGINS). Every record is made by the domains' services, as the pages and imports make them;
the work is committed in batches so that the session stays small.

Importable: ``build(counts)`` fills the database of the current app context and answers a
Summary; ``main()`` is the command line. The load test and `make bench` use it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "federation password, not a secret"  # noqa: S105 - a throw-away register's accounts
SECRETARIAT = "secretariat@federation.example.org"
# Member contacts: (email, the organisation's number in the register).
CONTACTS = (
    ("contact.1@federation.example.org", 0),
    ("contact.2@federation.example.org", 1),
    ("contact.3@federation.example.org", 2),
    ("contact.4@federation.example.org", 500),
)
POPULATION_YEARS = 5
# The first product's participants: the product page of a large product.
LARGEST_PRODUCT = 2_000
# Processes making records at once: the database waits on each row's round trip.
WORKERS = 4


@dataclass(frozen=True)
class Counts:
    organisations: int = 20_000
    products: int = 100
    participations: int = 50_000
    batch: int = 500


@dataclass
class Summary:
    counts: Counts
    organisations: int = 0
    populations: int = 0
    products: int = 0
    participations: int = 0
    tariffs: int = 0
    approved_budgets: int = 0
    recorded_shares: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # The organisations whose contacts sign in (ids), the largest product's slug.
    contact_organisations: tuple[int, ...] = ()
    largest_product: str = ""

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def lines(self) -> list[str]:
        made = [
            f"{self.organisations:,} organisations with {self.populations:,} population figures",
            f"{self.products:,} products, {self.participations:,} participations "
            f"({self.largest_product} has {LARGEST_PRODUCT:,} participants)",
            f"{self.tariffs:,} tariffs, {self.approved_budgets:,} approved budgets with "
            f"{self.recorded_shares:,} recorded shares",
            f"sign in as {SECRETARIAT} (secretariat) or "
            + ", ".join(email for email, _number in CONTACTS)
            + f" (contacts), password “{PASSWORD}”",
        ]
        timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())
        made.append(f"took {self.total_seconds:.1f} s ({timings})")
        return made


def _timed(summary: Summary, name: str, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    summary.seconds[name] = time.perf_counter() - started


def _population(number: int) -> int:
    """A municipality's population: most are small, a few are large (a long tail)."""
    return 800 + (number * 7919) % 60_000 + (250_000 if number % 997 == 0 else 0)


def _kind(number: int) -> str:
    if number % 1000 == 999:
        return "state_agency"
    if number % 500 == 499:
        return "region"
    return "municipality"


def _organisations(numbers: range, today: date, batch: int) -> int:
    """Organisations with their populations and membership, committed every batch; answers
    how many population figures were recorded."""
    from consortium.extensions import db
    from consortium.members import services as members

    first_year = today.year - POPULATION_YEARS + 1
    figures = 0
    for made, number in enumerate(numbers, start=1):
        kind = _kind(number)
        agency = kind == "state_agency"
        organisation = members.create_organisation(
            name=organisation_name(number),
            kind=kind,
            country="DK",
            email=f"post@member-{number + 1:05d}.federation.example.org",
            language="da",
            tier_override="large" if agency else None,
            tier_override_reason="A state agency pays as a large member." if agency else "",
        )
        if not agency:
            base = _population(number)
            populations = {
                year: int(base * (1 + (year - first_year) * (number % 7 - 2) / 500))
                for year in range(first_year, first_year + POPULATION_YEARS)
            }
            members.set_populations(organisation, populations, "bench")
            figures += len(populations)
        members.change_membership(
            organisation, "active", date(2010 + number % (today.year - 2012), 1, 1)
        )
        if made % batch == 0:
            db.session.commit()
    db.session.commit()
    return figures


def _participations(plan: list[tuple[int, int, int]], today: date, batch: int) -> int:
    """Participations (product id, organisation id, organisation number), committed every
    batch; answers how many were made."""
    from consortium.extensions import db
    from consortium.members.models import Organisation
    from consortium.participation import services as participation
    from consortium.products.models import Product

    products: dict[int, Product] = {}
    for made, (product_id, organisation_id, number) in enumerate(plan, start=1):
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = db.session.get(Product, product_id)
        organisation = db.session.get(Organisation, organisation_id)
        development = product.status != "product"
        participation.create_participation(
            organisation,
            product,
            phase="commitment" if development else "agreement",
            starts_on=date(today.year - 2 + number % 3, 1, 1),
            amount_per_year=Decimal(10_000 + 5_000 * (number % 4)) if development else None,
        )
        if made % batch == 0:
            db.session.commit()
            products.clear()
    db.session.commit()
    return len(plan)


def _in_worker(database_url: str, work: str, *args):
    """Run _organisations or _participations in a process of its own, on its own connection."""
    app = make_app(database_url, migrate=False)
    with app.app_context():
        return globals()[work](*args)


def _spread(
    database_url: str | None, workers: int, work: str, parts: list[tuple], today: date, batch: int
) -> int:
    """The work over several processes (each part in one), or here when there is one."""
    if workers <= 1 or database_url is None or len(parts) == 1:
        return sum(globals()[work](part, today, batch) for part in parts)
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        results = [
            pool.apply_async(_in_worker, (database_url, work, part, today, batch)) for part in parts
        ]
        return sum(result.get() for result in results)


def organisation_name(number: int) -> str:
    return f"Federation member {number + 1:05d}"


def participation_plan(counts: Counts, organisations: int) -> list[tuple[int, int]]:
    """(product number, organisation number) of every participation: the first product has
    LARGEST_PRODUCT participants, the others share the rest. State agencies record no
    population, so they keep out of the splits by population."""
    plan: list[tuple[int, int]] = []
    for product_number in range(counts.products):
        left = counts.participations - len(plan)
        if product_number == 0:
            wanted, start, step = min(LARGEST_PRODUCT, left), 0, 1
        else:
            wanted = -(-left // (counts.products - product_number))
            start, step = product_number * 1_013, 7
        taken, seen = 0, set()
        for attempt in range(organisations):
            if taken == wanted:
                break
            number = (start + attempt * step) % organisations
            if number in seen:
                # The step came round to where it started: go on one by one.
                number = (start + attempt) % organisations
                if number in seen:
                    continue
            seen.add(number)
            if _kind(number) != "state_agency":
                plan.append((product_number, number))
                taken += 1
    return plan


def build(counts: Counts | None = None, today: date | None = None, workers: int = 1) -> Summary:
    """Fill the (empty, migrated) database of the current app context with the register.

    With several workers, the organisations and the participations are made by as many
    processes at once (each organisation's participations by one of them, so that their row
    locks never cross)."""
    from flask import current_app
    from sqlalchemy import select

    from consortium.extensions import db
    from consortium.members.models import Organisation

    counts = counts or Counts()
    today = today or date.today()
    summary = Summary(counts=counts)
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if database_url.startswith("sqlite"):
        workers = 1  # one writer at a time
    organisation_ids: list[int] = []
    product_ids: list[int] = []

    def settings_and_users() -> None:
        from consortium.auth import services as auth
        from consortium.settings.services import get_settings, update_settings

        update_settings(
            get_settings(),
            name="Federation of Municipalities (bench)",
            email="secretariat@federation.example.org",
            currency="DKK",
            country="DK",
            default_language="en",
        )
        auth.create_user(SECRETARIAT, "Secretariat", password=PASSWORD, is_secretariat=True)
        for email, _number in CONTACTS:
            auth.create_user(email, email.split("@")[0], password=PASSWORD)
        db.session.commit()

    def organisations() -> None:
        parts = [range(start, counts.organisations, workers) for start in range(max(workers, 1))]
        summary.populations = _spread(
            database_url, workers, "_organisations", parts, today, counts.batch
        )
        by_name = dict(db.session.execute(select(Organisation.name, Organisation.id)).all())
        organisation_ids.extend(
            by_name[organisation_name(number)] for number in range(counts.organisations)
        )
        summary.organisations = len(organisation_ids)

    def contacts() -> None:
        from consortium.auth import services as auth
        from consortium.members import services as members

        chosen = []
        for email, number in CONTACTS:
            organisation = db.session.get(Organisation, organisation_ids[number])
            members.add_contact(organisation, auth.find_user_by_email(email).id, "primary")
            chosen.append(organisation.id)
        summary.contact_organisations = tuple(chosen)
        db.session.commit()

    def products() -> None:
        from consortium.products import services as catalogue

        for number in range(counts.products):
            product = catalogue.create_product(
                slug=f"federation-product-{number + 1:03d}",
                name=f"Federation product {number + 1:03d}",
                status="product" if number % 10 else "development",
            )
            catalogue.save_description(
                product,
                "en",
                f"Shared software number {number + 1}.",
                "Built together by the federation's members.",
                "Case handling\nSelf-service\nReports",
            )
            product_ids.append(product.id)
        db.session.commit()
        summary.products = len(product_ids)
        summary.largest_product = "federation-product-001"

    def participations() -> None:
        plan = participation_plan(counts, len(organisation_ids))
        parts: list[list[tuple[int, int, int]]] = [[] for _worker in range(max(workers, 1))]
        for product_number, number in plan:
            parts[number % len(parts)].append(
                (product_ids[product_number], organisation_ids[number], number)
            )
        summary.participations = _spread(
            database_url, workers, "_participations", parts, today, counts.batch
        )

    def fees() -> None:
        from sqlalchemy import func

        from consortium.fees import demo as fees_demo
        from consortium.fees.models import BudgetShare, ProductBudget, ProductTariff

        fees_demo.load_demo(today)
        db.session.commit()
        summary.tariffs = db.session.scalar(select(func.count(ProductTariff.id))) or 0
        summary.approved_budgets = (
            db.session.scalar(
                select(func.count(ProductBudget.id)).where(ProductBudget.status == "approved")
            )
            or 0
        )
        summary.recorded_shares = db.session.scalar(select(func.count(BudgetShare.id))) or 0

    _timed(summary, "users", settings_and_users)
    _timed(summary, "organisations", organisations)
    _timed(summary, "contacts", contacts)
    _timed(summary, "products", products)
    _timed(summary, "participations", participations)
    _timed(summary, "fees", fees)
    return summary


def make_app(database_url: str, migrate: bool = True):
    """The app on the database, its schema migrated to the latest version."""
    os.environ.setdefault("CONSORTIUM_ENV", "testing")
    from flask_migrate import upgrade

    from consortium import create_app

    app = create_app(
        {
            "CONSORTIUM_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "federation bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "",
            "BASE_URL": "https://consortium.example.org",
            "WTF_CSRF_ENABLED": False,
            # A quick hash: the accounts are a throw-away register's.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    if migrate:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="An empty database (default: DATABASE_URL).",
    )
    parser.add_argument("--organisations", type=int, default=Counts.organisations)
    parser.add_argument("--products", type=int, default=Counts.products)
    parser.add_argument("--participations", type=int, default=Counts.participations)
    parser.add_argument("--batch", type=int, default=Counts.batch, help="Records per commit.")
    parser.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help="Processes that make the organisations and participations at once.",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    counts = Counts(args.organisations, args.products, args.participations, args.batch)
    if counts.products < 2 or counts.organisations < max(n for _e, n in CONTACTS) + 1:
        parser.error(
            f"the register needs at least 2 products and {CONTACTS[-1][1] + 1} organisations"
        )
    app = make_app(args.database_url)
    with app.app_context():
        from consortium import demo

        if not demo.database_is_empty():
            parser.error("the database is not empty")
        summary = build(counts, workers=args.workers)
    for line in summary.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
