"""An organisation's contacts in a real browser: the secretariat replaces the primary contact
through the page that names who stops being primary, and adds a person found by search, with
the live search and without JavaScript."""

from __future__ import annotations

import os

import pytest

from consortium.extensions import db
from consortium.members import services
from tests.browser.test_in_chromium import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# Where screenshots go when asked for (CONSORTIUM_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("CONSORTIUM_SCREENSHOTS")


def _shoot(page, name: str) -> None:
    if SCREENSHOTS:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def norddjurs(live_app, request):
    """Norddjurs with Astrid as primary contact and Bjarke as technical contact; Karin Kirk
    has an account and is nobody's contact. Each test has its own people (one database)."""
    tag = "js" if "without_javascript" not in request.node.name else "plain"
    with live_app.app_context():
        organisation = services.create_organisation(
            name="Norddjurs Kommune", kind="municipality", country="DK"
        )
        astrid = make_user(f"astrid.{tag}@norddjurs.example.dk", name="Astrid Primær")
        bjarke = make_user(f"bjarke.{tag}@norddjurs.example.dk", name="Bjarke Teknik")
        make_user(f"karin.kirk.{tag}@example.dk", name="Karin Kirk")
        services.add_contact(organisation, astrid.id, "primary")
        services.add_contact(organisation, bjarke.id, "technical")
        organisation_id = organisation.id
        db.session.commit()
    return organisation_id


def _contact_rows(page) -> dict[str, str]:
    rows = page.locator("#contacts + .table-wrap tbody tr")
    found = {}
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        found[cells.nth(0).inner_text()] = cells.nth(2).inner_text()
    return found


def test_replace_the_primary_contact_then_add_a_person_found_by_search(
    page, live_server, norddjurs
):
    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/organisations/{norddjurs}")
    page.get_by_role("link", name="Make Bjarke Teknik primary").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change the primary contact"
    body = page.locator("main").inner_text()
    assert "Bjarke Teknik becomes the primary contact of Norddjurs Kommune." in body
    assert "Astrid Primær stops being the primary contact." in body
    _shoot(page, "make-primary")
    page.get_by_label("Role of Astrid Primær from now on").select_option("finance")
    page.get_by_role("button", name="Make Bjarke Teknik the primary contact").click()
    assert (
        "Bjarke Teknik is now the primary contact of Norddjurs Kommune."
        in page.locator(".messages").inner_text()
    )
    assert _contact_rows(page) == {
        "Astrid Primær": "Finance",
        "Bjarke Teknik": "Primary contact",
    }

    page.get_by_role("link", name="Add a contact").click()
    page.wait_for_load_state()  # the page's own script is running, as when a person types
    page.get_by_label("Name or email").fill("kirk.js")
    # The live search lists her without a press of the Search button.
    page.get_by_role("link", name="Choose Karin Kirk").click()
    assert page.get_by_role("heading", name="Add Karin Kirk").is_visible()
    assert page.get_by_label("Email", exact=True).input_value() == "karin.kirk.js@example.dk"
    _shoot(page, "add-contact")
    page.get_by_label("Role").select_option("technical")
    page.get_by_role("button", name="Add the contact").click()
    assert (
        "Karin Kirk is now a contact of Norddjurs Kommune."
        in page.locator(".messages").inner_text()
    )
    assert _contact_rows(page)["Karin Kirk"] == "Technical"
    _shoot(page, "contacts")


def test_the_search_works_without_javascript(browser, live_server, norddjurs):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, "secretariat@example.org")
        page.goto(f"{live_server}/organisations/{norddjurs}/contacts/new")
        page.get_by_label("Name or email").fill("karin.kirk.plain")
        page.locator("main").get_by_role("button", name="Search").click()
        page.get_by_role("link", name="Choose Karin Kirk").click()
        assert page.get_by_label("Email", exact=True).input_value() == "karin.kirk.plain@example.dk"
        page.get_by_label("Role").select_option("other")
        page.get_by_role("button", name="Add the contact").click()
        assert _contact_rows(page)["Karin Kirk"] == "Other"
    finally:
        context.close()
