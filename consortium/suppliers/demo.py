"""The demo's suppliers: every vetting state, agreements (one expiring soon), contact logins.

Loaded after consortium/demo.py's association; ``load_demo()`` returns the suppliers' contact
logins for the lead to list with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select
from stdnum.dk import cvr
from stdnum.eu import vat

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.extensions import db
from consortium.products.models import Product
from consortium.suppliers import services


class SupplierLogin(NamedTuple):
    """The same fields as consortium.demo.DemoLogin."""

    role: str
    email: str
    password: str
    name: str
    language: str | None


# Demo passwords are public by design: they only ever exist in a demo database.
PASSWORD = "demo-supplier-2026"  # noqa: S105

# Products the suppliers work on, looked up by slug or name when the demo has them.
WANTED_PRODUCTS = ("os2mo", "os2forms", "os2faktor", "os2borgerportal")


class DemoSupplier(NamedTuple):
    name: str
    country: str
    number_from: str  # the first candidate for a valid registration number
    contact_name: str
    contact_email: str
    language: str
    service_types: tuple[str, ...]
    statement: str
    status: str  # approved, pending, rejected
    # Approved: (days the agreement started before today, days it runs after today or None).
    agreement: tuple[int, int | None] | None = None
    reason: str = ""


DEMO_SUPPLIERS = (
    DemoSupplier(
        "Fjordkode ApS",
        "DK",
        "3811402",
        "Lene Berg",
        "lene.berg@fjordkode.demo.example.org",
        "da",
        ("development", "support"),
        "We develop and maintain open source case management for Danish municipalities.",
        "approved",
        agreement=(200, 530),
    ),
    DemoSupplier(
        "Skyhavn Hosting A/S",
        "DK",
        "4022917",
        "Thomas Krogh",
        "thomas.krogh@skyhavn.demo.example.org",
        "da",
        ("hosting", "support"),
        "Danish data centres, ISO 27001 certified, operating open source products for the public sector.",
        "approved",
        agreement=(330, 45),  # expires within 90 days
    ),
    DemoSupplier(
        "Offene Verwaltung GmbH",
        "DE",
        "DE81100000",
        "Katrin Vogel",
        "katrin.vogel@offene-verwaltung.demo.example.org",
        "de",
        ("development", "consultancy"),
        "Open source for public administrations in Germany and Denmark.",
        "approved",
        agreement=(90, None),
    ),
    DemoSupplier(
        "Kodeværkstedet IVS",
        "DK",
        "4255310",
        "Sara Holt",
        "sara.holt@kodevaerkstedet.demo.example.org",
        "da",
        ("development",),
        "A small workshop for accessible web front ends.",
        "pending",
    ),
    DemoSupplier(
        "Nordlys Rådgivning ApS",
        "DK",
        "4377125",
        "Henrik Lund",
        "henrik.lund@nordlys.demo.example.org",
        "en",
        ("consultancy",),
        "Advice on procurement of open source software.",
        "pending",
    ),
    DemoSupplier(
        "Hurtig Løsning ApS",
        "DK",
        "4480021",
        "Bo Hansen",
        "bo.hansen@hurtig.demo.example.org",
        "da",
        ("development", "hosting"),
        "Fast solutions on our own closed platform.",
        "rejected",
        reason=(
            "The products you offer are not released under a free and open source licence, "
            "which the code of conduct requires."
        ),
    ),
)


def _valid_number(country: str, start: str) -> str:
    """The first valid registration number counting up from `start`, computed with stdnum."""
    check: Callable[[str], bool]
    if country == "DK":
        check, prefix, digits = cvr.is_valid, "", start
    else:
        check, prefix, digits = vat.is_valid, start[:2], start[2:]
    value = int(digits) * 10
    while not check(f"{prefix}{value}"):
        value += 1
    return f"{prefix}{value}"


def _demo_products() -> list[Product]:
    products = list(
        db.session.scalars(
            select(Product)
            .where(
                Product.status != "retired",
                or_(
                    func.lower(Product.slug).in_(WANTED_PRODUCTS),
                    func.lower(Product.name).in_(WANTED_PRODUCTS),
                ),
            )
            .order_by(Product.name)
        )
    )
    if not products:  # other product names: take a few of those there are
        products = list(
            db.session.scalars(
                select(Product).where(Product.status != "retired").order_by(Product.name).limit(3)
            )
        )
    return products


def load_demo(today: date | None = None) -> tuple[SupplierLogin, ...]:
    """Add the demo suppliers through the services; return their contacts' logins."""
    today = today or date.today()
    products = _demo_products()
    secretariat = db.session.scalar(
        select(User).where(User.is_secretariat.is_(True)).order_by(User.id).limit(1)
    )
    logins = []
    for index, demo in enumerate(DEMO_SUPPLIERS):
        # Each supplier wants a different slice of the products, when there are any.
        wanted = products[index % len(products) :][:2] if products else []
        supplier = services.register_supplier(
            name=demo.name,
            country=demo.country,
            registration_number=_valid_number(demo.country, demo.number_from),
            address=_address(demo),
            contact_name=demo.contact_name,
            contact_email=demo.contact_email,
            service_types=list(demo.service_types),
            product_ids=[product.id for product in wanted],
            statement=demo.statement,
            language=demo.language,
        )
        if demo.status == "rejected":
            services.reject(supplier, demo.reason)
        elif demo.status == "approved":
            auth_services.create_user(
                demo.contact_email, demo.contact_name, password=PASSWORD, language=demo.language
            )
            services.approve(supplier, secretariat)
            started, runs = demo.agreement
            services.save_agreement(
                supplier,
                None,
                version="2026.1",
                signed_on=today - timedelta(days=started),
                valid_until=None if runs is None else today + timedelta(days=runs),
                product_ids=[product.id for product in wanted],
                code_of_conduct=True,
                floss_clause=True,
                copyright_transfer=demo.country == "DK",
            )
            logins.append(
                SupplierLogin(
                    "supplier contact",
                    demo.contact_email,
                    PASSWORD,
                    demo.contact_name,
                    demo.language,
                )
            )
    db.session.flush()
    return tuple(logins)


def _address(demo: DemoSupplier) -> str:
    if demo.country == "DE":
        return "Friedrichstraße 100\n10117 Berlin\nDeutschland"
    return "Åboulevarden 1\n8000 Aarhus C"
