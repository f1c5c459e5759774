"""The demo's groups: a board, a general assembly, and each product's committees.

Loaded after the member register (consortium/demo.py) and the products; adds a few more
people as contacts of member municipalities to represent them. Uses the services only.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.extensions import db
from consortium.groups import services
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier

# Existing demo logins and the organisation each represents.
DEMO_PEOPLE = (
    ("mette.kristensen@demo.example.org", "Aarhus Kommune"),
    ("anna.jensen@demo.example.org", "Syddjurs Kommune"),
    ("karen.holm@demo.example.org", "Norddjurs Kommune"),
    ("jens.poulsen@demo.example.org", "Odense Kommune"),
    ("peter.madsen@demo.example.org", "Digitaliseringsstyrelsen"),
)
# More representatives of member municipalities: (email, name, organisation).
REPRESENTATIVES = (
    ("sofie.larsen@demo.example.org", "Sofie Larsen", "Københavns Kommune"),
    ("mikkel.andersen@demo.example.org", "Mikkel Andersen", "Aalborg Kommune"),
    ("camilla.berg@demo.example.org", "Camilla Berg", "Vejle Kommune"),
    ("thomas.friis@demo.example.org", "Thomas Friis", "Horsens Kommune"),
    ("louise.dahl@demo.example.org", "Louise Dahl", "Silkeborg Kommune"),
    ("rasmus.bech@demo.example.org", "Rasmus Bech", "Randers Kommune"),
    ("ida.winther@demo.example.org", "Ida Winther", "Esbjerg Kommune"),
    ("henrik.lund@demo.example.org", "Henrik Lund", "Kolding Kommune"),
)
TERMS_OF_REFERENCE = {
    "board": (
        "The board leads the association between general assemblies. It approves products "
        "at levels N2 and N3, the budget and the fees, and meets at least four times a year."
    ),
    "general_assembly": (
        "Every member organisation has one vote. The general assembly elects the board, "
        "approves the accounts and sets the membership fee."
    ),
    "steering_committee": (
        "The steering committee sets the product's direction and budget, prioritises the "
        "backlog with the coordination group and reports to the board. It has three to six "
        "representatives of participating organisations."
    ),
    "coordination_group": (
        "The coordination group plans releases, follows the development and testing, and "
        "brings the users' and suppliers' needs to the steering committee."
    ),
}


def _people() -> list[tuple[User, Organisation]]:
    """The demo's representatives with their organisations; creates the missing ones."""
    organisations = {
        organisation.name: organisation for organisation in db.session.scalars(select(Organisation))
    }
    people = []
    for email, organisation_name in DEMO_PEOPLE:
        user = auth_services.find_user_by_email(email)
        organisation = organisations.get(organisation_name)
        if user is None or organisation is None:
            continue
        if not any(contact.user_id == user.id for contact in organisation.contacts):
            members.add_contact(organisation, user.id, "other")
        people.append((user, organisation))
    for email, name, organisation_name in REPRESENTATIVES:
        organisation = organisations.get(organisation_name)
        if organisation is None:
            continue
        user = auth_services.find_user_by_email(email) or auth_services.create_user(
            email, name, language="da"
        )
        if not any(contact.user_id == user.id for contact in organisation.contacts):
            members.add_contact(organisation, user.id, "other")
        people.append((user, organisation))
    return people


def load_demo(today: date | None = None) -> None:
    """Add the board, the general assembly and two groups per product, with members."""
    today = today or date.today()
    people = _people()
    if len(people) < 4:
        return
    started = date(today.year - 1, 1, 1)

    def term(group, person, role="member", starts_on=started, ends_on=None):
        user, organisation = person
        services.add_member(
            group,
            user,
            organisation=organisation,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    board = services.create_group("board", "Board", terms_of_reference=TERMS_OF_REFERENCE["board"])
    for index, person in enumerate(people[:5]):
        term(board, person, ("chair", "member", "member", "secretary", "member")[index])
    # A former board member, kept in the history.
    term(board, people[-1], starts_on=date(today.year - 4, 1, 1), ends_on=started - timedelta(1))
    board_people = people[:5]
    assembly = services.create_group(
        "general_assembly",
        "General assembly",
        terms_of_reference=TERMS_OF_REFERENCE["general_assembly"],
    )
    term(assembly, people[0], "chair")
    term(assembly, people[1], "secretary")

    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    others = people[5:] or people
    supplier_contacts = [
        (contact.user, supplier)
        for supplier in db.session.scalars(
            select(Supplier).where(Supplier.status == "approved").order_by(Supplier.name)
        )
        for contact in supplier.contacts
    ]
    for number, product in enumerate(products):
        committee = services.create_group(
            "steering_committee",
            f"{product.name} steering committee",
            product,
            TERMS_OF_REFERENCE["steering_committee"],
        )
        # Rotate through the people; the last product's committee is left too small, so the
        # warnings have something to show.
        size = 2 if number == len(products) - 1 and len(products) > 1 else 4
        chosen = [others[(number + offset) % len(others)] for offset in range(size - 1)]
        board_member = board_people[number % len(board_people)]
        if product.level == "N3" or number % 2 == 0:
            chosen.insert(0, board_member)
        else:
            chosen.append(others[(number + size) % len(others)])
        seen = set()
        for index, person in enumerate(chosen):
            if person[0].id in seen:
                continue
            seen.add(person[0].id)
            term(committee, person, "chair" if index == 0 else "member")
        coordination = services.create_group(
            "coordination_group",
            f"{product.name} coordination group",
            product,
            TERMS_OF_REFERENCE["coordination_group"],
        )
        seen = set()
        for offset in range(4):
            person = people[(number * 2 + offset) % len(people)]
            if person[0].id in seen:
                continue
            seen.add(person[0].id)
            term(coordination, person, ("chair", "secretary", "member", "member")[offset])
        if supplier_contacts:
            user, supplier = supplier_contacts[number % len(supplier_contacts)]
            services.add_member(
                coordination, user, supplier=supplier, role="observer", starts_on=started
            )
    db.session.flush()
