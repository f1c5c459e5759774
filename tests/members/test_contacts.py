"""Managing an organisation's contacts: roles, removal and the primary contact, by the
secretariat and by the organisation's own primary contact, and by nobody else."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.members import services
from consortium.members.models import Organisation, OrganisationContact
from tests.conftest import login, make_user


@pytest.fixture
def aarhus(app):
    organisation = services.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    db.session.commit()
    return organisation


@pytest.fixture
def people(aarhus):
    """Mette is Aarhus's primary contact; Jens and Lise are its other contacts."""
    mette = make_user("mette@aarhus.example.dk", name="Mette Kristensen")
    jens = make_user("jens@aarhus.example.dk", name="Jens Holm")
    lise = make_user("lise@aarhus.example.dk", name="Lise Berg")
    services.add_contact(aarhus, mette.id, "primary")
    services.add_contact(aarhus, jens.id, "technical")
    services.add_contact(aarhus, lise.id, "finance")
    db.session.commit()
    return {"mette": mette, "jens": jens, "lise": lise}


def contact_of(organisation, user) -> OrganisationContact | None:
    db.session.expire_all()
    return db.session.scalar(
        select(OrganisationContact).where(
            OrganisationContact.organisation_id == organisation.id,
            OrganisationContact.user_id == user.id,
        )
    )


def roles(organisation) -> dict[str, str]:
    db.session.expire_all()
    return {
        contact.user.email: contact.role
        for contact in db.session.get(Organisation, organisation.id).contacts
    }


def test_replacing_the_primary_contact_asks_first_and_names_who_stops(
    secretariat_client, aarhus, people
):
    jens = contact_of(aarhus, people["jens"])
    url = f"/organisations/{aarhus.id}/contacts/{jens.id}/primary"
    page = secretariat_client.get(url).get_data(as_text=True)
    assert "Jens Holm becomes the primary contact of Aarhus Kommune." in page
    assert "Mette Kristensen stops being the primary contact." in page
    assert roles(aarhus)["jens@aarhus.example.dk"] == "technical"  # nothing changed yet

    mette = contact_of(aarhus, people["mette"])
    response = secretariat_client.post(
        url, data={"replacing": str(mette.id), "former_role": "finance"}, follow_redirects=True
    )
    assert "Jens Holm is now the primary contact of Aarhus Kommune." in response.get_data(
        as_text=True
    )
    assert roles(aarhus) == {
        "mette@aarhus.example.dk": "finance",
        "jens@aarhus.example.dk": "primary",
        "lise@aarhus.example.dk": "finance",
    }
    changes = [
        entry.changes
        for entry in db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == "organisation_contact", AuditEntry.action == "update"
            )
        )
    ]
    assert {"role": {"old": "primary", "new": "finance"}} in changes
    assert {"role": {"old": "technical", "new": "primary"}} in changes


def test_a_confirmation_of_a_primary_contact_who_changed_meanwhile_changes_nothing(
    secretariat_client, aarhus, people
):
    jens, lise = contact_of(aarhus, people["jens"]), contact_of(aarhus, people["lise"])
    mette = contact_of(aarhus, people["mette"])
    # Lise was made primary after the page naming Mette was shown.
    services.make_primary(lise, mette.id)
    db.session.commit()
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/{jens.id}/primary",
        data={"replacing": str(mette.id), "former_role": "other"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The primary contact has changed in the meantime." in page
    assert "Lise Berg stops being the primary contact." in page
    assert roles(aarhus)["lise@aarhus.example.dk"] == "primary"
    assert roles(aarhus)["jens@aarhus.example.dk"] == "technical"


def test_the_database_refuses_a_second_primary_contact(app, aarhus, people):
    db.session.add(
        OrganisationContact(
            organisation_id=aarhus.id, user_id=people["jens"].id + 1000, role="primary"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_secretariat_changes_a_role_and_the_signing_mark(secretariat_client, aarhus, people):
    jens = contact_of(aarhus, people["jens"])
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/{jens.id}",
        data={"role": "other", "may_sign": "y"},
        follow_redirects=True,
    )
    assert "Jens Holm is now Other." in response.get_data(as_text=True)
    changed = contact_of(aarhus, people["jens"])
    assert (changed.role, changed.may_sign) == ("other", True)


def test_the_role_form_never_makes_a_primary_contact(secretariat_client, aarhus, people):
    jens = contact_of(aarhus, people["jens"])
    page = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/{jens.id}", data={"role": "primary"}
    ).get_data(as_text=True)
    assert "There is a problem" in page
    assert roles(aarhus)["jens@aarhus.example.dk"] == "technical"
    assert roles(aarhus)["mette@aarhus.example.dk"] == "primary"


def test_removing_a_contact_keeps_the_account_and_is_recorded(secretariat_client, aarhus, people):
    lise = contact_of(aarhus, people["lise"])
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/{lise.id}/remove", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Lise Berg is no longer a contact of Aarhus Kommune." in page
    assert "lise@aarhus.example.dk" not in page.split('id="contacts"')[1]
    assert contact_of(aarhus, people["lise"]) is None
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "organisation_contact",
            AuditEntry.record_id == str(lise.id),
            AuditEntry.action == "delete",
        )
    )


def test_the_primary_contact_cannot_be_removed_and_the_page_says_why(
    secretariat_client, aarhus, people
):
    mette = contact_of(aarhus, people["mette"])
    page = secretariat_client.get(f"/organisations/{aarhus.id}/contacts/{mette.id}").get_data(
        as_text=True
    )
    assert "make another contact primary first" in page
    assert "Remove Mette Kristensen" not in page
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/contacts/{mette.id}/remove", follow_redirects=True
    )
    assert (
        "The primary contact cannot be removed: make another contact primary first."
        in response.get_data(as_text=True)
    )
    assert roles(aarhus)["mette@aarhus.example.dk"] == "primary"


def test_a_primary_contact_manages_their_own_organisations_contacts(client, aarhus, people):
    login(client, "mette@aarhus.example.dk")
    page = client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "As the primary contact you add colleagues" in page
    jens, lise = contact_of(aarhus, people["jens"]), contact_of(aarhus, people["lise"])
    # The signing mark is the secretariat's: the primary contact's form does not offer it.
    page = client.get(f"/organisations/{aarhus.id}/contacts/{jens.id}").get_data(as_text=True)
    assert "May sign agreements for the organisation" not in page
    assert (
        client.post(
            f"/organisations/{aarhus.id}/contacts/{jens.id}",
            data={"role": "other", "may_sign": "y"},
        ).status_code
        == 302
    )
    assert (
        contact_of(aarhus, people["jens"]).role,
        contact_of(aarhus, people["jens"]).may_sign,
    ) == (
        "other",
        False,
    )
    assert client.post(f"/organisations/{aarhus.id}/contacts/{lise.id}/remove").status_code == 302
    assert contact_of(aarhus, people["lise"]) is None

    mette = contact_of(aarhus, people["mette"])
    page = client.get(f"/organisations/{aarhus.id}/contacts/{jens.id}/primary").get_data(
        as_text=True
    )
    assert "That is you: afterwards you can no longer manage" in page
    response = client.post(
        f"/organisations/{aarhus.id}/contacts/{jens.id}/primary",
        data={"replacing": str(mette.id), "former_role": "technical"},
    )
    assert response.status_code == 302
    assert roles(aarhus) == {
        "mette@aarhus.example.dk": "technical",
        "jens@aarhus.example.dk": "primary",
    }
    # Handed over: Mette is a contact still, but no longer manages the contacts.
    assert client.get(f"/organisations/{aarhus.id}").status_code == 200
    assert client.get(f"/organisations/{aarhus.id}/contacts/{jens.id}").status_code == 403
    assert client.get(f"/organisations/{aarhus.id}/contacts/new").status_code == 403


@pytest.mark.parametrize("who", ["other organisation's primary contact", "a contact, not primary"])
def test_nobody_else_manages_the_contacts(client, aarhus, people, who):
    if who == "a contact, not primary":
        email = "jens@aarhus.example.dk"
    else:
        odder = services.create_organisation(
            name="Odder Kommune", kind="municipality", country="DK"
        )
        email = "primary@odder.example.dk"
        services.add_contact(odder, make_user(email).id, "primary")
        db.session.commit()
    login(client, email)
    lise, mette = contact_of(aarhus, people["lise"]).id, contact_of(aarhus, people["mette"]).id
    base = f"/organisations/{aarhus.id}/contacts"
    assert client.get(f"{base}/new").status_code == 403
    assert client.get(f"{base}/{lise}").status_code == 403
    assert client.post(f"{base}/{lise}", data={"role": "other"}).status_code == 403
    assert client.post(f"{base}/{lise}/remove").status_code == 403
    assert client.get(f"{base}/{lise}/primary").status_code == 403
    assert client.post(f"{base}/{lise}/primary", data={"replacing": str(mette)}).status_code == 403
    assert roles(aarhus) == {
        "mette@aarhus.example.dk": "primary",
        "jens@aarhus.example.dk": "technical",
        "lise@aarhus.example.dk": "finance",
    }


def test_a_contact_of_another_organisation_is_not_found_under_this_one(
    secretariat_client, aarhus, people
):
    odder = services.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    db.session.commit()
    base = f"/organisations/{odder.id}/contacts/{contact_of(aarhus, people['lise']).id}"
    assert secretariat_client.get(base).status_code == 404
    assert secretariat_client.post(f"{base}/remove").status_code == 404
