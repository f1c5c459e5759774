"""A contact's start page: what each of their organisations pays and owes, what waits for them,
and what they take part in; never another organisation's records."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierContact
from tests.conftest import login, make_user
from tests.invoicing.factories import buyer
from tests.invoicing.test_pages import issued

NEXT_YEAR = date.today().year + 1


def part(client, organisation) -> str:
    """The text of the start page's part about one organisation ("" when there is none)."""
    page = html.fromstring(client.get("/").get_data(as_text=True))
    found = page.xpath(f"//section[@data-organisation='{organisation.id}']")
    return " ".join(found[0].text_content().split()) if found else ""


@pytest.fixture
def product(app):
    product = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    db.session.add(product)
    db.session.commit()
    return product


def _municipality(name: str, gln: str):
    organisation = buyer(name, gln=gln)
    members.change_membership(organisation, "active", date(2012, 1, 1))
    db.session.commit()
    return organisation


def _contact(email: str, *organisations):
    user = make_user(email)
    for organisation in organisations:
        members.add_contact(organisation, user.id, "primary")
    db.session.commit()
    return user


def _waiting_request(organisation, product, user):
    participation.request_join(
        organisation,
        product,
        user,
        phase="agreement",
        starts_on=date(NEXT_YEAR, 1, 1),
        billing_identity=organisation.billing_identities[0],
        amount_per_year=None,
    )
    db.session.commit()


def test_a_contact_sees_what_their_organisation_owes_and_what_waits(app, client, product):
    aarhus = _municipality("Aarhus Kommune", "5798000000001")
    person = _contact("anna@aarhus.example.dk", aarhus)
    participation.create_participation(
        aarhus, db.session.merge(product), phase="agreement", starts_on=date(2020, 1, 1)
    )
    invoice = issued(aarhus, "1000.00", on=date(2025, 1, 15))
    other_product = Product(slug="os2faktor", name="OS2faktor", status="product", level="N2")
    db.session.add(other_product)
    db.session.commit()
    _waiting_request(aarhus, other_product, person)
    login(client, person.email)

    text = part(client, aarhus)
    assert "Aarhus Kommune" in text
    assert "Your request to join OS2faktor waits for the secretariat." in text
    assert f"{invoice.number}: DKK 1,000.00 to pay by" in text and "overdue" in text
    assert "OS2forms" in text  # a product it takes part in
    page = client.get("/").get_data(as_text=True)
    assert f'href="/invoices/{invoice.id}"' in page
    assert f'href="/fees/organisations/{aarhus.id}/expected"' in page
    assert f"{NEXT_YEAR - 1}:" in text and f"{NEXT_YEAR}:" in text


def test_another_organisations_records_never_appear(app, client, product):
    aarhus = _municipality("Aarhus Kommune", "5798000000001")
    odder = _municipality("Odder Kommune", "5798000000025")
    anna = _contact("anna@aarhus.example.dk", aarhus)
    olga = _contact("olga@odder.example.dk", odder)
    _waiting_request(odder, product, olga)
    odder_invoice = issued(odder, "777.00", on=date(2025, 1, 15))
    login(client, anna.email)
    page = client.get("/").get_data(as_text=True)
    assert part(client, aarhus)
    assert part(client, odder) == ""
    assert "Odder Kommune" not in page
    assert odder_invoice.number not in page and "777.00" not in page
    assert "OS2forms" not in part(client, aarhus)
    assert "No open invoices." in part(client, aarhus)


def test_a_contact_of_two_organisations_sees_each(app, client, product):
    aarhus = _municipality("Aarhus Kommune", "5798000000001")
    odder = _municipality("Odder Kommune", "5798000000025")
    karen = _contact("karen@djurs.example.dk", aarhus, odder)
    _waiting_request(odder, product, karen)
    login(client, karen.email)
    assert "Nothing is waiting for you." in part(client, aarhus)
    assert "Your request to join OS2forms waits for the secretariat." in part(client, odder)


def test_a_supplier_contact_and_a_plain_user_get_a_home_of_their_own(app, client):
    user = make_user("lene@fjordkode.example.dk")
    supplier = Supplier(
        name="Fjordkode ApS",
        country="DK",
        registration_number="55133018",
        contact_name="Lene",
        contact_email="lene@fjordkode.example.dk",
    )
    db.session.add(supplier)
    db.session.flush()
    db.session.add(SupplierContact(supplier_id=supplier.id, user_id=user.id))
    db.session.commit()
    login(client, user.email)
    page = html.fromstring(client.get("/").get_data(as_text=True))
    (section,) = page.xpath(f"//section[@data-supplier='{supplier.id}']")
    text = " ".join(section.text_content().split())
    assert "Fjordkode ApS" in text
    assert "Your registration waits for the secretariat's vetting." in text
    assert "No valid supplier agreement covers a product yet." in text

    make_user("plain@example.org")
    plain = app.test_client()
    login(plain, "plain@example.org")
    text = " ".join(html.fromstring(plain.get("/").get_data(as_text=True)).text_content().split())
    assert "You have no open action items." in text
    assert "You are not a member of any group." in text
    assert "Waiting for you" not in text
