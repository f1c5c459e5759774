"""Fees' fixtures: three member municipalities with populations and a product they share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.extensions import db
from consortium.fees import services
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product

YEAR = 2027


def municipality(name: str, population: int, member_from: date = date(2012, 1, 1)):
    organisation = members.create_organisation(name=name, kind="municipality", country="DK")
    members.change_membership(organisation, "active", member_from)
    members.set_population(organisation, YEAR - 1, population, "test")
    members.set_population(organisation, YEAR - 2, population, "test")
    return organisation


def agreement(organisation, product, starts_on: date = date(2020, 1, 1)):
    return participation.create_participation(
        organisation, product, phase="agreement", starts_on=starts_on
    )


@pytest.fixture
def product(app):
    product = Product(slug="os2forms", name="OS2forms", status="product")
    db.session.add(product)
    db.session.flush()
    return product


@pytest.fixture
def towns(app, product):
    """Aarhus (large), Odder (small) and Skanderborg (medium), Aarhus and Odder in OS2forms."""
    aarhus = municipality("Aarhus Kommune", 70_000)
    odder = municipality("Odder Kommune", 20_000)
    skanderborg = municipality("Skanderborg Kommune", 30_000)
    agreement(aarhus, product)
    agreement(odder, product)
    db.session.commit()
    return {"aarhus": aarhus, "odder": odder, "skanderborg": skanderborg}


@pytest.fixture
def split_tariff(towns, product):
    tariff = services.save_tariff(
        product,
        YEAR,
        pricing={"type": "budget_split", "method": "population"},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
    )
    db.session.commit()
    return tariff


@pytest.fixture
def budget(split_tariff, product):
    budget = services.save_budget(
        product,
        YEAR,
        [
            {"purpose": "coordination", "amount": Decimal("100000.00"), "note": ""},
            {"purpose": "development", "amount": Decimal("200000.01"), "note": "New forms"},
        ],
    )
    db.session.commit()
    return budget
