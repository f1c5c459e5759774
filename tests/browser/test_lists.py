"""The organisation list in a real browser: sort by a column header, select rows, change their
membership status at once."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from consortium.members import services
from consortium.members.models import Organisation
from tests.browser.test_in_chromium import sign_in

pytestmark = pytest.mark.browser


def _names(page) -> list[str]:
    return page.locator("table.organisations tbody tr td:nth-child(2)").all_inner_texts()


def test_sort_select_and_change_the_status_of_several(page, live_app, live_server):
    with live_app.app_context():
        ids = {}
        for name, population, status in (
            ("Listby Nord", 5_000, "active"),
            ("Listby Syd", 90_000, "active"),
            ("Listby Vest", 20_000, "applied"),
        ):
            organisation = services.create_organisation(
                name=name, kind="municipality", country="DK"
            )
            services.set_population(organisation, 2025, population, "test")
            services.change_membership(organisation, status, date(2024, 1, 1))
            db.session.flush()
            ids[name] = organisation.id
        db.session.commit()
    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/organisations/")
    page.get_by_role("textbox", name="Search").fill("Listby")
    page.get_by_label("Population (latest year)").check()
    page.get_by_role("button", name="Show", exact=True).first.click()
    assert _names(page) == ["Listby Nord", "Listby Syd", "Listby Vest"]

    # A click on a header sorts by it, the largest population first; a second click reverses.
    page.get_by_role("link", name="Population (latest year)").click()
    assert _names(page) == ["Listby Syd", "Listby Vest", "Listby Nord"]
    header = page.locator("th", has_text="Population (latest year)")
    assert header.get_attribute("aria-sort") == "descending"
    page.get_by_role("link", name="Population (latest year)").click()
    assert _names(page) == ["Listby Nord", "Listby Vest", "Listby Syd"]
    assert "q=Listby" in page.url and "col=population" in page.url

    # Select every row shown with the header's checkbox, then leave one out.
    page.get_by_label("Select all shown").check()
    page.get_by_label("Select Listby Vest").uncheck()
    page.get_by_role("button", name="Change membership status").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change membership status"
    assert "The 2 selected organisations" in page.inner_text("main")
    page.get_by_label("New status").select_option("lapsed")
    page.get_by_label("From").fill("2026-06-30")
    page.get_by_role("button", name="Change membership status").click()
    assert "The membership of 2 organisations is now: Lapsed." in page.inner_text("main")
    with live_app.app_context():
        statuses = {
            name: services.membership_status(db.session.get(Organisation, number)).status
            for name, number in ids.items()
        }
    assert statuses == {"Listby Nord": "lapsed", "Listby Syd": "lapsed", "Listby Vest": "applied"}
