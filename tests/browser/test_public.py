"""The public catalogue in a real browser: an anonymous visitor filters, searches, opens a product."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consortium.extensions import db
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products.models import Product, ProductDescription

pytestmark = pytest.mark.browser


def test_an_anonymous_visitor_finds_a_product_and_who_takes_part(page, live_app, live_server):
    with live_app.app_context():
        skive = members.create_organisation(name="Skive Kommune", kind="municipality", country="DK")
        members.change_membership(skive, "active", date.today() - timedelta(days=100))
        products = [
            Product(
                slug="public-bt-sagsbehandling",
                name="Sagsbehandling",
                status="product",
                level="N2",
                licence="MPL-2.0",
            ),
            Product(
                slug="public-bt-kortviser",
                name="Kortviser",
                status="project",
                level="sandbox",
                licence="EUPL-1.2",
            ),
            Product(slug="public-bt-arkiv", name="Arkivløsning", status="retired", level="N1"),
        ]
        products[0].descriptions.append(
            ProductDescription(language="en", short_description="Case handling for municipalities")
        )
        products[1].descriptions.append(
            ProductDescription(language="en", short_description="Maps for everyone")
        )
        db.session.add_all(products)
        db.session.add(
            Participation(
                organisation=skive,
                product=products[0],
                phase="agreement",
                starts_on=date.today() - timedelta(days=30),
            )
        )
        db.session.commit()

    page.goto(live_server)
    page.get_by_role("link", name="See the products").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Products"
    catalogue = page.inner_text("main")
    assert "Sagsbehandling" in catalogue and "Kortviser" in catalogue
    assert "Arkivløsning" not in catalogue  # retired

    page.get_by_label("Level").select_option("sandbox")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="Kortviser").is_visible()
    assert page.get_by_role("link", name="Sagsbehandling").count() == 0

    page.get_by_role("link", name="Clear the filter").click()
    page.get_by_role("searchbox", name="Search").fill("case handling")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="Kortviser").count() == 0
    page.get_by_role("link", name="Sagsbehandling").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Sagsbehandling"
    participants = page.get_by_role("region", name="Participating organisations")
    assert "Skive Kommune" in participants.inner_text()
    assert "N2" in page.inner_text("main")
