"""Money received in a real browser: the secretariat records a payment on an invoice's page and
the municipality's contact then sees the balance on their invoices."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from tests.browser.test_in_chromium import sign_in
from tests.invoicing.factories import buyer, gln
from tests.invoicing.test_pages import contact_of, issued

pytestmark = pytest.mark.browser

# A year no other browser test uses (the live database and its numbers are shared), and one
# in the past: a payment cannot be dated in the future.
YEAR = 2017


def test_the_secretariat_records_a_payment_and_the_contact_sees_the_balance(
    page, live_app, live_server
):
    with live_app.app_context():
        silkeborg = buyer("Silkeborg Kommune", gln=gln(17))
        invoice = issued(silkeborg, "12000.00", on=date(YEAR, 2, 1))
        invoice_id, number = invoice.id, invoice.number
        db.session.commit()
        contact_of(silkeborg, "finance@silkeborg-payments.example.dk")

    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/invoices/overdue")
    row = page.locator("#overdue-invoices").get_by_role("row", name=number)
    assert "Silkeborg Kommune" in row.inner_text() and "DKK\xa012,000.00" in row.inner_text()
    row.get_by_role("link", name=number, exact=True).click()

    assert page.inner_text("#invoice-status") == "Overdue"
    page.get_by_label("Payment date").fill(f"{YEAR}-02-20")
    page.get_by_label("Amount received").fill("4,500.50")
    page.get_by_label("Reference").fill(f"Faktura {number} Silkeborg")
    page.get_by_role("button", name="Record the payment").click()
    assert f"A payment of DKK\xa04,500.50 has been recorded; the balance of {number} is" in (
        page.inner_text("main")
    )
    assert page.inner_text("#invoice-balance") == "DKK\xa07,499.50"
    assert "Faktura" in page.locator("#invoice-payments").inner_text()
    # Too much: refused, naming the balance.
    page.get_by_label("Amount received").fill("8000")
    page.get_by_role("button", name="Record the payment").click()
    assert f"The balance of {number} is DKK" in page.inner_text("main")
    assert page.inner_text("#invoice-balance") == "DKK\xa07,499.50"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "finance@silkeborg-payments.example.dk")
    page.goto(f"{live_server}/invoices/mine")
    row = page.locator("#my-invoices").get_by_role("row", name=number)
    assert "DKK\xa012,000.00" in row.inner_text()
    assert "DKK\xa07,499.50" in row.inner_text()
    assert "Overdue" in row.inner_text()
    row.get_by_role("link", name=number, exact=True).click()
    assert page.inner_text("#invoice-balance") == "DKK\xa07,499.50"
    assert page.get_by_role("button", name="Record the payment").count() == 0
    assert page.url.endswith(f"/invoices/{invoice_id}")
