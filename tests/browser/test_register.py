"""The member register in a real browser: a Danish CVR error, a CSV import, a contact's edit."""

from __future__ import annotations

import pytest

from consortium.extensions import db
from consortium.members import services
from consortium.members.models import Organisation
from tests.browser.test_in_chromium import from_menu, sign_in
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def danish_page(browser):
    context = browser.new_context(locale="da-DK")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_wrong_cvr_is_explained_in_danish_by_its_field(danish_page, live_server):
    page = danish_page
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail").fill("secretariat@example.org")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    from_menu(page, "Register", "Organisationer")
    page.get_by_role("link", name="Tilføj en organisation").click()
    page.get_by_label("Navn").fill("Skanderborg Kommune")
    page.get_by_label("Type").select_option("municipality")
    page.get_by_label("Land").select_option("DK")
    page.get_by_label("Registreringsnummer (CVR)").fill("29 18 97 58")
    page.get_by_role("button", name="Gem").click()
    error = page.locator("#registration_number-error")
    assert error.inner_text() == "Nummeret er ugyldigt: Kontrolcifferet passer ikke."
    assert page.get_by_label("Registreringsnummer (CVR)").get_attribute("aria-invalid") == "true"
    # What was typed is kept; correcting the number saves the organisation.
    assert page.get_by_label("Navn").input_value() == "Skanderborg Kommune"
    page.get_by_label("Registreringsnummer (CVR)").fill("29 18 97 57")
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Skanderborg Kommune"


def test_upload_a_csv_see_the_preview_and_import_it(page, live_server, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_bytes(
        "name;kind;country;municipality_code;population;population_year\n"
        "Gribskov Kommune;municipality;DK;270;41500;2025\n"
        "Læsø Kommune;municipality;DK;825;1700;2025\n".encode("cp1252")
    )
    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/organisations/")
    page.get_by_role("link", name="Import from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Show the preview").click()
    preview = page.locator("table.preview").inner_text()
    assert "Gribskov Kommune" in preview and "Læsø Kommune" in preview
    assert "would create 2" in page.inner_text("main")
    page.get_by_role("button", name="Import kommuner.csv").click()
    assert "kommuner.csv has been imported: 2 created" in page.inner_text("main")
    page.get_by_role("textbox", name="Search").fill("Læsø")
    page.get_by_role("textbox", name="Search").press("Enter")
    page.get_by_role("link", name="Læsø Kommune").click()
    assert "1,700" in page.inner_text("main")


def test_a_contact_edits_their_billing_identity(page, live_app, live_server):
    with live_app.app_context():
        person = make_user("okonomi@hedensted.example.dk", name="Hanne Økonomi")
        organisation = services.create_organisation(
            name="Hedensted Kommune", kind="municipality", country="DK"
        )
        services.add_contact(organisation, person.id, "finance")
        services.save_billing_identity(organisation, None, name="Økonomi", is_default=True)
        db.session.commit()
        organisation_id = organisation.id
    sign_in(page, live_server, "okonomi@hedensted.example.dk")
    page.goto(f"{live_server}/organisations/")
    page.get_by_role("link", name="Hedensted Kommune").click()
    page.get_by_role("link", name="Økonomi").click()
    page.get_by_label("EAN/GLN number").fill("5798000000002")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#gln-error").is_visible()
    page.get_by_label("EAN/GLN number").fill("5798009882783")
    page.get_by_label("Invoice reference").fill("PO 2026-17")
    page.get_by_role("button", name="Save").click()
    assert "The billing identity has been saved." in page.inner_text("main")
    assert "5798009882783" in page.inner_text("main")
    with live_app.app_context():
        identity = db.session.get(Organisation, organisation_id).billing_identities[0]
        assert (identity.gln, identity.invoice_reference) == ("5798009882783", "PO 2026-17")
