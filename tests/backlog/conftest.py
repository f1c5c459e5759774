"""Backlog fixtures: OS2forms with its coordination group, two municipalities with participation
agreements (Aarhus with two contacts in the group, Odense with one), Kolding with a commitment
only, Vejle outside the product, a supplier with a valid agreement, and a second product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from consortium.auth.models import User
from consortium.backlog import services
from consortium.backlog.models import BacklogItem, PrioritisationRound
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.groups.models import Group
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.participation import services as participation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact
from tests.conftest import make_user

# Rounds open an hour ago and close in a week, unless a test says otherwise.
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class World:
    product: Product
    other_product: Product
    group: Group
    other_group: Group
    aarhus: Organisation
    odense: Organisation
    kolding: Organisation
    vejle: Organisation
    chair: User
    secretary: User
    anna: User  # Aarhus, member of the group
    bo: User  # Aarhus, member of the group
    olga: User  # Odense, member of the group
    karl: User  # Kolding (commitment only), contact, not in the group
    vera: User  # Vejle, outside the product
    carl: User  # Aarhus contact, not in the group
    supplier_user: User
    other_supplier_user: User
    secretariat: User
    outsider: User


def _organisation(name: str, number: str) -> Organisation:
    return members.create_organisation(
        name=name, kind="municipality", country="DK", municipality_code=number
    )


def _contact(organisation: Organisation, email: str, name: str) -> User:
    person = make_user(email, name=name)
    members.add_contact(organisation, person.id, "other")
    return person


def _supplier(name: str, product: Product, number: str) -> User:
    person = make_user(f"contact@{name.split()[0].lower()}.example.dk", name=f"Contact {name}")
    supplier = Supplier(
        name=name,
        country="DK",
        registration_number=number,
        contact_name=person.name,
        contact_email=person.email,
        status="approved",
    )
    db.session.add(supplier)
    db.session.add(SupplierContact(supplier=supplier, user=person))
    agreement = SupplierAgreement(
        supplier=supplier, version="2024", signed_on=date(2024, 1, 1), valid_until=None
    )
    agreement.products = [product]
    db.session.add(agreement)
    return person


@pytest.fixture
def world(app) -> World:
    return build_world()


def build_world() -> World:
    """The product, its group, organisations, people and suppliers, committed."""
    product = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    other_product = Product(slug="os2rollekatalog", name="OS2rollekatalog", status="product")
    db.session.add_all([product, other_product])
    db.session.flush()
    group = groups.create_group("coordination_group", "OS2forms coordination group", product)
    group.code = "OS2FORMS-KG"
    other_group = groups.create_group(
        "coordination_group", "OS2rollekatalog coordination group", other_product
    )
    other_group.code = "ROLLE-KG"
    aarhus = _organisation("Aarhus Kommune", "751")
    odense = _organisation("Odense Kommune", "461")
    kolding = _organisation("Kolding Kommune", "621")
    vejle = _organisation("Vejle Kommune", "630")
    for organisation in (aarhus, odense):
        participation.create_participation(
            organisation, product, phase="agreement", starts_on=date(2020, 1, 1)
        )
    participation.create_participation(
        kolding,
        product,
        phase="commitment",
        starts_on=date(2020, 1, 1),
        amount_per_year=Decimal("10000.00"),
    )
    participation.create_participation(
        vejle, other_product, phase="agreement", starts_on=date(2020, 1, 1)
    )
    chair = _contact(aarhus, "chair@aarhus.example.dk", "Charlotte Chair")
    secretary = _contact(odense, "secretary@odense.example.dk", "Simon Secretary")
    anna = _contact(aarhus, "anna@aarhus.example.dk", "Anna Aarhus")
    bo = _contact(aarhus, "bo@aarhus.example.dk", "Bo Aarhus")
    olga = _contact(odense, "olga@odense.example.dk", "Olga Odense")
    karl = _contact(kolding, "karl@kolding.example.dk", "Karl Kolding")
    vera = _contact(vejle, "vera@vejle.example.dk", "Vera Vejle")
    carl = _contact(aarhus, "carl@aarhus.example.dk", "Carl Aarhus")
    start = date(2024, 1, 1)
    groups.add_member(group, chair, organisation=aarhus, role="chair", starts_on=start)
    groups.add_member(group, secretary, organisation=odense, role="secretary", starts_on=start)
    for person, organisation in ((anna, aarhus), (bo, aarhus), (olga, odense)):
        groups.add_member(group, person, organisation=organisation, starts_on=start)
    groups.add_member(other_group, vera, organisation=vejle, role="chair", starts_on=start)
    supplier_user = _supplier("Magenta ApS", product, "31000009")
    other_supplier_user = _supplier("Bitmind ApS", other_product, "32000008")
    secretariat = make_user("secretariat@example.org", secretariat=True, name="Sam Secretariat")
    outsider = make_user("outsider@example.org", name="Otto Outsider")
    db.session.commit()
    return World(
        product=product,
        other_product=other_product,
        group=group,
        other_group=other_group,
        aarhus=aarhus,
        odense=odense,
        kolding=kolding,
        vejle=vejle,
        chair=chair,
        secretary=secretary,
        anna=anna,
        bo=bo,
        olga=olga,
        karl=karl,
        vera=vera,
        carl=carl,
        supplier_user=supplier_user,
        other_supplier_user=other_supplier_user,
        secretariat=secretariat,
        outsider=outsider,
    )


def accepted_items(world: World, count: int = 3, estimate: str | None = None) -> list[BacklogItem]:
    """Items submitted by Aarhus and accepted by the chair, each with an estimate when given."""
    found = []
    for number in range(1, count + 1):
        item = services.submit_item(
            world.product, by=world.anna, organisation=world.aarhus, title=f"Wish {number}"
        )
        services.accept_item(item)
        if estimate is not None:
            services.estimate_item(item, amount=Decimal(estimate) * number, by=world.supplier_user)
        found.append(item)
    db.session.commit()
    return found


def open_round(
    world: World,
    items: list[BacklogItem],
    *,
    method: str = "points",
    weighting: str = "equal",
    closes_at: datetime | None = None,
    **settings,
) -> PrioritisationRound:
    """A round over the items, opened by the chair an hour ago."""
    if method == "points":
        settings.setdefault("points_total", 10)
        settings.setdefault("max_per_item", 5)
    round_ = services.create_round(
        world.product,
        world.group,
        title="Spring 2027",
        method=method,
        opens_at=NOW - timedelta(hours=1),
        closes_at=closes_at or NOW + timedelta(days=7),
        item_ids=[item.id for item in items],
        weighting=weighting,
        by=world.chair,
        **settings,
    )
    services.open_round(round_, by=world.chair, now=NOW - timedelta(minutes=30))
    db.session.commit()
    return round_
