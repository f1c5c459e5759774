"""A registry with everything the public pages read, and people whose emails are known.

Records are added through the models directly: the products, suppliers and groups packages
are written at the same time as these pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from consortium.auth import services as auth_services
from consortium.extensions import db
from consortium.groups.models import Group, GroupMember
from consortium.members import services as members
from consortium.members.models import BillingIdentity
from consortium.participation.models import Participation
from consortium.products.models import Product, ProductDescription
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact

TODAY = date.today()
LAST_YEAR = TODAY - timedelta(days=365)
NEXT_YEAR = TODAY + timedelta(days=365)
# Phone numbers kept in the register's addresses: none may reach a public page.
PHONES = ("+45 87 65 43 21", "+45 33 44 55 66", "+420 222 333 444")


@dataclass
class Registry:
    published_emails: set[str] = field(default_factory=set)
    hidden_emails: set[str] = field(default_factory=set)
    products: dict[str, Product] = field(default_factory=dict)
    private_values: set[str] = field(default_factory=set)


def person(registry: Registry, email: str, name: str, *, publish: bool):
    user = auth_services.create_user(email, name)
    user.publish_email = publish
    (registry.published_emails if publish else registry.hidden_emails).add(email)
    return user


def product(registry: Registry, slug: str, name: str, descriptions=(), **fields) -> Product:
    item = Product(slug=slug, name=name, **fields)
    for language, short, long, features in descriptions:
        item.descriptions.append(
            ProductDescription(
                language=language,
                short_description=short,
                long_description=long,
                features=features,
            )
        )
    db.session.add(item)
    registry.products[slug] = item
    return item


@pytest.fixture
def registry(app) -> Registry:
    # The day the test runs, not the day the suite started: a run can pass midnight.
    global TODAY, LAST_YEAR, NEXT_YEAR
    TODAY = date.today()
    LAST_YEAR, NEXT_YEAR = TODAY - timedelta(days=365), TODAY + timedelta(days=365)
    registry = Registry()
    petra = person(registry, "petra.published@example.org", "Petra Published", publish=True)
    hans = person(registry, "hans.hidden@example.org", "Hans Hidden", publish=False)
    nameless = person(registry, "nameless.chair@example.org", "", publish=False)
    former = person(registry, "former.chair@example.org", "Frida Former", publish=False)
    member = person(registry, "gustav.member@example.org", "Gustav Member", publish=True)
    olga = person(registry, "olga.contact@aarhus.example.dk", "Olga Contact", publish=False)
    sara = person(registry, "sara.supplier@approved.example.dk", "Sara Supplier", publish=False)
    pia = person(registry, "pia.point@example.org", "Pia Point", publish=False)
    registry.hidden_emails.add("kontakt@approved.example.dk")
    registry.hidden_emails.add("kontakt@pending.example.dk")
    registry.hidden_emails.add("post@aarhus.example.dk")
    registry.hidden_emails.add("faktura@aarhus.example.dk")
    db.session.flush()

    aarhus = members.create_organisation(
        name="Aarhus Kommune",
        kind="municipality",
        country="DK",
        registration_number="55133018",
        address=f"Rådhuspladsen 2, 8000 Aarhus C, tlf. {PHONES[0]}",
        email="post@aarhus.example.dk",
    )
    odense = members.create_organisation(name="Odense Kommune", kind="municipality", country="DK")
    praha = members.create_organisation(
        name="Praha 7", kind="municipality", country="CZ", address=f"tel. {PHONES[2]}"
    )
    former_member = members.create_organisation(
        name="Former Kommune", kind="municipality", country="DK"
    )
    applicant = members.create_organisation(name="Applicant Region", kind="region", country="DK")
    for organisation in (aarhus, odense, praha, former_member):
        members.change_membership(organisation, "active", LAST_YEAR - timedelta(days=30))
    members.change_membership(former_member, "resigned", LAST_YEAR)
    members.change_membership(applicant, "applied", LAST_YEAR)
    members.add_contact(aarhus, olga.id, "primary")
    db.session.add(
        BillingIdentity(
            organisation=aarhus,
            name="Økonomi",
            gln="5798000000001",
            invoice_email="faktura@aarhus.example.dk",
        )
    )
    registry.private_values |= {"55133018", "5798000000001", "Rådhuspladsen"}

    borger = product(
        registry,
        "borgerportal",
        "Borgerportal",
        [
            (
                "en",
                "A portal for citizens",
                "Citizens find their cases.\n\nSecond part.",
                "Cases\nBookings",
            ),
            ("da", "En portal til borgere", "Borgerne finder deres sager.", "Sager"),
        ],
        status="product",
        level="N2",
        licence="MPL-2.0",
        repository_url="https://git.example.org/borgerportal",
        website_url="https://borgerportal.example.org",
        point_person_name="Pia Point",
        point_person_user_id=pia.id,
    )
    kalender = product(
        registry,
        "kalender",
        "Kalender",
        [("da", "Kun på dansk", "", "")],
        status="project",
        level="sandbox",
        licence="EUPL-1.2",
    )
    product(
        registry,
        "ideen",
        "Ideen",
        [("de", "Nur auf Deutsch", "", ""), ("cs", "Jen česky", "", "")],
        status="idea",
    )
    product(
        registry,
        "gammel",
        "Gammel",
        [("en", "An old system", "", "")],
        status="retired",
        level="N1",
    )
    db.session.flush()

    db.session.add_all(
        [
            Participation(
                organisation=aarhus, product=borger, phase="agreement", starts_on=LAST_YEAR
            ),
            Participation(
                organisation=praha,
                product=borger,
                phase="commitment",
                starts_on=LAST_YEAR,
                ends_on=TODAY,
            ),
            # Ended yesterday, and starting next year: neither takes part today.
            Participation(
                organisation=odense,
                product=borger,
                phase="agreement",
                starts_on=LAST_YEAR,
                ends_on=TODAY - timedelta(days=1),
            ),
            Participation(
                organisation=former_member,
                product=kalender,
                phase="commitment",
                starts_on=NEXT_YEAR,
            ),
        ]
    )

    def supplier(name, status, email, agreements=(), **fields):
        item = Supplier(
            name=name,
            country="DK",
            registration_number=str(abs(hash(name)) % 10**8).zfill(8),
            contact_name=f"{name} contact person",
            contact_email=email,
            status=status,
            **fields,
        )
        for signed_on, valid_until, products in agreements:
            item.agreements.append(
                SupplierAgreement(
                    version="2026-1",
                    signed_on=signed_on,
                    valid_until=valid_until,
                    products=products,
                )
            )
        db.session.add(item)
        registry.private_values.add(item.contact_name)
        return item

    approved = supplier(
        "Approved ApS",
        "approved",
        "kontakt@approved.example.dk",
        [(LAST_YEAR, None, [borger, kalender])],
        service_types=["development", "hosting"],
        statement="We build portals.",
        address=f"Havnegade 1, tlf. {PHONES[1]}",
        vat_number="DK12345674",
    )
    registry.private_values |= {"Havnegade", "DK12345674"}
    supplier("Pending ApS", "pending", "kontakt@pending.example.dk", [(LAST_YEAR, None, [borger])])
    supplier("Rejected ApS", "rejected", "no@rejected.example.dk", [(LAST_YEAR, None, [borger])])
    supplier(
        "Expired ApS",
        "approved",
        "kontakt@expired.example.dk",
        [(LAST_YEAR - timedelta(days=400), LAST_YEAR, [borger])],
    )
    supplier("Future ApS", "approved", "kontakt@future.example.dk", [(NEXT_YEAR, None, [borger])])
    registry.hidden_emails |= {
        "no@rejected.example.dk",
        "kontakt@expired.example.dk",
        "kontakt@future.example.dk",
    }
    db.session.flush()
    db.session.add(SupplierContact(supplier=approved, user=sara))

    steering = Group(
        kind="steering_committee", name="Borgerportal steering committee", product=borger
    )
    coordination = Group(
        kind="coordination_group", name="Borgerportal coordination", product=borger
    )
    board = Group(kind="board", name="The board")
    db.session.add_all([steering, coordination, board])
    db.session.flush()
    db.session.add_all(
        [
            GroupMember(
                group=steering, user=petra, organisation=aarhus, role="chair", starts_on=LAST_YEAR
            ),
            GroupMember(
                group=steering, user=member, organisation=aarhus, role="member", starts_on=LAST_YEAR
            ),
            GroupMember(
                group=steering,
                user=former,
                role="chair",
                starts_on=LAST_YEAR - timedelta(days=400),
                ends_on=LAST_YEAR,
            ),
            GroupMember(
                group=coordination, user=hans, supplier=approved, role="chair", starts_on=LAST_YEAR
            ),
            GroupMember(group=coordination, user=nameless, role="chair", starts_on=LAST_YEAR),
            GroupMember(
                group=board, user=olga, organisation=aarhus, role="chair", starts_on=LAST_YEAR
            ),
        ]
    )
    db.session.commit()
    return registry
