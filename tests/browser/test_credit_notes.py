"""A credit note in a real browser: the secretariat credits part of an issued invoice from its
page, checks the draft, issues it, and sees the invoice's balance lowered."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from tests.browser.test_in_chromium import sign_in
from tests.invoicing.factories import buyer, gln
from tests.invoicing.test_pages import issued

pytestmark = pytest.mark.browser

# A year no other browser test issues invoices in (the live database's numbers are shared).
YEAR = 2019


def test_the_secretariat_credits_part_of_an_invoice(page, live_app, live_server):
    with live_app.app_context():
        vejle = buyer("Vejle Kommune", gln=gln(19))
        invoice = issued(vejle, "30000.00", "2000.00", on=date(YEAR, 3, 1))
        number = invoice.number
        db.session.commit()

    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/invoices/?q={number}")
    page.get_by_role("link", name=number, exact=True).click()
    assert page.inner_text("#invoice-balance") == "DKK\xa032,000.00"
    page.get_by_role("link", name="Credit this invoice, whole or in part").click()

    assert page.inner_text("h1") == f"Credit invoice {number}"
    page.get_by_label("Amount to credit of line 1").fill("7500.25")
    page.get_by_role("button", name="Make the credit note").click()
    assert "The draft credit note has been made." in page.inner_text("main")
    assert "DKK\xa07,500.25" in page.inner_text("#invoice-lines")

    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Issue and send the credit note", exact=True).click()
    page.get_by_role("button", name="Issue and send the credit note", exact=True).click()
    heading = page.inner_text("h1")
    assert heading.startswith("Credit note CN-")
    page.get_by_role("link", name=number).first.click()
    assert page.inner_text("#credited-total") == "DKK\xa07,500.25"
    assert page.inner_text("#invoice-balance") == "DKK\xa024,499.75"
