"""Meetings' fixtures: OS2forms' steering committee with a chair, a secretary and a member, a
person outside it, and the product's coordination group."""

from __future__ import annotations

from datetime import date, time

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services
from consortium.members import services as members
from consortium.products.models import Product
from tests.conftest import make_user
from tests.groups.factories import add, contact


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
    group = groups.create_group("steering_committee", "OS2forms steering committee", product)
    group.code = "OS2FORMS-SC"
    db.session.commit()
    return group


@pytest.fixture
def coordination(product):
    group = groups.create_group("coordination_group", "OS2forms coordination group", product)
    group.code = "OS2FORMS-KG"
    db.session.commit()
    return group


@pytest.fixture
def chair(committee, aarhus):
    person = contact(aarhus, "chair@aarhus.example.dk", "Charlotte Chair")
    add(committee, person, aarhus, role="chair")
    return person


@pytest.fixture
def secretary(committee, aarhus):
    person = contact(aarhus, "secretary@aarhus.example.dk", "Simon Secretary")
    add(committee, person, aarhus, role="secretary")
    return person


@pytest.fixture
def member(committee, aarhus):
    person = contact(aarhus, "member@aarhus.example.dk", "Mette Member")
    add(committee, person, aarhus, role="member")
    return person


@pytest.fixture
def outsider(app):
    return make_user("outsider@example.org", name="Otto Outsider")


@pytest.fixture
def secretariat(app):
    return make_user("secretariat@example.org", secretariat=True, name="Sam Secretariat")


@pytest.fixture
def meeting(committee, chair, secretary, member):
    planned = services.plan_meeting(
        committee,
        title="Steering committee, spring",
        day=date(2027, 3, 10),
        starts=time(13, 0),
        ends=time(15, 0),
        timezone="Europe/Copenhagen",
        place="Aarhus Rådhus",
        planned_by=secretary,
    )
    db.session.commit()
    return planned
