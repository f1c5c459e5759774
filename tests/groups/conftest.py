"""Groups' fixtures: a product, organisations with contacts, and a steering committee."""

from __future__ import annotations

import pytest

from consortium.extensions import db
from consortium.groups import services
from consortium.members import services as members
from consortium.products.models import Product


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


@pytest.fixture
def committee(product, aarhus):
    group = services.create_group(
        "steering_committee", "OS2forms steering committee", product, "Decides the roadmap."
    )
    db.session.commit()
    return group
