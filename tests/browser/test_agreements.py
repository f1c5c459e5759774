"""Agreements in a real browser: the secretariat publishes a new version of the participation
template and approves a join request, and the new document waits with that version; the
municipality's signing contact opens the participation agreement, downloads the sealed PDF and
accepts it, and the PDF's seal holds and matches the SHA-256 on record."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from consortium.agreements import services as agreements
from consortium.agreements.sealing import seal_settings, verify_seal
from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.browser.test_in_chromium import from_menu, sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

FIRST_TEXT = """## Parties

Between {association.name} and **{organisation.name}**.

{organisation.name} takes part in **{product.name}** from {start_date}.
"""

NEW_TEXT = """## Parties

Between {association.name} and **{organisation.name}**, version two.

{organisation.name} takes part in **{product.name}** from {start_date}, {term}.
Notice: {notice_period}.
"""


def _context(browser):
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15_000)
    return context


def _municipality(name: str, language: str):
    organisation = members.create_organisation(
        name=name, kind="municipality", country="DK", language=language
    )
    members.change_membership(organisation, "active", date(2015, 1, 1))
    return organisation


def _outside_the_browser_loop(work, *args, **kwargs):
    """Run sealing or checking a seal in a thread of its own: pyHanko runs its own event loop,
    which cannot start in the thread where Playwright's loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def _ensure_template(kind: str, language: str, title: str, body: str):
    """A published template of the kind and language (the live app is shared by the browser
    tests: one published before stays)."""
    template = agreements.find_template(kind, language)
    if template is None or template.latest is None:
        return agreements.publish_version(kind, language, title=title, body=body)
    return template.latest


def test_the_secretariat_publishes_a_new_version_and_approves_a_join(
    browser, live_app, live_server
):
    with live_app.app_context():
        first = _ensure_template("participation", "de", "Teilnahmevereinbarung", FIRST_TEXT)
        next_number = first.number + 1
        product = Product(slug="agreement-kitos", name="Agreement Kitos", status="product")
        db.session.add(product)
        asker = make_user("it@flensburg.example.de", name="Frida Flensburg")
        organisation = _municipality("Stadt Flensburg", "de")
        members.add_contact(organisation, asker.id, "primary")
        db.session.flush()
        participation.request_join(
            organisation,
            product,
            asker,
            phase="agreement",
            starts_on=date(2027, 1, 1),
            billing_identity=None,
            amount_per_year=None,
            message="Wir möchten mitmachen.",
        )
        db.session.commit()
        organisation_id = organisation.id

    context = _context(browser)
    desk = context.new_page()
    sign_in(desk, live_server, "secretariat@example.org")
    from_menu(desk, "Register", "Agreements")
    desk.get_by_role("link", name="Templates and their versions").click()
    form = desk.locator("#publish-form")
    editor = form.get_by_label("Text (Markdown with placeholders)")
    placeholders = desk.locator("#placeholder-list")
    # The placeholders stand beside the editor, readable while one writes.
    assert placeholders.is_visible()
    assert "{organisation.name}" in placeholders.inner_text()
    assert "{notice_period}" in placeholders.inner_text()
    beside, text_box = placeholders.bounding_box(), editor.bounding_box()
    assert beside["x"] >= text_box["x"] + text_box["width"]
    assert beside["y"] < text_box["y"] + text_box["height"]

    # An unknown placeholder is refused with its name, and nothing is published.
    form.get_by_label("Kind").fill("participation")
    form.get_by_label("Language").select_option("de")
    form.get_by_label("Title").fill("Teilnahmevereinbarung")
    editor.fill(NEW_TEXT + "\n{organisation.shoe_size}\n")
    form.get_by_label("What changed").fill("Term and notice added.")
    desk.get_by_role("button", name="Publish").click()
    assert "organisation.shoe_size" in desk.inner_text("#publish-form")
    assert f"participation-de-{next_number}" not in desk.inner_text("#agreement-templates")

    form.get_by_label("Text (Markdown with placeholders)").fill(NEW_TEXT)
    desk.get_by_role("button", name="Publish").click()
    label = f"participation-de-{next_number}"
    assert f"Version {label} is published." in desk.inner_text("main")
    assert "Term and notice added." in desk.inner_text("main")
    assert "Sam Secretariat" in desk.inner_text("main")

    from_menu(desk, "Products", "Participation")
    desk.get_by_role("link", name=re.compile(r"\d+ pending requests?")).click()
    desk.get_by_role("link", name="Agreement Kitos").click()
    assert "Wir möchten mitmachen." in desk.inner_text("main")
    # The button leads to a page that says what will happen; its button does it.
    desk.get_by_role("link", name="Approve", exact=True).click()
    desk.get_by_role("button", name="Approve", exact=True).click()
    assert "The request has been approved" in desk.inner_text("main")

    # The organisation's page shows the new agreement waiting, linked to the document.
    desk.goto(f"{live_server}/organisations/{organisation_id}")
    row = desk.locator("#participation + .table-wrap tr", has_text="Agreement Kitos")
    assert "Agreement waiting since" in row.inner_text()
    row.get_by_role("link", name=re.compile("Agreement waiting since")).click()
    facts = desk.inner_text("#document-facts")
    assert label in facts
    assert "Stadt Flensburg – Agreement Kitos" in facts
    assert "Made, not sent yet" in facts
    number = re.search(r"AGR-\d{4}-\d{5}", desk.inner_text("h1")).group(0)

    # It is on the list of documents waiting for acceptance.
    from_menu(desk, "Register", "Agreements")
    waiting = desk.locator("#waiting-documents tr", has_text=number)
    assert "Stadt Flensburg" in waiting.inner_text()
    context.close()


def test_the_signing_contact_accepts_the_participation_agreement_and_the_pdf_verifies(
    browser, live_app, live_server
):
    def prepare():
        with live_app.app_context():
            _ensure_template("participation", "da", "Tilslutningsaftale", FIRST_TEXT)
            product = Product(slug="agreement-forms", name="Agreement Forms", status="product")
            db.session.add(product)
            signer = make_user("direktion@struer.example.dk", name="Signe Struer", language="en")
            organisation = _municipality("Struer Kommune", "da")
            members.add_contact(organisation, signer.id, "primary", may_sign=True)
            db.session.flush()
            joined = participation.create_participation(
                organisation, product, phase="agreement", starts_on=date(2026, 1, 1)
            )
            document = agreements.make_document("participation", participation=joined)
            db.session.commit()
            _key, certificate, _passphrase = seal_settings(live_app)
            return document.id, document.number, certificate

    document_id, number, certificate = _outside_the_browser_loop(prepare)

    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "direktion@struer.example.dk")
    from_menu(page, "My organisation", "Our documents")
    page.get_by_role("link", name=number).click()
    assert page.url.endswith(f"/agreements/documents/{document_id}")
    assert "Not accepted yet." in page.inner_text("main")
    shown_before = page.inner_text("#document-facts code.hash").strip()

    # The contact downloads the sealed PDF as it is served to them.
    pdf_link = page.get_by_role("link", name="Open the sealed PDF")
    answer = context.request.get(live_server + pdf_link.get_attribute("href"))
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    pdf = answer.body()
    assert hashlib.sha256(pdf).hexdigest() == shown_before

    page.get_by_label("Your role or title").fill("Kommunaldirektør")
    page.get_by_role("button", name="Accept the agreement").click()
    assert f"You accepted agreement {number}." in page.inner_text("main")
    acceptance = page.inner_text("#acceptance")
    assert "Signe Struer, Kommunaldirektør" in acceptance
    assert "participation-da-" in acceptance
    assert re.search(r"\d{1,2}:\d{2}", acceptance), acceptance  # the time, not only the day
    shown = page.inner_text("#acceptance code.hash").strip()
    assert shown == shown_before == hashlib.sha256(pdf).hexdigest()
    assert page.locator("#accept-form").count() == 0
    assert "Accepted" in page.inner_text("#document-status")

    # The PDF's seal holds, by the association's certificate, and names the document.
    check = _outside_the_browser_loop(verify_seal, pdf, trusted_cert_path=certificate)
    assert check.holds, check.problem
    assert check.document_number == number
    assert check.version_label.startswith("participation-da-")
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    broken = _outside_the_browser_loop(verify_seal, bytes(changed), trusted_cert_path=certificate)
    assert not broken.holds

    # Their organisation's page now says the agreement is accepted.
    page.goto(f"{live_server}/participation/mine")
    row = page.locator("tr", has_text="Agreement Forms")
    assert "Agreement accepted on" in row.inner_text()
    context.close()
