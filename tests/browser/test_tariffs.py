"""Fee settings in a real browser: a schedule, a tariff, a budget approved with its shares."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.browser.test_in_chromium import from_menu, sign_in

pytestmark = pytest.mark.browser

YEAR = 2033  # test_fees.py sets up 2031 in the same live database


@pytest.fixture
def shared_product(live_app):
    with live_app.app_context():
        product = Product(
            slug="browser-fees-product", name="Browser Fees Product", status="product"
        )
        db.session.add(product)
        for name, population in (("Fee Town A", 30_000), ("Fee Town B", 10_000)):
            town = members.create_organisation(name=name, kind="municipality", country="DK")
            members.change_membership(town, "active", date(2020, 1, 1))
            members.set_population(town, YEAR - 1, population, "test")
            participation.create_participation(
                town, product, phase="agreement", starts_on=date(2021, 1, 1)
            )
        db.session.commit()
        return product.slug


def test_schedule_tariff_and_an_approved_budget(page, live_server, shared_product):
    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Money", "Fees")
    page.get_by_role("link", name="Add a membership fee schedule").click()
    page.get_by_label("Year", exact=True).fill(str(YEAR))
    page.get_by_label("Rule", exact=True).select_option("flat")
    page.get_by_label("Flat amount a year", exact=True).fill("25000,00")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Membership fee {YEAR}"

    page.goto(f"{live_server}/fees/products/{shared_product}/{YEAR}")
    page.get_by_role("link", name="Set the tariff").click()
    page.get_by_label("Pricing", exact=True).select_option("budget_split")
    page.get_by_label("How the budget is split").select_option("population")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Set the budget").click()
    page.get_by_label("Purpose 1").select_option("coordination")
    page.get_by_label("Amount 1").fill("1000")
    page.get_by_label("Purpose 2").select_option("development")
    page.get_by_label("Amount 2").fill("2000,50")
    page.get_by_role("button", name="Save").click()
    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Approve the budget", exact=True).click()
    page.get_by_role("button", name="Approve the budget", exact=True).click()
    main = page.inner_text("main")
    assert "every participant's share recorded" in main
    assert "Recorded shares" in main and "Fee Town A" in main
    assert "2,250.38" in main and "750.12" in main  # 30,000 and 10,000 residents of 40,000


def test_the_schedule_form_shows_the_fields_of_the_chosen_rule(page, live_server):
    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/fees/schedules/new")
    rule = page.get_by_label("Rule", exact=True)
    flat = page.get_by_label("Flat amount a year", exact=True)
    brackets = page.get_by_label("Rates per resident by population bracket")
    rule.select_option("flat")
    assert flat.is_visible() and not brackets.is_visible()
    rule.select_option("per_resident")
    assert brackets.is_visible() and not flat.is_visible()
    assert page.get_by_label(
        "Marginal: each bracket's residents at that bracket's rate"
    ).is_visible()
    # A kind's own amount shows only when the kind has a flat amount of its own.
    region_amount = page.get_by_label("Region: flat amount a year")
    page.get_by_label("Region: rule").select_option("general")
    assert not region_amount.is_visible()
    page.get_by_label("Region: rule").select_option("flat")
    assert region_amount.is_visible()
