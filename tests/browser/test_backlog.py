"""A backlog and a prioritisation round in a real browser: a municipality's contact submits a
wish; the coordination group's chair accepts it and opens a points round; two municipalities
vote (one over its points first, and is told which item); the chair closes the round; the
ordered result shows with its decision code, and exports as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from consortium.backlog import services as backlog
from consortium.backlog.models import BacklogItem
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.browser.test_in_chromium import sign_in
from tests.groups.factories import contact

pytestmark = pytest.mark.browser


def _context(browser):
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15_000)
    return context


def _world(live_app) -> int:
    """Round Forms with its coordination group: the chair from Roundby, a voter from Roundby
    and one from Pollham (both taking part with an agreement), two items already accepted."""
    with live_app.app_context():
        product = Product(slug="round-forms", name="Round Forms", status="product")
        db.session.add(product)
        db.session.flush()
        group = groups.create_group("coordination_group", "Round Forms group", product)
        group.code = "ROUNDFORMS-CG"
        roundby = members.create_organisation(
            name="Roundby Kommune", kind="municipality", country="DK"
        )
        pollham = members.create_organisation(
            name="Pollham Kommune", kind="municipality", country="DK"
        )
        for organisation in (roundby, pollham):
            participation.create_participation(
                organisation, product, phase="agreement", starts_on=date(2020, 1, 1)
            )
        db.session.commit()
        people = {
            "chair": contact(roundby, "chair@roundby.example.dk", "Rita Chair"),
            "roundby": contact(roundby, "voter@roundby.example.dk", "Rolf Roundby"),
            "pollham": contact(pollham, "voter@pollham.example.dk", "Paula Pollham"),
        }
        groups.add_member(
            group, people["chair"], organisation=roundby, role="chair", starts_on=date(2024, 1, 1)
        )
        for key, organisation in (("roundby", roundby), ("pollham", pollham)):
            groups.add_member(
                group, people[key], organisation=organisation, starts_on=date(2024, 1, 1)
            )
        for title in ("Export to PDF", "Dark mode"):
            item = backlog.submit_item(
                product, by=people["roundby"], organisation=roundby, title=title
            )
            backlog.accept_item(item)
        db.session.commit()
        return product.id


def _ballot(page, points: dict[str, str]) -> None:
    ballot = page.locator("#ballot")
    for title, value in points.items():
        ballot.get_by_label(title).fill(value)
    ballot.get_by_role("button", name="Save the ballot").click()


def test_a_wish_goes_through_a_points_round_to_an_ordered_result(browser, live_app, live_server):
    product_id = _world(live_app)
    today = date.today()

    # A contact of Pollham submits a wish.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "voter@pollham.example.dk")
    page.goto(f"{live_server}/backlog/products/{product_id}")
    page.get_by_role("link", name="Submit a wish").click()
    page.get_by_label("Title").fill("Sign in with MitID")
    page.get_by_label("Description").fill("Citizens sign in with **MitID**.")
    page.locator("main form button[type=submit]").last.click()
    assert "Sign in with MitID" in page.get_by_role("heading", level=1).inner_text()
    wish_url = page.url
    context.close()

    # The chair accepts it and opens a points round of the three accepted items.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "chair@roundby.example.dk")
    page.goto(wish_url)
    page.get_by_role("button", name="Accept").click()
    page.goto(f"{live_server}/backlog/products/{product_id}/rounds/new")
    page.get_by_label("Title").fill("Spring round")
    for title in ("Export to PDF", "Dark mode", "Sign in with MitID"):
        page.get_by_label(title).check()
    page.get_by_label("Method").select_option("points")
    page.get_by_label("Points per organisation").fill("10")
    page.get_by_label("Most points on one item").fill("6")
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Opens at").fill("00:00")
    page.get_by_label("Closes on").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Closes at").fill("12:00")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_role("link", name="Open", exact=True).click()
    page.get_by_role("button", name="Open", exact=True).click()
    assert "Open" in page.locator("#round-status").inner_text()
    round_url = page.url
    context.close()

    # Roundby votes; Pollham first gives too many points to one item and is told which.
    for email, points in (
        ("voter@roundby.example.dk", {"Export to PDF": "6", "Dark mode": "4"}),
        ("voter@pollham.example.dk", {"Sign in with MitID": "7", "Export to PDF": "3"}),
    ):
        context = _context(browser)
        page = context.new_page()
        sign_in(page, live_server, email)
        page.goto(round_url)
        _ballot(page, points)
        if email.endswith("pollham.example.dk"):
            refusal = page.locator("main").inner_text()
            assert "Sign in with MitID" in refusal and "6" in refusal
            _ballot(page, {"Sign in with MitID": "6", "Export to PDF": "4"})
        voter = "Rolf Roundby" if email.startswith("voter@roundby") else "Paula Pollham"
        assert f"Cast last by {voter}" in page.locator("#ballot-cast").inner_text()
        context.close()

    # The chair closes the round: the ordered result with its decision code, and exports.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "chair@roundby.example.dk")
    page.goto(round_url)
    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Close now", exact=True).click()
    page.get_by_role("button", name="Close now", exact=True).click()
    main = page.locator("main").inner_text()
    with live_app.app_context():
        ids = {
            item.title: item.id
            for item in db.session.scalars(
                db.select(BacklogItem).where(BacklogItem.product_id == product_id)
            )
        }
    assert "ROUNDFORMS-CG-" in main
    rows = page.locator("#result-table tbody tr")
    assert [rows.nth(index).inner_text().split("\t")[1:3] for index in range(3)] == [
        [f"#{item} {title}", score]
        for item, title, score in (
            (ids["Export to PDF"], "Export to PDF", "10"),
            (ids["Sign in with MitID"], "Sign in with MitID", "6"),
            (ids["Dark mode"], "Dark mode", "4"),
        )
    ]

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert [row["rank"] for row in rows] == ["1", "2", "3"]
    assert [row["score"] for row in rows] == ["10", "6", "4"]
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").first.click()
    exported = json.loads(download.value.path().read_text("utf-8"))
    assert exported
    context.close()
