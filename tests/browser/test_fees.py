"""Fees in a real browser: a member's contact asks what joining a product would cost."""

from __future__ import annotations

import pytest

from consortium.extensions import db
from tests.browser.test_in_chromium import sign_in
from tests.fees.test_member_pages import contact_of, fee_setup

pytestmark = pytest.mark.browser


def test_a_contact_sees_what_joining_would_cost_and_everyones_share(page, live_app, live_server):
    with live_app.app_context():
        # Years no other browser test uses: the live database is shared.
        setup = fee_setup(2031)
        slug = setup["product"].slug
        contact_of(setup["skive"], "it@skive-fees.example.dk")
        db.session.commit()

    sign_in(page, live_server, "it@skive-fees.example.dk")
    page.goto(f"{live_server}/products/{slug}")
    page.get_by_role("link", name="What would we pay?").click()
    assert "What would we pay for OS2forms?" in page.inner_text("h1")
    page.get_by_label("Fee year").fill("2031")
    page.get_by_label("Start date").fill("2031-07-02")
    page.get_by_role("button", name="Show what we would pay").click()

    assert "What Skive Kommune would pay in 2031" in page.inner_text("main")
    assert page.inner_text("#own-total") == "DKK\xa023,000.00"
    # Amounts line up on the right, under their column's heading (once the style sheet is in).
    page.wait_for_load_state()
    for cell in (page.locator("#own-total"), page.locator("#total-after")):
        assert cell.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    shares = page.locator("#shares")
    aarhus = shares.get_by_role("row", name="Aarhus Kommune")
    assert aarhus.inner_text().split("\t")[1:4] == [
        "DKK\xa045,000.00",
        "DKK\xa036,000.00",
        "-DKK\xa09,000.00",
    ]
    assert page.inner_text("#total-before") == page.inner_text("#total-after") == "DKK\xa090,000.00"
