"""Writing to a product's participants in a real browser: a Danish and a German text, the
recipient list before sending, one mail each in their language."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products.models import Product
from tests.browser.test_in_chromium import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_the_secretariat_writes_to_a_products_participants_in_two_languages(
    page, live_app, live_server
):
    with live_app.app_context():
        product = Product(slug="browser-mail", name="Browser Mail", status="product")
        db.session.add(product)
        for name, municipality, email, language in (
            ("Mads Mølby", "Mølby Kommune", "mads@molby.example.dk", "da"),
            ("Greta Grenz", "Grenzstadt", "greta@grenz.example.de", "de"),
        ):
            person = make_user(email, name=name, language=language)
            organisation = members.create_organisation(
                name=municipality, kind="municipality", country="DK"
            )
            members.add_contact(organisation, person.id, "primary")
            db.session.add(
                Participation(
                    organisation=organisation,
                    product=product,
                    phase="agreement",
                    starts_on=date(2024, 1, 1),
                )
            )
        db.session.commit()

    sign_in(page, live_server, "secretariat@example.org")
    page.goto(f"{live_server}/products/browser-mail")
    page.get_by_role("link", name="Write to the participants").click()
    assert "Write to the participants of Browser Mail" in page.inner_text("h1")
    assert "2 people receive the message, each in their own language" in page.inner_text(
        "#recipient-summary"
    )
    # A text is missing: the field is named, the rest is kept.
    page.get_by_label("Subject (Danish)").fill("Ny version")
    page.get_by_label("Text (Danish)").fill("Kære alle,\nversion 2 er ude.")
    page.get_by_label("Subject (German)").fill("Neue Version")
    page.get_by_role("button", name="Check the recipients").click()
    assert "Text (German): Please fill in this field." in page.inner_text(".form-errors")
    assert page.get_by_label("Subject (Danish)").input_value() == "Ny version"
    page.get_by_label("Text (German)").fill("Liebe alle,\nVersion 2 ist da.")
    page.get_by_role("button", name="Check the recipients").click()

    assert "Check before sending" in page.inner_text("h1")
    rows = page.locator("#recipients tbody tr")
    assert rows.count() == 2
    assert "Greta Grenz" in rows.nth(0).inner_text() and "German" in rows.nth(0).inner_text()
    assert "Grenzstadt" in rows.nth(0).inner_text()
    assert "Mads Mølby" in rows.nth(1).inner_text() and "Danish" in rows.nth(1).inner_text()
    assert "mads@molby.example.dk" in rows.nth(1).inner_text()
    # Changing the message keeps it; then it is sent.
    page.get_by_role("button", name="Change the message").click()
    assert page.get_by_label("Text (German)").input_value() == "Liebe alle,\nVersion 2 ist da."
    page.get_by_role("button", name="Check the recipients").click()
    page.get_by_role("button", name="Send to 2 people").click()
    assert "The message is in the outbox for 2 people." in page.inner_text("main")
    assert "The participants of Browser Mail" in page.inner_text("#written-to")

    with live_app.app_context():
        sent = {
            message.recipient: (message.subject, message.body)
            for message in db.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.subject.in_(["Ny version", "Neue Version"])
                )
            )
        }
    assert sent["mads@molby.example.dk"][0] == "Ny version"
    assert sent["mads@molby.example.dk"][1].startswith("Kære alle,\nversion 2 er ude.")
    assert sent["greta@grenz.example.de"][0] == "Neue Version"
    assert len(sent) == 2
