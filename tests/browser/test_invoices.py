"""Invoices in a real browser: the secretariat runs, reviews and issues a year; a member's
contact opens their invoice and downloads its PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from consortium.extensions import db
from consortium.jobs.services import run_queued
from tests.browser.test_in_chromium import from_menu, sign_in
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
    from_menu(page, "My organisation", "Our invoices")
    assert page.inner_text("h1") == "Our invoices"
    row = page.locator("#my-invoices").get_by_role("row", name=number)
    assert "DKK\xa012,000.00" in row.inner_text() and "Issued" in row.inner_text()
    row.get_by_role("link", name=number, exact=True).click()

    assert page.inner_text("h1") == f"Invoice {number}"
    assert page.inner_text("#gross-total") == "DKK\xa012,000.00"
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == f"{number}.pdf"
    assert Path(download.path()).read_bytes() == stored


RUN_YEAR = 2045  # no other browser test invoices this year


@pytest.fixture
def year_to_invoice(live_app):
    """Two municipalities sharing a product's approved budget of RUN_YEAR, each with an EAN."""
    from consortium.fees import services as fees
    from consortium.members import services as members
    from consortium.participation import services as participation
    from consortium.products.models import Product
    from tests.invoicing.factories import complete_seller

    with live_app.app_context():
        complete_seller()
        product = Product(slug="browser-run-product", name="Browser Run Product", status="product")
        db.session.add(product)
        for index, (name, population) in enumerate(
            (("Run Town East", 60_000), ("Run Town West", 40_000)), start=51
        ):
            town = buyer(name, gln=gln(index))
            members.change_membership(town, "active", date(2020, 1, 1))
            members.set_population(town, RUN_YEAR - 1, population, "test")
            participation.create_participation(
                town, product, phase="agreement", starts_on=date(2021, 1, 1)
            )
        fees.save_tariff(
            product,
            RUN_YEAR,
            pricing={"type": "budget_split", "method": "population"},
            part_year_method="half_year_after_1_july",
            part_year_refunds=False,
        )
        budget = fees.save_budget(
            product,
            RUN_YEAR,
            [{"purpose": "development", "amount": Decimal("100000.00"), "note": ""}],
        )
        fees.approve_budget(budget, None)
        db.session.commit()


def test_the_secretariat_runs_reviews_and_issues_a_year(
    page, live_app, live_server, year_to_invoice
):
    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Money", "Invoices")
    page.get_by_role("link", name="Invoicing runs").click()
    page.get_by_label("Year", exact=True).fill(str(RUN_YEAR))
    page.get_by_role("button", name="Make the drafts").click()

    assert page.inner_text("h1") == f"Invoicing run {RUN_YEAR}"
    assert f"2 draft invoices made for {RUN_YEAR}" in page.inner_text("main")
    drafts = page.locator("#run-invoices")
    assert "DKK\xa060,000.00" in drafts.get_by_role("row", name="Run Town East").inner_text()
    assert "DKK\xa040,000.00" in drafts.get_by_role("row", name="Run Town West").inner_text()
    assert page.inner_text("#run-net") == "DKK\xa0100,000.00"

    # A workshop agreed with East is added by hand; the review shows it against the preview.
    drafts.get_by_role("link", name="Run Town East").click()
    page.get_by_label("What the line is for").fill("Workshop in Aarhus")
    page.get_by_label("Kind of line").select_option("free")
    page.get_by_label("Net amount").fill("2500")
    page.get_by_role("button", name="Add the line").click()
    assert "The line has been added." in page.inner_text("main")
    assert "Workshop in Aarhus" in page.inner_text("#invoice-lines")
    page.get_by_role("link", name="Review the run").click()
    differences = page.locator("#preview-differences")
    assert "DKK\xa02,500.00" in differences.get_by_role("row", name="Run Town East").inner_text()

    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Issue 2 invoices", exact=True).click()
    page.get_by_role("button", name="Issue 2 invoices", exact=True).click()
    assert "The run is being issued" in page.inner_text("main")
    assert page.locator("#run-progress").is_visible()
    with live_app.app_context():
        assert run_queued() == 1  # the worker, here in the test's process
    # The page's own script notices the work is done and shows the outcome.
    page.wait_for_selector("#run-job-outcome", timeout=15_000)
    assert "2 invoices issued" in page.inner_text("#run-job-outcome")
    assert page.inner_text("#run-status") == "Issued"
    for name in ("Run Town East", "Run Town West"):
        row = page.locator("#run-invoices").get_by_role("row", name=name)
        assert "Sent" in row.inner_text()
    page.locator("#run-invoices").get_by_role("link", name="Run Town East").click()
    assert page.inner_text("#gross-total") == "DKK\xa062,500.00"
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the e-invoice (XML)").click()
    assert (
        b'<cbc:PayableAmount currencyID="DKK">62500.00</cbc:PayableAmount>'
        in Path(info.value.path()).read_bytes()
    )
