"""Participation's fixtures: products, a member organisation with a contact, a non-member."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from consortium.members import services as members
from consortium.products.models import Product
from consortium.settings.services import get_settings, update_settings
from tests.conftest import login, make_user


@pytest.fixture(autouse=True)
def association(app):
    update_settings(get_settings(), email="secretariat@association.example.org")
    db.session.commit()


@pytest.fixture
def product(app):
    product = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    db.session.add(product)
    db.session.commit()
    return product


@pytest.fixture
def retired(app):
    product = Product(slug="old-thing", name="Old Thing", status="retired")
    db.session.add(product)
    db.session.commit()
    return product


@pytest.fixture
def aarhus(app):
    organisation = members.create_organisation(
        name="Aarhus Kommune",
        kind="municipality",
        country="DK",
        registration_number="55133018",
        municipality_code="751",
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    members.save_billing_identity(
        organisation, None, name="Central finance", gln="5798005770008", is_default=True
    )
    db.session.commit()
    return organisation


@pytest.fixture
def odder(app):
    organisation = members.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK", municipality_code="727"
    )
    members.save_billing_identity(organisation, None, name="Odder finance", is_default=True)
    db.session.commit()
    return organisation


@pytest.fixture
def person(aarhus):
    user = make_user("it@aarhus.example.dk", name="Aarhus IT")
    members.add_contact(aarhus, user.id, "primary")
    db.session.commit()
    return user


@pytest.fixture
def contact_client(client, person):
    login(client, person.email)
    return client
