"""Participation in a real browser: a member's contact asks to join, the secretariat approves."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products.models import Product
from tests.browser.test_in_chromium import from_menu, sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_a_contact_asks_to_join_and_the_secretariat_approves(browser, live_app, live_server):
    with live_app.app_context():
        db.session.add(
            Product(slug="browser-forms", name="Browser Forms", status="product", level="N1")
        )
        person = make_user("it@skive.example.dk", name="Sara Skive")
        organisation = members.create_organisation(
            name="Skive Kommune", kind="municipality", country="DK"
        )
        members.change_membership(organisation, "active", date(2020, 1, 1))
        members.save_billing_identity(organisation, None, name="Skive økonomi", is_default=True)
        members.add_contact(organisation, person.id, "primary")
        db.session.commit()
        organisation_id = organisation.id

    contact = browser.new_context(locale="en-GB")
    contact.set_default_timeout(10_000)
    page = contact.new_page()
    sign_in(page, live_server, "it@skive.example.dk")
    page.goto(f"{live_server}/participation/mine")
    page.get_by_role("link", name="Ask to join a product").click()
    page.get_by_label("Product").select_option(label="Browser Forms")
    page.get_by_label("Phase").select_option("commitment")
    page.get_by_label("Start date").fill("2019-01-01")
    page.get_by_role("button", name="Send the request").click()
    # A commitment needs its amount, and the start cannot precede the membership.
    assert page.locator("#amount_per_year-error").is_visible()
    page.get_by_label("Amount pledged per year").fill("15000")
    page.get_by_role("button", name="Send the request").click()
    assert "before the organisation's membership started" in page.inner_text("#starts_on-error")
    page.get_by_label("Start date").fill("2027-01-01")
    page.get_by_label("Message to the secretariat").fill("We would like to take part.")
    page.get_by_role("button", name="Send the request").click()
    assert "has been sent to the secretariat" in page.inner_text("main")
    assert "Pending" in page.inner_text("main")

    secretariat = browser.new_context(locale="en-GB")
    secretariat.set_default_timeout(10_000)
    desk = secretariat.new_page()
    sign_in(desk, live_server, "secretariat@example.org")
    from_menu(desk, "Products", "Participation")
    desk.get_by_role("link", name=re.compile(r"^\d+ pending requests?$")).click()
    desk.get_by_role("link", name="Browser Forms").click()
    assert "We would like to take part." in desk.inner_text("main")
    # The button leads to a page that says what will happen; its button does it.
    desk.get_by_role("link", name="Approve", exact=True).click()
    desk.get_by_role("button", name="Approve", exact=True).click()
    assert "The request has been approved" in desk.inner_text("main")
    desk.goto(f"{live_server}/organisations/{organisation_id}")
    assert "Browser Forms" in desk.inner_text("#participation + .table-wrap")

    page.reload()
    assert "Approved" in page.inner_text("main")
    assert "Give notice to leave Browser Forms" in page.inner_text("main")
    with live_app.app_context():
        participation = db.session.scalar(
            select(Participation).where(Participation.organisation_id == organisation_id)
        )
        assert (participation.phase, participation.starts_on) == ("commitment", date(2027, 1, 1))
        assert participation.amount_per_year == 15000
    contact.close()
    secretariat.close()
