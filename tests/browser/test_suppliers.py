"""Suppliers in a real browser: a company registers on the public form, the secretariat approves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from tests.browser.test_in_chromium import from_menu, sign_in

pytestmark = pytest.mark.browser


def test_a_company_registers_and_the_secretariat_approves_it(page, live_app, live_server):
    page.goto(f"{live_server}/suppliers/register")
    page.get_by_label("Company name").fill("Browserkode ApS")
    assert page.get_by_label("Country").input_value() == "DK"
    page.get_by_label("CVR or EU VAT number").fill("31 00 00 42")
    page.get_by_label("Address").fill("Vestergade 1\n8000 Aarhus C")
    page.get_by_label("Contact person", exact=True).fill("Birgit Browser")
    page.get_by_label("Contact person's email").fill("birgit@browserkode.example.dk")
    page.get_by_label("Development").check()
    page.get_by_label("Public statement").fill("Accessible front ends.")
    page.get_by_label("Language of correspondence").select_option("en")
    page.get_by_label("I accept the code of conduct").check()
    page.get_by_role("button", name="Register").click()
    # A wrong check digit is explained by its field, and what was typed is kept.
    error = page.locator("#registration_number-error")
    assert error.inner_text() == "This number is not valid: its check digit does not match."
    assert page.get_by_label("Company name").input_value() == "Browserkode ApS"
    page.get_by_label("CVR or EU VAT number").fill("31 00 00 41")
    page.get_by_label("I accept the code of conduct").check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for registering"

    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Register", "Suppliers")
    page.get_by_role("link", name="Browserkode ApS").click()
    assert "31000041" in page.inner_text("main")
    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Approve", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Approve this supplier?"
    assert "Browserkode ApS" in page.inner_text("main")
    assert "mailed that the company is approved" in page.inner_text("main")
    page.get_by_role("button", name="Approve", exact=True).click()
    assert "Browserkode ApS has been approved" in page.inner_text("main")
    assert "Birgit Browser" in page.inner_text("main")
    with live_app.app_context():
        subjects = list(
            db.session.scalars(
                select(OutboxMessage.subject).where(
                    OutboxMessage.recipient == "birgit@browserkode.example.dk"
                )
            )
        )
    assert any("Your invitation" in subject for subject in subjects)
    assert any("is approved as a supplier" in subject for subject in subjects)
