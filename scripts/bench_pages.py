"""Time the fee pages: the preview of 100 organisations x 10 products, and the demo's preview.

Each page is asked for a few times on a fresh SQLite database and the best time is printed
against its goal (3 seconds and 5 seconds). Run with `make bench`; the test suite checks what
the pages show and that their queries do not grow with the register, not how fast they are.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CONSORTIUM_ENV", "testing")

from flask_migrate import upgrade  # noqa: E402

from consortium import create_app  # noqa: E402
from consortium.extensions import db  # noqa: E402

YEAR = 2027
REPEAT = 3
PASSWORD = "bench password, not a secret"  # noqa: S105 - a throw-away database's account
FLAT_SCHEDULE = {
    "year": str(YEAR),
    "rule_type": "flat",
    "amount": "25000",
    "part_year_method": "half_year_after_1_july",
    "population_offset": "1",
    "index_value": "100",
    "kind_municipality": "general",
    "kind_region": "flat",
    "kind_region_amount": "49000",
    "kind_state_agency": "exempt",
    "kind_other": "general",
}


def new_app(folder: str, name: str):
    app = create_app(
        {
            "CONSORTIUM_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/{name}.sqlite",
            "MAIL_SERVER": "",
            "BASE_URL": "https://consortium.example.org",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def signed_in(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}")
    return client


def best_time(client, url: str) -> float:
    """The best of a few requests, as timeit does: the others also measure other work."""
    times = []
    for _ in range(REPEAT):
        with client.application.app_context():
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return min(times)


def preview_of_100_organisations(folder: str) -> float:
    from consortium.auth import services as auth
    from consortium.fees import services
    from consortium.members import services as members
    from consortium.participation import services as participation
    from consortium.products.models import Product

    app = new_app(folder, "hundred")
    with app.app_context():
        auth.create_user("bench@example.org", "Bench", password=PASSWORD, is_secretariat=True)
        db.session.commit()
    client = signed_in(app, "bench@example.org", PASSWORD)
    with app.app_context():
        client.post("/fees/schedules/new", data=FLAT_SCHEDULE)
    with app.app_context():
        towns = []
        for number in range(100):
            town = members.create_organisation(
                name=f"Town {number:03d}", kind="municipality", country="DK"
            )
            members.change_membership(town, "active", date(2012, 1, 1))
            for year in (YEAR - 1, YEAR - 2):
                members.set_population(town, year, 1000 + 37 * number, "bench")
            towns.append(town)
        for number in range(10):
            product = Product(slug=f"product-{number}", name=f"Product {number}", status="product")
            db.session.add(product)
            db.session.flush()
            for town in towns[number::2] if number % 2 else towns:
                participation.create_participation(
                    town, product, phase="agreement", starts_on=date(2020, 1, 1)
                )
            services.save_tariff(
                product, YEAR, pricing={"type": "budget_split", "method": "population"}
            )
            budget = services.save_budget(
                product, YEAR, [{"purpose": "development", "amount": Decimal("123456.78")}]
            )
            if number % 2:
                services.approve_budget(budget, None)
        db.session.commit()
    return best_time(client, f"/fees/preview?year={YEAR}")


def preview_of_the_demo(folder: str) -> float:
    from consortium import demo

    app = new_app(folder, "demo")
    with app.app_context():
        demo.load()
        db.session.commit()
        secretariat = next(entry for entry in demo.DEMO_LOGINS if entry.role == "secretariat")
    client = signed_in(app, secretariat.email, secretariat.password)
    return best_time(client, f"/fees/preview?year={date.today().year}")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for name, measure, goal in (
            ("/fees/preview, 100 organisations x 10 products", preview_of_100_organisations, 3),
            ("/fees/preview of the demo association", preview_of_the_demo, 5),
        ):
            seconds = measure(folder)
            verdict = "under" if seconds < goal else "OVER"
            print(f"{name}: {seconds:.3f} s (best of {REPEAT}), {verdict} the {goal} s goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
