"""The year-end settlement in a real browser: the secretariat settles a product's invoiced
year, sees each participant's part, and issues the credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.extensions import db
from tests.browser.test_in_chromium import from_menu, sign_in
from tests.invoicing.factories import buyer, gln

pytestmark = pytest.mark.browser

SETTLE_YEAR = 2047  # no other browser test invoices or settles this year


@pytest.fixture
def invoiced_year(live_app):
    """Two towns sharing a product's budget of DKK 90,000.00 by 2 : 1, invoiced (frozen)."""
    from consortium.fees import services as fees
    from consortium.invoicing import runs
    from consortium.members import services as members
    from consortium.participation import services as participation
    from consortium.products.models import Product
    from tests.invoicing.factories import complete_seller

    with live_app.app_context():
        complete_seller()
        product = Product(
            slug="browser-settled-product", name="Browser Settled Product", status="product"
        )
        db.session.add(product)
        for index, (name, population) in enumerate(
            (("Settle Town North", 50_000), ("Settle Town South", 25_000)), start=71
        ):
            town = buyer(name, gln=gln(index))
            members.change_membership(town, "active", date(2020, 1, 1))
            members.set_population(town, SETTLE_YEAR - 1, population, "test")
            participation.create_participation(
                town, product, phase="agreement", starts_on=date(2021, 1, 1)
            )
        fees.save_tariff(
            product,
            SETTLE_YEAR,
            pricing={"type": "budget_split", "method": "population"},
            part_year_method="half_year_after_1_july",
            part_year_refunds=False,
        )
        budget = fees.save_budget(
            product,
            SETTLE_YEAR,
            [{"purpose": "development", "amount": Decimal("90000.00"), "note": ""}],
        )
        fees.approve_budget(budget, None)
        runs.issue_run(runs.start_run(SETTLE_YEAR, None), None, on=date.today())
        db.session.commit()


def test_the_secretariat_settles_a_products_year(page, live_app, live_server, invoiced_year):
    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Money", "Invoices")
    page.get_by_role("link", name="Year-end settlements").click()
    assert page.inner_text("h1") == "Year-end settlements"
    page.get_by_label("Product", exact=True).select_option(label="Browser Settled Product")
    page.get_by_label("Year", exact=True).fill(str(SETTLE_YEAR))
    page.get_by_label("Actual cost", exact=True).fill("84,000.00")
    page.get_by_role("button", name="Draft the settlement").click()

    assert page.inner_text("h1") == f"Settlement of Browser Settled Product {SETTLE_YEAR}"
    assert "is a draft" in page.inner_text("main")
    assert page.inner_text("#difference") == "-DKK\xa06,000.00"
    shares = page.locator("#settlement-shares")
    north = shares.get_by_role("row", name="Settle Town North").inner_text()
    assert (
        "66.6667 %" in north and "-DKK\xa04,000.00" in north and "A credit note of invoice" in north
    )
    south = shares.get_by_role("row", name="Settle Town South").inner_text()
    assert "33.3333 %" in south and "-DKK\xa02,000.00" in south
    assert page.inner_text("#shares-total") == "-DKK\xa06,000.00"

    # A second look at the accounts: the product cost a little more.
    page.get_by_label("Actual cost", exact=True).fill("87000")
    page.get_by_role("button", name="Split again").click()
    assert page.inner_text("#difference") == "-DKK\xa03,000.00"

    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Issue the settlement", exact=True).click()
    page.get_by_role("button", name="Issue the settlement", exact=True).click()
    assert "The settlement is issued: 2 invoices and credit notes" in page.inner_text("main")
    row = page.locator("#settlement-shares").get_by_role("row", name="Settle Town South")
    assert "-DKK\xa01,000.00" in row.inner_text()
    row.get_by_role("link", name="Credit note").click()
    assert page.inner_text("h1").startswith("Credit note CN-")
    assert page.inner_text("#gross-total") == "DKK\xa01,000.00"
    assert "your share 33.3333 %" in page.inner_text("main")
