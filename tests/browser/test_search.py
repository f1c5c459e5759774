"""The search box in the header, in Chromium: typed into at 1280 and at 320 px, it leads to the
results and from there to the record."""

from __future__ import annotations

import os

import pytest

from consortium.extensions import db
from consortium.members import services as members
from tests.browser.test_in_chromium import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


@pytest.fixture(scope="module")
def aero(live_app):
    with live_app.app_context():
        organisation = members.create_organisation(
            name="Ærø Kommune",
            kind="municipality",
            country="DK",
            registration_number="44920018",
            municipality_code="492",
        )
        members.save_billing_identity(organisation, None, name="Økonomi", gln="5798000000049")
        db.session.commit()
        return organisation.id


def _context(browser, width):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    return context


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_typing_in_the_header_box_finds_the_organisation_and_opens_it(
    browser, live_server, aero, width
):
    context = _context(browser, width)
    page = context.new_page()
    sign_in(page, live_server, "secretariat@example.org")
    page.wait_for_url(f"{live_server}/")
    header = page.locator("header")
    box = header.get_by_role("searchbox", name="Search organisations, people, invoices and more")
    assert box.is_visible()
    # The box fits beside the brand at 1280 px and on its own line on a phone, never wider
    # than the window.
    bounds = box.bounding_box()
    assert bounds is not None and bounds["x"] + bounds["width"] <= width
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    _shot(page, f"search-header-{width}")

    box.fill("ærø")
    box.press("Enter")
    page.wait_for_url(f"{live_server}/search?q=%C3%A6r%C3%B8")
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    results = page.get_by_role("region", name="Organisations (1)")
    assert results.get_by_text("Registration number 44920018").is_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    _shot(page, f"search-results-{width}")

    results.get_by_role("link", name="Ærø Kommune").click()
    page.wait_for_url(f"{live_server}/organisations/{aero}")
    assert page.get_by_role("heading", level=1).inner_text() == "Ærø Kommune"
    context.close()


def test_an_ean_typed_with_the_button_finds_its_organisation_first(browser, live_server, aero):
    context = _context(browser, 1280)
    page = context.new_page()
    sign_in(page, live_server, "secretariat@example.org")
    page.wait_for_url(f"{live_server}/")
    header = page.locator("header")
    header.get_by_role("searchbox").fill("5798000000049")
    header.get_by_role("button", name="Search").click()
    page.wait_for_url(f"{live_server}/search?q=5798000000049")
    first = page.locator("section.search-kind li").first
    assert "Ærø Kommune" in first.inner_text()
    assert "exact match" in first.inner_text()
    context.close()
