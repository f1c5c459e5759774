"""Groups' fixtures: a product, organisations with contacts, and a steering committee."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from consortium.groups import services
from consortium.members import services as members
from consortium.products.models import Product
from tests.conftest import make_user


@pytest.fixture
def product(app):
    product = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    db.session.add(product)
    db.session.commit()
    return product


@pytest.fixture
def aarhus(app):
    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK", registration_number="55133018"
    )
    db.session.commit()
    return organisation


def contact(organisation, email, name=""):
    """A user who is a contact of the organisation."""
    person = make_user(email, name=name)
    members.add_contact(organisation, person.id, "other")
    db.session.commit()
    return person


@pytest.fixture
def committee(product, aarhus):
    group = services.create_group(
        "steering_committee", "OS2forms steering committee", product, "Decides the roadmap."
    )
    db.session.commit()
    return group


def add(group, person, organisation, role="member", starts_on=date(2025, 1, 1), ends_on=None):
    member = services.add_member(
        group, person, organisation=organisation, role=role, starts_on=starts_on, ends_on=ends_on
    )
    db.session.commit()
    return member
