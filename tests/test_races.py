"""Each action takes effect once, also when several people (or double clicks) ask at once.

Every test fires one action from several connections at the same moment and then counts the
rows: nothing doubles, nobody sees a server error, and the late ones read a clear message.
They run on both databases: on PostgreSQL the rows are locked, on SQLite every transaction
waits for the write lock.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consortium.auth.models import User
from consortium.extensions import db
from consortium.fees import services
from consortium.fees.models import BudgetShare, ProductBudget
from consortium.groups import services as groups
from consortium.groups.models import GroupMember
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.members.models import Membership, Organisation, PendingImport, PopulationFigure
from consortium.participation import services as participation
from consortium.participation.models import Participation, ParticipationRequest
from consortium.products.models import Product
from consortium.suppliers import services as suppliers
from consortium.suppliers.models import Supplier, SupplierContact
from tests.conftest import make_user
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 6
YEAR = 2027
SECRETARIAT = "secretariat@example.org"
CONTACT = "it@aarhus.example.dk"


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _municipality(name: str, population: int, **fields) -> Organisation:
    organisation = members.create_organisation(
        name=name, kind="municipality", country="DK", **fields
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    members.set_population(organisation, YEAR - 1, population, "test")
    members.set_population(organisation, YEAR - 2, population, "test")
    return organisation


@pytest.fixture
def race_app(committed_app):
    with committed_app.app_context():
        make_user(SECRETARIAT, secretariat=True)
        yield committed_app


@pytest.fixture
def product(race_app):
    found = Product(slug="os2forms", name="OS2forms", status="product", level="N2")
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def split_budget(product):
    """A draft budget of 567,600.00 split by population among three participants."""
    for name, population in (("Aarhus", 350_000), ("Odder", 23_000), ("Skanderborg", 63_000)):
        organisation = _municipality(f"{name} Kommune", population)
        participation.create_participation(
            organisation, product, phase="agreement", starts_on=date(2020, 1, 1)
        )
    services.save_tariff(
        product,
        YEAR,
        pricing={"type": "budget_split", "method": "population"},
        part_year_method="half_year_after_1_july",
        part_year_refunds=False,
    )
    budget = services.save_budget(
        product, YEAR, [{"purpose": "development", "amount": Decimal("567600.00"), "note": ""}]
    )
    db.session.commit()
    return budget


def _shares(budget_id: int) -> list[BudgetShare]:
    db.session.expire_all()
    return list(db.session.scalars(select(BudgetShare).where(BudgetShare.budget_id == budget_id)))


def _budget_post(race_app, action: str):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/fees/products/os2forms/{YEAR}/budget/{action}"
    return fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))


def _assert_shares_add_up(budget_id: int) -> None:
    shares = _shares(budget_id)
    assert len(shares) == 3
    assert len({share.organisation_id for share in shares}) == 3
    assert sum(share.amount for share in shares) == Decimal("567600.00")


def test_approving_a_budget_at_once_records_every_share_once(race_app, split_budget):
    outcomes = _budget_post(race_app, "approve")
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "every participant&#39;s share recorded") == 1
    assert count_saying(outcomes, "This budget has been approved already.") == N - 1
    _assert_shares_add_up(split_budget.id)
    assert _count(ProductBudget, ProductBudget.status == "approved") == 1


@pytest.mark.parametrize(
    ("action", "status", "done", "late"),
    [
        ("freeze", "frozen", "The budget has been frozen", "This budget has been frozen already."),
        ("draft", "draft", "The budget is a draft again.", "This budget is a draft already."),
    ],
)
def test_a_budget_changes_status_once(race_app, split_budget, action, status, done, late):
    services.approve_budget(db.session.merge(split_budget), None)
    db.session.commit()
    outcomes = _budget_post(race_app, action)
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, done) == 1
    assert count_saying(outcomes, late) == N - 1
    assert _count(ProductBudget, ProductBudget.status == status) == 1
    assert len(_shares(split_budget.id)) == (0 if status == "draft" else 3)


def test_confirming_new_shares_at_once_records_them_once(race_app, split_budget, product):
    services.approve_budget(db.session.merge(split_budget), None)
    late = _municipality("Horsens Kommune", 90_000)
    participation.create_participation(
        late, db.session.merge(product), phase="agreement", starts_on=date(YEAR, 1, 1)
    )
    db.session.commit()
    outcomes = _budget_post(race_app, "confirm")
    assert_no_server_error(outcomes)
    shares = _shares(split_budget.id)
    assert len(shares) == 4
    assert len({share.organisation_id for share in shares}) == 4
    assert sum(share.amount for share in shares) == Decimal("567600.00")


@pytest.fixture
def aarhus(race_app):
    organisation = _municipality("Aarhus Kommune", 350_000, registration_number="55133018")
    members.save_billing_identity(organisation, None, name="Central finance", is_default=True)
    user = make_user(CONTACT)
    members.add_contact(organisation, user.id, "primary")
    db.session.commit()
    return organisation


def _join_data(organisation: Organisation, product: Product) -> dict:
    return {
        "product": str(product.id),
        "phase": "agreement",
        "starts_on": "2026-01-01",
        "billing_identity": str(organisation.billing_identities[0].id),
        "message": "We would like to use it.",
    }


def test_asking_to_join_at_once_leaves_one_pending_request(race_app, aarhus, product):
    clients = signed_in_clients(race_app, CONTACT, N)
    url = f"/participation/organisations/{aarhus.id}/join"
    data = _join_data(aarhus, product)
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "There is already a pending request") == N - 1
    assert _count(ParticipationRequest, ParticipationRequest.status == "pending") == 1


def test_approving_a_join_request_at_once_creates_one_participation(race_app, aarhus, product):
    request = participation.request_join(
        aarhus,
        product,
        db.session.scalar(select(User).where(User.email == CONTACT)),
        phase="agreement",
        starts_on=date(2026, 1, 1),
        billing_identity=aarhus.billing_identities[0],
        amount_per_year=None,
    )
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/participation/requests/{request.id}/approve"
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The request has been approved") == 1
    assert count_saying(outcomes, "This request has already been decided.") == N - 1
    assert _count(Participation) == 1
    assert _count(OutboxMessage, OutboxMessage.recipient == CONTACT) == 1


def test_giving_notice_at_once_leaves_one_request_and_one_notice(race_app, aarhus, product):
    current = participation.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2020, 1, 1)
    )
    db.session.commit()
    clients = signed_in_clients(race_app, CONTACT, N)
    url = f"/participation/{current.id}/leave"
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data={"message": "Bye"}))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "There is already a pending request") == N - 1
    (request,) = db.session.scalars(select(ParticipationRequest)).all()

    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/participation/requests/{request.id}/approve"
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The request has been approved") == 1
    assert count_saying(outcomes, "This request has already been decided.") == N - 1
    assert _count(OutboxMessage, OutboxMessage.recipient == CONTACT) == 1


def test_confirming_an_import_at_once_imports_it_once(race_app):
    client = signed_in_clients(race_app, SECRETARIAT, 1)[0]
    text = "name;kind;country\nKL Digital;other;DK\n"
    client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(text.encode()), "bodies.csv")},
        content_type="multipart/form-data",
    )
    pending = db.session.scalar(select(PendingImport))
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/organisations/import/{pending.id}"
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "bodies.csv has been imported: 1 created") == 1
    assert count_saying(outcomes, "This file has been imported already") == N - 1
    assert _count(Organisation, Organisation.name == "KL Digital") == 1


@pytest.fixture
def pending_supplier(race_app):
    found = suppliers.register_supplier(
        name="Magenta ApS",
        country="DK",
        registration_number="31000009",
        address="Pilestræde 43",
        contact_name="Mads Magenta",
        contact_email="mads@magenta.example.dk",
        service_types=["development"],
        product_ids=[],
        statement="",
        language="en",
    )
    db.session.commit()
    return found


def test_approving_a_supplier_at_once_gives_one_account(race_app, pending_supplier):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/suppliers/{pending_supplier.id}/approve"
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "is now its contact") == 1
    assert count_saying(outcomes, "Magenta ApS has been approved already.") == N - 1
    assert _count(User, User.email == "mads@magenta.example.dk") == 1
    assert _count(SupplierContact) == 1
    # The confirmation of the registration, the approval and one invitation.
    assert _count(OutboxMessage, OutboxMessage.recipient == "mads@magenta.example.dk") == 3


def test_rejecting_a_supplier_at_once_sends_one_rejection(race_app, pending_supplier):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/suppliers/{pending_supplier.id}/reject"
    data = {"reason": "No code of conduct."}
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data, follow_redirects=True))
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "Magenta ApS has been rejected.") == 1
    assert count_saying(outcomes, "Only a pending registration can be rejected.") == N - 1
    assert _count(Supplier, Supplier.status == "rejected") == 1
    # The confirmation of the registration, and one rejection.
    assert _count(OutboxMessage, OutboxMessage.recipient == "mads@magenta.example.dk") == 2


def test_adding_one_organisation_at_once_adds_it_once(race_app):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    data = {
        "name": "Aalborg Kommune",
        "kind": "municipality",
        "country": "DK",
        "registration_number": "29189757",
    }
    outcomes = fire_at_once(N, lambda i: clients[i].post("/organisations/new", data=data))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "Aalborg Kommune already has this registration number.") == N - 1
    assert _count(Organisation, Organisation.registration_number == "29189757") == 1


def test_a_membership_step_asked_for_at_once_is_recorded_once(race_app):
    organisation = members.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK"
    )
    members.change_membership(organisation, "applied", date(2025, 1, 1))
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/organisations/{organisation.id}/membership"
    data = {"status": "active", "status_on": "2025-06-01", "reason": "Board decision"}
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "The membership has this status already.") == N - 1
    assert _count(Membership, Membership.status == "active") == 1


def test_a_bulk_membership_change_asked_for_at_once_is_recorded_once(race_app):
    organisations = [
        members.create_organisation(name=name, kind="municipality", country="DK")
        for name in ("Odder Kommune", "Samsø Kommune", "Fanø Kommune")
    ]
    for organisation in organisations:
        members.change_membership(organisation, "applied", date(2025, 1, 1))
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    data = {
        "organisation": [str(organisation.id) for organisation in reversed(organisations)],
        "status": "active",
        "status_on": "2025-06-01",
    }
    outcomes = fire_at_once(
        N, lambda i: clients[i].post("/organisations/selection/membership", data=data)
    )
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "Nothing has been changed") == N - 1
    assert _count(Membership, Membership.status == "active") == 3


def test_a_population_figure_recorded_at_once_is_kept_once(race_app):
    organisation = members.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK"
    )
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/organisations/{organisation.id}/population"
    data = {"year": "2025", "population": "23000", "source": "BY2"}
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data))
    assert_no_server_error(outcomes)
    assert all(outcome.status == 302 for outcome in outcomes)
    assert _count(PopulationFigure) == 1


def test_a_group_term_added_at_once_is_recorded_once(race_app, aarhus):
    group = groups.create_group("board", "The board")
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/groups/{group.id}/members/new"
    data = {
        "email": CONTACT,
        "organisation": str(aarhus.id),
        "role": "member",
        "starts_on": "2025-01-01",
    }
    outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "already has a term in this group") == N - 1
    assert _count(GroupMember) == 1


def test_inviting_one_person_at_once_makes_one_account(race_app):
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    data = {"email": "new@example.org", "name": "New Person", "language": ""}
    outcomes = fire_at_once(N, lambda i: clients[i].post("/users/invite", data=data))
    assert_no_server_error(outcomes)
    assert sum(outcome.status == 302 for outcome in outcomes) == 1
    assert count_saying(outcomes, "A user with this email address already exists.") == N - 1
    assert _count(User, User.email == "new@example.org") == 1
    assert _count(OutboxMessage, OutboxMessage.recipient == "new@example.org") == 1


def test_two_suppliers_with_one_contact_approved_at_once_share_one_account(race_app):
    numbers = ("31000009", "10000009")
    ids = []
    for number in numbers:
        found = suppliers.register_supplier(
            name=f"Supplier {number}",
            country="DK",
            registration_number=number,
            address="Pilestræde 43",
            contact_name="Mads Magenta",
            contact_email="mads@magenta.example.dk",
            service_types=["development"],
            product_ids=[],
            statement="",
            language="en",
        )
        ids.append(found.id)
    db.session.commit()
    clients = signed_in_clients(race_app, SECRETARIAT, 2)
    outcomes = fire_at_once(
        2, lambda i: clients[i].post(f"/suppliers/{ids[i]}/approve", follow_redirects=True)
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "is now its contact") == 2
    assert _count(User, User.email == "mads@magenta.example.dk") == 1
    assert _count(SupplierContact) == 2


def test_anonymising_a_person_at_once_does_it_once(race_app, aarhus):
    person = db.session.scalar(select(User).where(User.email == CONTACT))
    clients = signed_in_clients(race_app, SECRETARIAT, N)
    url = f"/privacy/users/{person.id}/anonymise"
    outcomes = fire_at_once(
        N, lambda i: clients[i].post(url, data={"confirm": "y"}, follow_redirects=True)
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "The person has been anonymised") == 1
    assert count_saying(outcomes, "This person has already been anonymised.") == N - 1
    assert _count(User, User.email == CONTACT) == 0
