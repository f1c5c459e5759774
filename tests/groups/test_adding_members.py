"""Adding a group member: the secretariat finds a person or invites someone new; a group's
chair or secretary adds people by exact email only and can never browse the users."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium.auth.models import User
from consortium.extensions import db
from consortium.groups.models import GroupMember
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.members.models import Organisation, OrganisationContact
from tests.conftest import login, make_user
from tests.groups.factories import add, contact


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _term(email: str) -> GroupMember | None:
    db.session.expire_all()
    return db.session.scalar(select(GroupMember).join(User).where(User.email == email))


def test_secretariat_finds_a_contact_and_adds_them(secretariat_client, committee, aarhus):
    contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    url = f"/groups/{committee.id}/members/new"
    page = secretariat_client.get(f"{url}?q=lund").get_data(as_text=True)
    assert "Lone Lund" in page and "lone@aarhus.example.dk" in page
    lone = db.session.scalar(select(User).where(User.email == "lone@aarhus.example.dk"))
    page = secretariat_client.get(f"{url}?q=lund&person={lone.id}").get_data(as_text=True)
    assert "Add Lone Lund" in page and 'value="lone@aarhus.example.dk"' in page
    response = secretariat_client.post(
        url,
        data={
            "email": "lone@aarhus.example.dk",
            "organisation": str(aarhus.id),
            "role": "member",
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert _term("lone@aarhus.example.dk").organisation_id == aarhus.id


def test_secretariat_invites_someone_new_who_becomes_a_contact(
    secretariat_client, committee, aarhus
):
    response = secretariat_client.post(
        f"/groups/{committee.id}/members/new",
        data={
            "email": "ny@aarhus.example.dk",
            "name": "Ny Person",
            "language": "cs",
            "organisation": str(aarhus.id),
            "role": "member",
            "starts_on": "2025-01-01",
        },
        follow_redirects=True,
    )
    assert "Ny Person has been invited by email and is now in OS2forms steering committee." in (
        response.get_data(as_text=True)
    )
    person = db.session.scalar(select(User).where(User.email == "ny@aarhus.example.dk"))
    assert (person.name, person.language) == ("Ny Person", "cs")
    assert aarhus.has_contact(person.id)
    assert _term("ny@aarhus.example.dk") is not None
    [mail] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "ny@aarhus.example.dk")
    ).all()
    assert "Ny Person" in mail.body


def test_a_refused_term_keeps_no_account_no_contact_and_sends_no_invitation(
    secretariat_client, committee, aarhus
):
    url = f"/groups/{committee.id}/members/new"
    new = {"email": "ny@aarhus.example.dk", "name": "Ny Person", "role": "member"}
    page = secretariat_client.post(url, data=new | {"starts_on": "2025-01-01"}).get_data(
        as_text=True
    )
    assert "Choose the organisation a new person represents" in page
    page = secretariat_client.post(
        url,
        data=new
        | {"organisation": str(aarhus.id), "starts_on": "2025-06-01", "ends_on": "2025-01-01"},
    ).get_data(as_text=True)
    assert "The end of the term is before its start." in page
    assert _count(User, User.email == "ny@aarhus.example.dk") == 0
    assert _count(OutboxMessage, OutboxMessage.recipient == "ny@aarhus.example.dk") == 0
    assert _count(OrganisationContact) == 0
    assert _count(GroupMember) == 0


def test_a_chair_adds_a_contact_by_exact_email_and_cannot_browse(client, committee, aarhus):
    chair = contact(aarhus, "chair@aarhus.example.dk", "Chair Person")
    add(committee, chair, aarhus, role="chair")
    contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    login(client, "chair@aarhus.example.dk")
    assert "Add a member" in client.get(f"/groups/{committee.id}").get_data(as_text=True)
    url = f"/groups/{committee.id}/members/new"
    for query in ("?q=lone", "?q=@", "?q=lund&person=1"):
        page = client.get(url + query).get_data(as_text=True)
        assert "Lone Lund" not in page and "lone@aarhus.example.dk" not in page, query
        assert "Find a person" not in page
    data = {
        "email": "lone@aarhus.example.dk",
        "name": "Lone",
        "organisation": str(aarhus.id),
        "role": "member",
        "starts_on": "2025-01-01",
    }
    response = client.post(url, data=data, follow_redirects=True)
    assert "lone@aarhus.example.dk is now in OS2forms steering committee." in response.get_data(
        as_text=True
    )
    assert _term("lone@aarhus.example.dk").role == "member"


def test_a_chair_invites_only_for_an_organisation_whose_contacts_they_manage(
    client, committee, aarhus
):
    chair = contact(aarhus, "chair@aarhus.example.dk", "Chair Person")
    add(committee, chair, aarhus, role="secretary")
    login(client, "chair@aarhus.example.dk")
    aarhus_id = aarhus.id
    url = f"/groups/{committee.id}/members/new"
    data = {
        "email": "ny@aarhus.example.dk",
        "name": "Ny Person",
        "organisation": str(aarhus.id),
        "role": "member",
        "starts_on": "2025-01-01",
    }
    # Not Aarhus's primary contact: the same answer as for someone with an account who is no
    # contact, and nothing is made.
    page = client.post(url, data=data).get_data(as_text=True)
    assert "The person is not a contact of this organisation." in page
    assert _count(User, User.email == "ny@aarhus.example.dk") == 0

    aarhus = db.session.get(Organisation, aarhus_id)
    members.add_contact(aarhus, chair.id, "primary")
    db.session.commit()
    assert client.post(url, data=data).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "ny@aarhus.example.dk"))
    assert db.session.get(Organisation, aarhus_id).has_contact(person.id)
    assert _term("ny@aarhus.example.dk") is not None


def test_an_ordinary_member_or_another_groups_chair_cannot_add(client, committee, aarhus, product):
    from consortium.groups import services

    member = contact(aarhus, "member@aarhus.example.dk")
    add(committee, member, aarhus, role="member")
    other_group = services.create_group("coordination_group", "OS2forms CG", product)
    other_chair = contact(aarhus, "chair@aarhus.example.dk")
    add(other_group, other_chair, aarhus, role="chair")
    make_user("stranger@example.org")
    for email in ("member@aarhus.example.dk", "chair@aarhus.example.dk", "stranger@example.org"):
        client.post("/sign-out")
        login(client, email)
        assert client.get(f"/groups/{committee.id}/members/new").status_code == 403, email
        assert (
            client.post(
                f"/groups/{committee.id}/members/new",
                data={
                    "email": "stranger@example.org",
                    "name": "X",
                    "organisation": str(aarhus.id),
                    "role": "chair",
                    "starts_on": "2025-01-01",
                },
            ).status_code
            == 403
        )
    assert _count(GroupMember) == 2
