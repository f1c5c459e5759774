"""The secretariat sets up groups and terms; warnings show; members see their groups."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.groups import services
from consortium.groups.models import Group, GroupMember
from consortium.suppliers.models import Supplier, SupplierContact
from tests.conftest import login
from tests.groups.factories import add, contact


def test_secretariat_creates_a_steering_committee_for_a_product(secretariat_client, product):
    response = secretariat_client.post(
        "/groups/new",
        data={
            "kind": "steering_committee",
            "name": "OS2forms SC",
            "product": str(product.id),
            "terms_of_reference": "Meets four times a year.",
        },
    )
    assert response.status_code == 302
    group = db.session.scalar(select(Group).where(Group.name == "OS2forms SC"))
    assert group.product_id == product.id
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Meets four times a year." in page
    assert "The group has no current chair." in page


def test_a_product_group_needs_a_product_and_the_board_has_none(secretariat_client, product):
    page = secretariat_client.post(
        "/groups/new", data={"kind": "coordination_group", "name": "Coordination"}
    ).get_data(as_text=True)
    assert "needs a product" in page
    page = secretariat_client.post(
        "/groups/new", data={"kind": "board", "name": "Board", "product": str(product.id)}
    ).get_data(as_text=True)
    assert "belong to no product" in page
    assert db.session.scalar(select(Group)) is None


def test_secretariat_edits_a_group(secretariat_client, committee):
    response = secretariat_client.post(
        f"/groups/{committee.id}/edit",
        data={
            "kind": "steering_committee",
            "name": "Renamed committee",
            "product": str(committee.product_id),
            "terms_of_reference": "New terms.",
        },
    )
    assert response.status_code == 302
    committee = db.session.get(Group, committee.id)
    assert (committee.name, committee.terms_of_reference) == ("Renamed committee", "New terms.")


def test_add_a_member_representing_their_organisation(secretariat_client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    response = secretariat_client.post(
        f"/groups/{committee.id}/members/new",
        data={
            "email": "lone@aarhus.example.dk",
            "organisation": str(aarhus.id),
            "role": "chair",
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    member = db.session.scalar(select(GroupMember))
    assert (member.user_id, member.organisation_id, member.role) == (person.id, aarhus.id, "chair")
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    assert "Lone Lund" in page and "Aarhus Kommune" in page and "Chair" in page
    assert "The group has no current chair." not in page
    # One representative: the committee is too small.
    assert "The steering committee has 1 representatives; it should have 3 to 6." in page


def test_a_member_must_be_a_contact_of_whom_they_represent(secretariat_client, committee, aarhus):
    from tests.conftest import make_user

    make_user("stranger@example.org")
    page = secretariat_client.post(
        f"/groups/{committee.id}/members/new",
        data={
            "email": "stranger@example.org",
            "organisation": str(aarhus.id),
            "role": "member",
            "starts_on": "2025-01-01",
        },
    ).get_data(as_text=True)
    assert "The person is not a contact of this organisation." in page
    page = secretariat_client.post(
        f"/groups/{committee.id}/members/new",
        data={"email": "nobody@example.org", "role": "member", "starts_on": "2025-01-01"},
    ).get_data(as_text=True)
    assert "No one has an account with this email address yet" in page
    assert db.session.scalar(select(GroupMember)) is None


def test_a_supplier_contact_sits_only_in_a_coordination_group(
    secretariat_client, committee, product
):
    from tests.conftest import make_user

    person = make_user("dev@supplier.example.dk")
    supplier = Supplier(
        name="Magenta ApS",
        country="DK",
        registration_number="25052943",
        contact_name="Dev",
        contact_email="dev@supplier.example.dk",
    )
    db.session.add_all([supplier, SupplierContact(supplier=supplier, user_id=person.id)])
    db.session.commit()
    data = {
        "email": "dev@supplier.example.dk",
        "supplier": str(supplier.id),
        "role": "member",
        "starts_on": "2025-01-01",
    }
    page = secretariat_client.post(f"/groups/{committee.id}/members/new", data=data)
    assert "Only a coordination group has members from suppliers." in page.get_data(as_text=True)
    coordination = services.create_group("coordination_group", "OS2forms CG", product)
    db.session.commit()
    response = secretariat_client.post(f"/groups/{coordination.id}/members/new", data=data)
    assert response.status_code == 302
    assert db.session.scalar(select(GroupMember)).supplier_id == supplier.id


def test_ending_a_term_keeps_the_member_in_the_history(secretariat_client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    member = add(committee, person, aarhus, role="chair")
    yesterday = date.today() - timedelta(days=1)
    response = secretariat_client.post(
        f"/groups/{committee.id}/members/{member.id}/end", data={"ends_on": yesterday.isoformat()}
    )
    assert response.status_code == 302
    member = db.session.get(GroupMember, member.id)
    assert member.ends_on == yesterday
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    current, past = page.split("Past members")
    assert "Lone Lund" not in current.split("Current members")[1]
    assert "Lone Lund" in past
    assert "The group has no current chair." in page
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "group_member")
    ).all()
    assert audited


def test_the_list_filters_and_shows_warnings(secretariat_client, committee, product):
    services.create_group("board", "The board")
    db.session.commit()
    page = secretariat_client.get("/groups/").get_data(as_text=True)
    assert "The board" in page and "OS2forms steering committee" in page
    assert "The steering committee has 0 representatives" in page
    page = secretariat_client.get("/groups/?kind=board").get_data(as_text=True)
    assert "The board" in page and "OS2forms steering committee" not in page
    page = secretariat_client.get(f"/groups/?product={product.id}").get_data(as_text=True)
    assert "The board" not in page and "OS2forms steering committee" in page


def test_an_n3_product_without_a_board_member_is_warned_about(
    secretariat_client, committee, aarhus
):
    committee.product.level = "N3"
    people = [contact(aarhus, f"p{i}@aarhus.example.dk") for i in range(3)]
    for index, person in enumerate(people):
        add(committee, person, aarhus, role="chair" if index == 0 else "member")
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    assert "no board member sits on its steering committee" in page
    board = services.create_group("board", "The board")
    add(board, people[1], aarhus, role="chair")
    page = secretariat_client.get(f"/groups/{committee.id}").get_data(as_text=True)
    assert "no board member" not in page
    assert "representatives; it should" not in page


def test_my_groups_lists_current_groups_with_role(client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    add(committee, person, aarhus, role="secretary")
    old = services.create_group("board", "Old board")
    add(old, person, aarhus, starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
    login(client, "lone@aarhus.example.dk")
    page = client.get("/groups/mine").get_data(as_text=True)
    assert "OS2forms steering committee" in page and "Secretary" in page
    assert "Old board" not in page
    home = client.get("/").get_data(as_text=True)
    assert "OS2forms steering committee" in home and "Old board" not in home


def test_my_groups_when_in_none(user_client):
    assert "You are not a member of any group." in user_client.get("/groups/mine").get_data(
        as_text=True
    )


def test_a_person_cannot_have_two_terms_in_a_group_at_once(secretariat_client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    add(committee, person, aarhus, role="chair", starts_on=date(2025, 1, 1))
    data = {
        "email": "lone@aarhus.example.dk",
        "organisation": str(aarhus.id),
        "role": "member",
        "starts_on": "2026-01-01",
    }
    response = secretariat_client.post(f"/groups/{committee.id}/members/new", data=data)
    assert response.status_code == 200
    assert "The person already has a term in this group in that period." in response.get_data(
        as_text=True
    )
    assert len(db.session.scalars(select(GroupMember)).all()) == 1


def test_a_new_term_may_follow_an_ended_one(secretariat_client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    add(committee, person, aarhus, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    response = secretariat_client.post(
        f"/groups/{committee.id}/members/new",
        data={
            "email": "lone@aarhus.example.dk",
            "organisation": str(aarhus.id),
            "role": "chair",
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert len(db.session.scalars(select(GroupMember)).all()) == 2


def test_the_service_refuses_overlapping_terms_and_extending_into_the_next(app, committee, aarhus):
    import pytest

    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    later = date.today() + timedelta(days=30)
    first = add(committee, person, aarhus, starts_on=date(2025, 1, 1), ends_on=later)
    second = add(committee, person, aarhus, starts_on=later + timedelta(days=1))
    with pytest.raises(services.GroupError) as caught:
        add(committee, person, aarhus, starts_on=later)
    assert caught.value.code == "overlapping_term"
    db.session.rollback()
    with pytest.raises(services.GroupError) as caught:
        services.end_term(first, later + timedelta(days=10))
    assert caught.value.code == "overlapping_term"
    # Another group is another matter.
    board = services.create_group("board", "The board")
    services.add_member(board, person, organisation=aarhus, starts_on=date(2025, 1, 1))
    assert second.ends_on is None
