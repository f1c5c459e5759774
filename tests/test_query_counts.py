"""The register's list and detail pages ask the database as often for a large register as for a
small one: more organisations, products, participations and population figures add rows to
the pages, never statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import services as fees
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.participation import services as participation
from consortium.products import services as products
from consortium.products.models import Product
from tests.conftest import login, make_user

# Statements are counted, and a page asks the same ones on every database: the SQLite run
# counts them.
pytestmark = pytest.mark.sqlite

YEAR = date.today().year + 1


def _member(name: str):
    organisation = members.create_organisation(name=name, kind="municipality", country="DK")
    members.set_populations(
        organisation, {year: 10_000 + len(name) for year in range(YEAR - 4, YEAR)}, "test"
    )
    members.change_membership(organisation, "active", date(2015, 1, 1))
    return organisation


def _product(number: int):
    product = products.create_product(
        slug=f"shared-{number}", name=f"Shared {number}", status="product"
    )
    products.save_description(product, "en", f"Shared {number}.", "Built together.", "Forms")
    fees.save_tariff(product, YEAR, pricing={"type": "budget_split", "method": "population"})
    fees.save_budget(product, YEAR, [{"purpose": "development", "amount": Decimal("90000")}])
    return product


class Register:
    """A member taking part in products with other members; grow() adds to every list."""

    def __init__(self) -> None:
        fees.save_schedule(
            YEAR,
            rule={"type": "flat", "amount": "25000.00"},
            by_kind={},
            part_year_method="half_year_after_1_july",
        )
        self.member_id = _member("Aarhus Kommune").id
        self.product_slug = _product(0).slug
        self.size = 0
        # From the start, a product with an approved budget and one with a draft.
        self.grow(2)

    def grow(self, count: int) -> None:
        """``count`` more members in the first product, and the first member in ``count`` more
        products, one of them with its budget approved."""
        member = db.session.get(Organisation, self.member_id)
        first = db.session.scalar(select(Product).where(Product.slug == self.product_slug))
        for _ in range(count):
            self.size += 1
            other = _member(f"Kommune {self.size:03d}")
            participation.create_participation(
                other, first, phase="agreement", starts_on=date(2020, 1, 1)
            )
            product = _product(self.size)
            participation.create_participation(
                member, product, phase="agreement", starts_on=date(2021, 1, 1)
            )
            participation.create_participation(
                other, product, phase="agreement", starts_on=date(2021, 1, 1)
            )
            if self.size % 2:
                budget = fees.save_budget(
                    product, YEAR, [{"purpose": "development", "amount": Decimal("80000")}]
                )
                fees.approve_budget(budget, None)
        db.session.commit()


@pytest.fixture
def register(app):
    return Register()


@pytest.fixture
def contact_client(client, register):
    user = make_user("contact@aarhus.example.dk")
    members.add_contact(db.session.get(Organisation, register.member_id), user.id, "primary")
    db.session.commit()
    assert login(client, user.email).status_code == 302
    return client


SECRETARIAT_PAGES = (
    "/organisations/{member}",
    "/organisations/{member}/population",
    "/organisations/{member}/membership",
    "/products/",
    "/products/{product}",
    "/products/{product}/assessment",
    "/participation/",
    "/fees/products/{product}/{year}",
    "/fees/organisations/{member}/expected",
    "/fees/organisations/{member}/expected.csv",
)
CONTACT_PAGES = (
    "/participation/mine",
    "/fees/organisations/{member}/expected",
)
PUBLIC_PAGES = (
    "/public/products/{product}",
    "/public/members",
)


def _statements(client, count_queries, url: str) -> int:
    # Each request starts from an empty session, as in production: none of the test's objects
    # are known to it beforehand.
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _url(template: str, register: Register) -> str:
    return template.format(member=register.member_id, product=register.product_slug, year=YEAR)


def _assert_same_count(client, count_queries, register: Register, template: str) -> None:
    url = _url(template, register)
    _statements(client, count_queries, url)  # the first request of a client fills its caches
    few = _statements(client, count_queries, url)
    register.grow(4)
    assert _statements(client, count_queries, url) == few, url


@pytest.mark.parametrize("template", SECRETARIAT_PAGES)
def test_secretariat_pages_ask_as_often_for_a_large_register(
    secretariat_client, count_queries, register, template
):
    _assert_same_count(secretariat_client, count_queries, register, template)


@pytest.mark.parametrize("template", CONTACT_PAGES)
def test_a_contacts_pages_ask_as_often_for_a_large_register(
    contact_client, count_queries, register, template
):
    _assert_same_count(contact_client, count_queries, register, template)


@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_public_pages_ask_as_often_for_a_large_register(client, count_queries, register, template):
    _assert_same_count(client, count_queries, register, template)
