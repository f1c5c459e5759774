"""A small register to write to: two participating municipalities whose contacts speak
Danish, German and the association's default, one that no longer takes part, and a group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest

from consortium.auth import services as auth
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.groups.models import Group
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.participation.models import Participation
from consortium.products.models import Product
from tests.conftest import make_user


@dataclass
class Register:
    aarhus: Organisation
    odder: Organisation
    syddjurs: Organisation
    product: Product
    group: Group


@pytest.fixture
def register(app) -> Register:
    aarhus = members.create_organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    odder = members.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    syddjurs = members.create_organisation(
        name="Syddjurs Kommune", kind="municipality", country="DK"
    )
    anna = make_user("anna@aarhus.example.dk", name="Anna Jensen", language="da")
    dieter = make_user("dieter@aarhus.example.dk", name="Dieter Bauer", language="de")
    eva = make_user("eva@odder.example.dk", name="Eva Holm")  # the association's default
    gone = make_user("gone@odder.example.dk", name="Gitte Gone", language="da")
    auth.set_active(gone, False)
    sara = make_user("sara@syddjurs.example.dk", name="Sara Syd", language="da")
    members.add_contact(aarhus, anna.id, "primary")
    members.add_contact(aarhus, dieter.id, "technical")
    members.add_contact(odder, eva.id, "primary")
    members.add_contact(odder, anna.id, "other")  # Anna speaks for both
    members.add_contact(odder, gone.id, "finance")
    members.add_contact(syddjurs, sara.id, "primary")
    product = Product(slug="os2forms", name="OS2forms")
    db.session.add(product)
    db.session.add_all(
        [
            Participation(
                organisation=aarhus, product=product, phase="agreement", starts_on=date(2024, 1, 1)
            ),
            Participation(
                organisation=odder, product=product, phase="agreement", starts_on=date(2024, 1, 1)
            ),
            # Syddjurs left: its contacts are no longer participants.
            Participation(
                organisation=syddjurs,
                product=product,
                phase="agreement",
                starts_on=date(2020, 1, 1),
                ends_on=date(2023, 12, 31),
            ),
        ]
    )
    group = groups.create_group("coordination_group", "OS2forms coordination group", product)
    chair = make_user("carl@syddjurs.example.dk", name="Carl Chair", language="de")
    members.add_contact(syddjurs, chair.id, "technical")
    groups.add_member(group, chair, organisation=syddjurs, role="chair", starts_on=date(2024, 1, 1))
    groups.add_member(group, anna, organisation=aarhus, starts_on=date(2024, 1, 1))
    groups.add_member(
        group, sara, organisation=syddjurs, starts_on=date(2020, 1, 1), ends_on=date(2023, 12, 31)
    )
    db.session.commit()
    return Register(aarhus, odder, syddjurs, product, group)


def token_of(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
