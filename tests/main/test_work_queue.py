"""The secretariat's start page is its work queue, and the menu shows the same counts."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier
from tests.conftest import login, make_user
from tests.invoicing.factories import buyer
from tests.invoicing.test_pages import issued

NEXT_YEAR = date.today().year + 1


def queue(client) -> dict[str, tuple[int, str]]:
    """The entries waiting on the start page: label -> (count, link)."""
    page = html.fromstring(client.get("/").get_data(as_text=True))
    waiting = page.xpath("//ul[@class='work-queue']/li")
    return {
        item.xpath("./a")[0].text_content().strip(): (
            int(item.xpath("./span[@class='queue-count']")[0].text_content()),
            item.xpath("./a/@href")[0],
        )
        for item in waiting
    }


def done(client) -> list[str]:
    page = html.fromstring(client.get("/").get_data(as_text=True))
    return [a.text_content().strip() for a in page.xpath("//ul[@class='work-done']/li/a")]


def menu_counts(client, url: str = "/") -> dict[str, str]:
    """What a screen reader says for each menu entry and group that carries a count."""
    nav = html.fromstring(client.get(url).get_data(as_text=True)).get_element_by_id("main-menu")
    said = {}
    for element in nav.xpath(".//summary | .//a"):
        hidden = element.xpath(".//span[@class='visually-hidden']")
        if hidden:
            name = (element.text or "").strip()
            said[name] = name + hidden[0].text_content()
    return said


@pytest.fixture
def product(app):
    product = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    db.session.add(product)
    db.session.commit()
    return product


@pytest.fixture
def aarhus(app):
    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK", municipality_code="751"
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    members.save_billing_identity(organisation, None, name="Finance", is_default=True)
    members.set_population(organisation, NEXT_YEAR - 1, 360_000, "Statistics Denmark")
    db.session.commit()
    return organisation


def _request_join(organisation, product, email="it@aarhus.example.dk"):
    user = make_user(email)
    members.add_contact(organisation, user.id, "primary")
    request = participation.request_join(
        organisation,
        product,
        user,
        phase="agreement",
        starts_on=date(NEXT_YEAR, 1, 1),
        billing_identity=organisation.billing_identities[0],
        amount_per_year=None,
    )
    db.session.commit()
    return request


def test_an_empty_queue_says_nothing_waits(secretariat_client):
    page = secretariat_client.get("/").get_data(as_text=True)
    assert "Waiting for the secretariat" in page
    assert "Nothing is waiting. Everything is done." in page
    assert queue(secretariat_client) == {}
    assert menu_counts(secretariat_client) == {}


def test_a_request_waits_until_the_secretariat_approves_it(
    app, secretariat_client, aarhus, product
):
    request = _request_join(aarhus, product)
    assert queue(secretariat_client) == {
        "Requests to join or leave products": (1, "/participation/requests?status=pending")
    }
    # The menu counts the same, in its entry and in its group, in words for screen readers.
    assert menu_counts(secretariat_client) == {
        "Products": "Products, 1 waiting",
        "Participation": "Participation, 1 waiting",
    }
    # Everything else is listed as done, with its link.
    assert "Supplier registrations to vet" in done(secretariat_client)

    response = secretariat_client.post(f"/participation/requests/{request.id}/approve")
    assert response.status_code == 302
    assert queue(secretariat_client) == {}
    assert menu_counts(secretariat_client) == {}


def test_each_kind_of_work_is_counted_and_leads_where_it_is_done(
    app, secretariat_client, aarhus, product
):
    _request_join(aarhus, product)
    for number, name in enumerate(("Fjordkode ApS", "Skyhavn A/S")):
        db.session.add(
            Supplier(
                name=name,
                country="DK",
                registration_number=f"5513301{number}",
                contact_name="Kim",
                contact_email=f"kim{number}@supplier.example.dk",
            )
        )
    db.session.add(ProductBudget(product_id=product.id, year=NEXT_YEAR, amount=100_000))
    applicant = members.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    members.change_membership(applicant, "applied", date.today())
    # A member without next year's basis population: its fee cannot be computed.
    members.change_membership(
        members.create_organisation(name="Skanderborg Kommune", kind="municipality", country="DK"),
        "active",
        date(2015, 1, 1),
    )
    issued(buyer("Horsens Kommune"), "1000.00", on=date(2025, 1, 15))
    db.session.commit()

    assert queue(secretariat_client) == {
        "Requests to join or leave products": (1, "/participation/requests?status=pending"),
        "Applications for membership": (1, "/organisations/?status=applied"),
        "Supplier registrations to vet": (2, "/suppliers/?status=pending"),
        f"Draft budgets for {NEXT_YEAR}": (1, "/fees/"),
        f"Members without a population for {NEXT_YEAR - 1}": (
            1,
            "/organisations/?status=active",
        ),
        "Overdue payments": (1, "/invoices/overdue"),
    }
    counts = menu_counts(secretariat_client)
    assert counts["Register"] == "Register, 4 waiting"
    assert counts["Suppliers"] == "Suppliers, 2 waiting"
    assert counts["Organisations"] == "Organisations, 2 waiting"
    assert counts["Money"] == "Money, 2 waiting"
    # Each link opens the page where the work is done, showing it.
    assert "Fjordkode ApS" in secretariat_client.get("/suppliers/?status=pending").get_data(
        as_text=True
    )
    assert "Odder Kommune" in secretariat_client.get("/organisations/?status=applied").get_data(
        as_text=True
    )
    assert "Horsens Kommune" in secretariat_client.get("/invoices/overdue").get_data(as_text=True)


def test_the_queue_reads_a_fixed_number_of_statements(
    app, secretariat_client, aarhus, product, count_queries
):
    _request_join(aarhus, product)
    issued(buyer("Horsens Kommune"), "1000.00", on=date(2025, 1, 15))
    # A member without a population: whether others are members too is asked in one statement.
    members.change_membership(
        members.create_organisation(name="Skanderborg Kommune", kind="municipality", country="DK"),
        "active",
        date(2015, 1, 1),
    )
    db.session.commit()
    secretariat_client.get("/")  # the association's settings are read once, then kept
    with count_queries() as few:
        secretariat_client.get("/")
    for number in range(5):
        other = members.create_organisation(
            name=f"Kommune {number}", kind="municipality", country="DK"
        )
        members.change_membership(other, "active", date(2015, 1, 1))
        members.save_billing_identity(other, None, name="Finance", is_default=True)
        _request_join(other, product, email=f"contact{number}@example.org")
        issued(buyer(f"Buyer {number}", gln=None), "10.00", on=date(2025, 1, 15))
    db.session.commit()
    secretariat_client.get("/")
    with count_queries() as many:
        secretariat_client.get("/")
    assert queue(secretariat_client)["Requests to join or leave products"][0] == 6
    assert queue(secretariat_client)["Overdue payments"][0] == 6
    assert queue(secretariat_client)[f"Members without a population for {NEXT_YEAR - 1}"][0] == 6
    assert len(many) == len(few)


def test_an_organisation_that_never_was_a_member_needs_no_population(
    app, secretariat_client, aarhus, count_queries
):
    """Members' populations are asked about only where an organisation lacking one has been a
    member or asked to be: one in the register for another reason (a buyer of an invoice, an
    organisation being entered) costs the queue no statement and is not counted."""
    secretariat_client.get("/")
    with count_queries() as before:
        secretariat_client.get("/")
    members.create_organisation(name="Region Midtjylland", kind="region", country="DK")
    db.session.commit()
    with count_queries() as with_another:
        secretariat_client.get("/")
    assert len(with_another) == len(before)
    missing = f"Members without a population for {NEXT_YEAR - 1}"
    assert missing not in queue(secretariat_client)

    odder = members.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    members.change_membership(odder, "active", date(2015, 1, 1))
    db.session.commit()
    assert queue(secretariat_client)[missing] == (1, "/organisations/?status=active")


def test_others_get_no_queue_and_no_counts(app, client, aarhus, product):
    _request_join(aarhus, product, email="contact@example.org")
    login(client, "contact@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Waiting for the secretariat" not in page
    assert menu_counts(client) == {}
