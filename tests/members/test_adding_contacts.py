"""Adding a contact: the secretariat finds a person by name or email, or invites someone new;
a primary contact adds colleagues by exact email only, and can never browse the users."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consortium.auth.models import User
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.members import services
from consortium.members.models import Organisation
from tests.conftest import login, make_user


@pytest.fixture
def aarhus(app):
    organisation = services.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    db.session.commit()
    return organisation


@pytest.fixture
def others(app):
    """People with accounts who are nobody's contact yet."""
    return [
        make_user("bodil.nielsen@odder.example.dk", name="Bodil Nielsen"),
        make_user("karsten@skanderborg.example.dk", name="Karsten Bo"),
    ]


def roles(organisation) -> dict[str, str]:
    db.session.expire_all()
    return {
        contact.user.email: contact.role
        for contact in db.session.get(Organisation, organisation.id).contacts
    }


def invitations_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)))


def test_secretariat_finds_a_person_by_name_and_chooses_them(secretariat_client, aarhus, others):
    url = f"/organisations/{aarhus.id}/contacts/new"
    page = secretariat_client.get(f"{url}?q=bodil").get_data(as_text=True)
    assert "Bodil Nielsen" in page and "bodil.nielsen@odder.example.dk" in page
    assert "Karsten Bo" not in page
    # By part of the email address too, in any case.
    page = secretariat_client.get(f"{url}?q=SKANDERBORG").get_data(as_text=True)
    assert "Karsten Bo" in page and "Bodil Nielsen" not in page

    page = secretariat_client.get(f"{url}?q=bodil&person={others[0].id}").get_data(as_text=True)
    assert "Add Bodil Nielsen" in page
    assert 'value="bodil.nielsen@odder.example.dk"' in page
    response = secretariat_client.post(
        url, data={"email": "bodil.nielsen@odder.example.dk", "role": "finance"}
    )
    assert response.status_code == 302
    assert roles(aarhus) == {"bodil.nielsen@odder.example.dk": "finance"}
    assert invitations_to("bodil.nielsen@odder.example.dk") == []


def test_the_search_shows_what_it_did_not_find_and_survives_odd_input(
    secretariat_client, aarhus, others
):
    url = f"/organisations/{aarhus.id}/contacts/new"
    page = secretariat_client.get(f"{url}?q=nobody-by-this-name").get_data(as_text=True)
    assert "No one found for “nobody-by-this-name”" in page
    # Wildcards are searched for as themselves.
    assert "Bodil Nielsen" not in secretariat_client.get(f"{url}?q=%25").get_data(as_text=True)
    for odd in ("x" * 5000, "person=-1", "person=99999999999999"):
        assert secretariat_client.get(f"{url}?q={odd}&person=abc").status_code == 200


def test_secretariat_invites_someone_new_on_the_spot(secretariat_client, aarhus):
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/new",
        data={
            "email": "Ny.Kollega@Aarhus.example.dk",
            "name": "Ny Kollega",
            "language": "da",
            "role": "primary",
            "may_sign": "y",
        },
        follow_redirects=True,
    )
    assert (
        "Ny Kollega has been invited by email and is now a contact of Aarhus Kommune."
        in response.get_data(as_text=True)
    )
    person = db.session.scalar(select(User).where(User.email == "ny.kollega@aarhus.example.dk"))
    assert (person.name, person.language, person.has_password) == ("Ny Kollega", "da", False)
    assert roles(aarhus) == {"ny.kollega@aarhus.example.dk": "primary"}
    [mail] = invitations_to("ny.kollega@aarhus.example.dk")
    assert mail.subject.startswith("Din invitation til")


def test_a_primary_contact_invites_a_colleague_by_email(client, aarhus, others):
    mette = make_user("mette@aarhus.example.dk", name="Mette Kristensen")
    services.add_contact(aarhus, mette.id, "primary")
    db.session.commit()
    login(client, mette.email)
    url = f"/organisations/{aarhus.id}/contacts/new"
    page = client.get(url).get_data(as_text=True)
    assert "Find a person" not in page
    assert "May sign agreements" not in page

    response = client.post(
        url,
        data={
            "email": "kollega@aarhus.example.dk",
            "name": "Kollega",
            "language": "de",
            "role": "technical",
        },
        follow_redirects=True,
    )
    assert (
        "kollega@aarhus.example.dk has been invited by email and is now a contact of Aarhus"
        in response.get_data(as_text=True)
    )
    [mail] = invitations_to("kollega@aarhus.example.dk")
    assert mail.subject.startswith("Ihre Einladung")
    assert "Mette Kristensen" in mail.body

    # Someone with an account is added as they are: their own name stays.
    response = client.post(
        url,
        data={"email": "karsten@skanderborg.example.dk", "name": "Typed Name", "role": "other"},
        follow_redirects=True,
    )
    assert "karsten@skanderborg.example.dk is now a contact of Aarhus Kommune." in (
        response.get_data(as_text=True)
    )
    assert db.session.get(User, others[1].id).name == "Karsten Bo"
    assert roles(aarhus) == {
        "mette@aarhus.example.dk": "primary",
        "kollega@aarhus.example.dk": "technical",
        "karsten@skanderborg.example.dk": "other",
    }
    assert invitations_to("karsten@skanderborg.example.dk") == []


def test_a_primary_contact_cannot_browse_the_users(client, aarhus, others):
    mette = make_user("mette@aarhus.example.dk", name="Mette Kristensen")
    services.add_contact(aarhus, mette.id, "primary")
    db.session.commit()
    login(client, mette.email)
    url = f"/organisations/{aarhus.id}/contacts/new"
    for query in (
        "?q=bodil",
        "?q=a",
        "?q=@",
        f"?person={others[0].id}",
        f"?q=b&person={others[0].id}",
    ):
        page = client.get(url + query).get_data(as_text=True)
        assert "Bodil Nielsen" not in page, query
        assert "bodil.nielsen@odder.example.dk" not in page, query
        assert "Karsten" not in page, query
    # The name is asked of everyone, so the answer never tells whether an address has an account.
    page = client.post(
        url, data={"email": "bodil.nielsen@odder.example.dk", "role": "other"}
    ).get_data(as_text=True)
    assert "Name: Please fill in this field." in page
    assert "Bodil Nielsen" not in page
    assert roles(aarhus) == {"mette@aarhus.example.dk": "primary"}


def test_adding_someone_who_is_a_contact_already_says_so(secretariat_client, aarhus, others):
    services.add_contact(aarhus, others[0].id, "finance")
    db.session.commit()
    page = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/new",
        data={"email": others[0].email, "role": "technical"},
    ).get_data(as_text=True)
    assert "This person is a contact of the organisation already." in page
    assert roles(aarhus) == {others[0].email: "finance"}


def test_a_second_primary_contact_is_refused_without_inviting_anyone(app, aarhus, others):
    services.add_contact(aarhus, others[0].id, "primary")
    db.session.commit()
    with pytest.raises(services.RegisterError) as refused:
        services.add_person_as_contact(
            aarhus,
            "late@aarhus.example.dk",
            name="Late Primary",
            language=None,
            role="primary",
            may_sign=False,
            invited_by=None,
        )
    assert refused.value.code == "primary_exists"
    assert db.session.scalar(select(User).where(User.email == "late@aarhus.example.dk")) is None
    assert invitations_to("late@aarhus.example.dk") == []
    assert roles(aarhus) == {others[0].email: "primary"}


def test_an_organisation_without_a_primary_contact_gets_one_after_the_page_says_so(
    secretariat_client, aarhus, others
):
    contact = services.add_contact(aarhus, others[1].id, "technical")
    db.session.commit()
    url = f"/organisations/{aarhus.id}/contacts/{contact.id}/primary"
    page = secretariat_client.get(url).get_data(as_text=True)
    assert "Karsten Bo becomes the primary contact of Aarhus Kommune." in page
    assert "The organisation has no primary contact now." in page
    assert secretariat_client.post(url, data={"replacing": ""}).status_code == 302
    assert roles(aarhus) == {others[1].email: "primary"}
