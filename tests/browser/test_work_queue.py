"""The secretariat's work queue in Chromium, on a phone: each entry with its count leads to the
page where the work is done, and the menu names the same count."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from consortium.extensions import db
from consortium.suppliers.models import Supplier
from tests.browser.test_in_chromium import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting_supplier(live_app):
    with live_app.app_context():
        supplier = Supplier(
            name="Queue Kode ApS",
            country="DK",
            registration_number="55133107",
            contact_name="Kim",
            contact_email="kim@queue.example.dk",
        )
        db.session.add(supplier)
        db.session.commit()
    yield
    with live_app.app_context():
        db.session.execute(delete(Supplier).where(Supplier.name == "Queue Kode ApS"))
        db.session.commit()


def test_a_phone_shows_the_queue_and_its_links_lead_to_the_work(
    browser, live_app, live_server, waiting_supplier
):
    context = browser.new_context(locale="en-GB", viewport={"width": 320, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, "secretariat@example.org")
    page.wait_for_url(f"{live_server}/")
    queue = page.locator("#work-queue")
    entry = queue.locator("li", has_text="Supplier registrations to vet")
    with live_app.app_context():  # other tests of this browser may have left some waiting
        pending = db.session.scalar(
            select(func.count()).select_from(Supplier).where(Supplier.status == "pending")
        )
    assert entry.locator(".queue-count").inner_text() == str(pending)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    # The menu says the same, in words a screen reader reads.
    page.get_by_text("Menu", exact=True).click()
    register = page.get_by_role("navigation", name="Main").locator("summary", has_text="Register")
    badge = register.locator(".menu-count").inner_text()
    assert int(badge) >= pending  # the registrations and whatever else waits in the register
    assert register.locator(".visually-hidden").text_content() == f", {badge} waiting"

    entry.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/suppliers/?status=pending")
    assert "Queue Kode ApS" in page.locator("main").inner_text()
    context.close()
