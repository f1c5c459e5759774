"""Agreements' fixtures: Syddjurs Kommune (Danish) with a contact who may sign and one who may
not, its participation in OS2forms with the year's budget split by population, a supplier with
its contact, and published templates of each kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from consortium.agreements import services
from consortium.auth.models import User
from consortium.db import utcnow
from consortium.extensions import db
from consortium.fees import services as fees
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.participation import services as participation
from consortium.participation.models import Participation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierContact
from tests.conftest import make_user

# The year the participation starts, and so the year of its expected share.
YEAR = utcnow().year + 1

PARTICIPATION_DA = """## Parter

Aftalen indgås mellem {association.name} og **{organisation.name}** (CVR {organisation.registration_number}).

## Produkt

{organisation.name} deltager i **{product.name}** ({product.phase}) fra {start_date}, {term}.
Opsigelse: {notice_period}.

## Økonomi

Regel: {cost_sharing_rule}

Forventet andel for {share.year}: **{share.amount}**

{share.explanation}

Fakturaer sendes til {billing_identity}.
"""

PARTICIPATION_EN = """## Parties

Between {association.name} and **{organisation.name}**.

Product **{product.name}** from {start_date}; expected share for {share.year}: {share.amount}.

{share.explanation}
"""

MEMBERSHIP_EN = """## Membership

**{organisation.name}** is a member of {association.name} {term}. Notice: {notice_period}.
"""

SUPPLIER_EN = """## Supplier agreement

**{supplier.name}** ({supplier.registration_number}) works on: {supplier.products}.

## Code of conduct

{code_of_conduct}
"""


@dataclass
class World:
    organisation: Organisation
    signer: User
    other_contact: User
    participation: Participation
    product: Product
    supplier: Supplier
    supplier_contact: User
    secretariat: User


def publish_templates(author: User | None = None) -> None:
    for kind, language, title, body in (
        ("participation", "da", "Tilslutningsaftale", PARTICIPATION_DA),
        ("participation", "en", "Participation agreement", PARTICIPATION_EN),
        ("membership", "en", "Membership agreement", MEMBERSHIP_EN),
        ("supplier", "en", "Supplier agreement", SUPPLIER_EN),
    ):
        services.publish_version(kind, language, title=title, body=body, author=author)


def municipality(name: str, population: int, *, language: str | None = "da") -> Organisation:
    organisation = members.create_organisation(
        name=name,
        kind="municipality",
        country="DK",
        registration_number=None,
        language=language,
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    members.set_population(organisation, YEAR - 1, population, "test")
    return organisation


@pytest.fixture
def world(app) -> World:
    secretariat = make_user("secretariat@example.org", secretariat=True, name="Sam Secretariat")
    signer = make_user("anna@syddjurs.example.dk", name="Anna Jensen", language="da")
    other_contact = make_user("jens@syddjurs.example.dk", name="Jens Poulsen", language="da")
    supplier_contact = make_user("lene@fjordkode.example.dk", name="Lene Berg", language="de")
    product = Product(slug="os2forms", name="OS2forms", status="product")
    db.session.add(product)
    db.session.flush()
    syddjurs = municipality("Syddjurs Kommune", 42_000)
    odder = municipality("Odder Kommune", 22_000)
    members.add_contact(syddjurs, signer.id, "primary", may_sign=True)
    members.add_contact(syddjurs, other_contact.id, "finance")
    members.save_billing_identity(syddjurs, None, name="Økonomi", gln="5798000000018")
    fees.save_tariff(
        product,
        YEAR,
        pricing={"type": "budget_split", "method": "population"},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
    )
    fees.save_budget(
        product, YEAR, [{"purpose": "development", "amount": Decimal("640000.00"), "note": ""}]
    )
    joined = participation.create_participation(
        syddjurs, product, phase="agreement", starts_on=date(YEAR, 1, 1)
    )
    participation.create_participation(
        odder, product, phase="agreement", starts_on=date(YEAR - 3, 1, 1)
    )
    supplier = Supplier(
        name="Fjordkode ApS",
        country="DK",
        registration_number="29189757",
        contact_name="Lene Berg",
        contact_email="lene@fjordkode.example.dk",
        status="approved",
        language="de",
    )
    supplier.products_wanted = [product]
    db.session.add(supplier)
    db.session.flush()
    db.session.add(SupplierContact(supplier_id=supplier.id, user_id=supplier_contact.id))
    publish_templates(secretariat)
    db.session.commit()
    return World(
        organisation=syddjurs,
        signer=signer,
        other_contact=other_contact,
        participation=joined,
        product=product,
        supplier=supplier,
        supplier_contact=supplier_contact,
        secretariat=secretariat,
    )


@pytest.fixture
def document(world):
    """Syddjurs' participation agreement for OS2forms, made and committed."""
    made = services.make_document("participation", participation=world.participation)
    db.session.commit()
    return made
