"""Invoices in a real browser: a member's contact opens their invoice and downloads its PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from consortium.extensions import db
from tests.browser.test_in_chromium import sign_in
from tests.invoicing.factories import buyer, gln
from tests.invoicing.test_pages import contact_of, issued

pytestmark = pytest.mark.browser


def test_a_contact_opens_their_invoice_and_downloads_the_pdf(page, live_app, live_server):
    with live_app.app_context():
        # A year no other browser test uses: the live database and its numbers are shared.
        horsens = buyer("Horsens Kommune", gln=gln(41))
        invoice = issued(horsens, "12000.00", on=date(2041, 2, 1))
        number, stored = invoice.number, invoice.pdf
        db.session.commit()
        contact_of(horsens, "finance@horsens-invoices.example.dk")

    sign_in(page, live_server, "finance@horsens-invoices.example.dk")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    assert page.inner_text("h1") == "Our invoices"
    row = page.locator("#my-invoices").get_by_role("row", name=number)
    assert "DKK12,000.00" in row.inner_text() and "Issued" in row.inner_text()
    row.get_by_role("link", name=number, exact=True).click()

    assert page.inner_text("h1") == f"Invoice {number}"
    assert page.inner_text("#gross-total") == "DKK12,000.00"
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == f"{number}.pdf"
    assert Path(download.path()).read_bytes() == stored
