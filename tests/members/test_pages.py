"""The register's pages: who sees what, and the secretariat's and a contact's changes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.members import services
from consortium.members.models import BillingIdentity, Organisation
from tests.conftest import login, make_user


@pytest.fixture
def aarhus(app):
    organisation = services.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK", registration_number="55133018"
    )
    services.set_population(organisation, 2025, 367_095, "Statistics Denmark BY2")
    services.change_membership(organisation, "active", date(2012, 1, 1))
    db.session.commit()
    return organisation


@pytest.fixture
def odder(app):
    organisation = services.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK"
    )
    services.set_population(organisation, 2025, 24_999, "Statistics Denmark BY2")
    db.session.commit()
    return organisation


@pytest.fixture
def contact_client(client, aarhus):
    person = make_user("it@aarhus.example.dk", name="Aarhus IT")
    services.add_contact(aarhus, person.id, "primary")
    db.session.commit()
    login(client, person.email)
    return client


def test_secretariat_creates_an_organisation(secretariat_client):
    response = secretariat_client.post(
        "/organisations/new",
        data={
            "name": "Aalborg Kommune",
            "kind": "municipality",
            "country": "DK",
            "registration_number": "29 18 97 57",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(select(Organisation).where(Organisation.name == "Aalborg Kommune"))
    assert created.registration_number == "29189757"


def test_a_wrong_cvr_gets_a_field_error_and_nothing_is_saved(secretariat_client):
    page = secretariat_client.post(
        "/organisations/new",
        data={
            "name": "Wrong",
            "kind": "municipality",
            "country": "DK",
            "registration_number": "29189758",
        },
    ).get_data(as_text=True)
    assert "its check digit does not match" in page
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Wrong")) is None


def test_a_tier_set_by_the_secretariat_needs_a_reason(secretariat_client, aarhus):
    page = secretariat_client.post(
        f"/organisations/{aarhus.id}/edit",
        data={
            "name": aarhus.name,
            "kind": "state_agency",
            "country": "DK",
            "tier_override": "large",
        },
    ).get_data(as_text=True)
    assert "Give the reason" in page


def test_the_page_shows_tier_population_and_membership(secretariat_client, aarhus, odder):
    page = secretariat_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "Very large" in page and "367,095" in page and "Statistics Denmark BY2" in page
    assert "Active member" in page
    assert "Small" in secretariat_client.get(f"/organisations/{odder.id}").get_data(as_text=True)


def test_membership_steps_are_kept_and_impossible_steps_refused(secretariat_client, aarhus):
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/membership",
        data={"status": "resigned", "status_on": "2026-12-31", "reason": "Budget cuts"},
    )
    assert response.status_code == 302
    page = secretariat_client.post(
        f"/organisations/{aarhus.id}/membership",
        data={"status": "resigned", "status_on": "2027-01-01"},
    ).get_data(as_text=True)
    assert "The membership has this status already." in page
    statuses = [step.status for step in db.session.get(Organisation, aarhus.id).memberships]
    assert statuses == ["active", "resigned"]


def test_list_filters_search_and_sorts(secretariat_client, aarhus, odder):
    page = secretariat_client.get("/organisations/?status=active").get_data(as_text=True)
    assert "Aarhus Kommune" in page and "Odder Kommune" not in page
    page = secretariat_client.get("/organisations/?q=odder").get_data(as_text=True)
    assert "Odder Kommune" in page and "Aarhus Kommune" not in page
    page = secretariat_client.get("/organisations/?sort=name&order=desc").get_data(as_text=True)
    assert page.index("Odder Kommune") < page.index("Aarhus Kommune")
    page = secretariat_client.get("/organisations/?sort=name;drop table").get_data(as_text=True)
    assert page.index("Aarhus Kommune") < page.index("Odder Kommune")


def test_a_contact_sees_only_their_own_organisation(contact_client, aarhus, odder):
    page = contact_client.get("/organisations/").get_data(as_text=True)
    assert "Aarhus Kommune" in page and "Odder Kommune" not in page
    assert contact_client.get(f"/organisations/{aarhus.id}").status_code == 200
    assert contact_client.get(f"/organisations/{odder.id}").status_code == 403
    assert contact_client.get(f"/organisations/{odder.id}/edit").status_code == 403
    assert contact_client.get(f"/organisations/{odder.id}/billing/new").status_code == 403
    assert contact_client.get(f"/organisations/{aarhus.id}/membership").status_code == 403
    assert contact_client.get(f"/organisations/{aarhus.id}/population").status_code == 403


def test_a_contact_edits_contact_data_but_not_the_registration(contact_client, aarhus):
    response = contact_client.post(
        f"/organisations/{aarhus.id}/edit",
        data={
            "address": "Rådhuspladsen 2\n8000 Aarhus C",
            "email": "post@aarhus.example.dk",
            "name": "Renamed",
        },
    )
    assert response.status_code == 302
    organisation = db.session.get(Organisation, aarhus.id)
    assert organisation.address.startswith("Rådhuspladsen 2")
    assert organisation.name == "Aarhus Kommune"


def test_a_contact_adds_billing_identities_and_one_is_the_default(contact_client, aarhus):
    assert (
        contact_client.post(
            f"/organisations/{aarhus.id}/billing/new",
            data={"name": "Central finance", "gln": "5798000416604"},
        ).status_code
        == 302
    )
    page = contact_client.post(
        f"/organisations/{aarhus.id}/billing/new", data={"name": "IT", "gln": "5798000416605"}
    ).get_data(as_text=True)
    assert "its check digit does not match" in page
    contact_client.post(
        f"/organisations/{aarhus.id}/billing/new",
        data={"name": "IT", "peppol_id": "0088:5798000416604", "is_default": "y"},
    )
    identities = db.session.scalars(
        select(BillingIdentity)
        .where(BillingIdentity.organisation_id == aarhus.id)
        .order_by(BillingIdentity.id)
    ).all()
    assert [(identity.name, identity.is_default) for identity in identities] == [
        ("Central finance", False),
        ("IT", True),
    ]


def test_a_billing_identity_of_another_organisation_is_not_found(secretariat_client, aarhus, odder):
    identity = services.save_billing_identity(odder, None, name="Odder finance")
    db.session.commit()
    assert (
        secretariat_client.get(f"/organisations/{aarhus.id}/billing/{identity.id}").status_code
        == 404
    )


def test_register_changes_are_audited(secretariat_client, aarhus):
    page = secretariat_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "History" in page
    assert "Aarhus Kommune" in secretariat_client.get("/audit/?record_type=organisation").get_data(
        as_text=True
    )


def test_register_pages_speak_danish(secretariat_client, aarhus):
    secretariat_client.post("/language", data={"language": "da"})
    page = secretariat_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "Meget stor" in page and "367.095" in page
    page = secretariat_client.post(
        "/organisations/new",
        data={
            "name": "Forkert",
            "kind": "municipality",
            "country": "DK",
            "registration_number": "29189758",
        },
    ).get_data(as_text=True)
    assert "its check digit does not match" not in page
    assert 'class="error"' in page


def test_secretariat_adds_contacts_and_one_primary_remains(secretariat_client, aarhus):
    first, second = make_user("first@aarhus.example.dk"), make_user("second@aarhus.example.dk")
    url = f"/organisations/{aarhus.id}/contacts/new"
    secretariat_client.post(url, data={"email": first.email, "role": "primary"})
    # Once there is a primary contact, replacing it takes the confirmation page.
    page = secretariat_client.get(url).get_data(as_text=True)
    assert 'value="primary"' not in page
    page = secretariat_client.post(url, data={"email": second.email, "role": "primary"}).get_data(
        as_text=True
    )
    assert "There is a problem" in page
    secretariat_client.post(url, data={"email": second.email, "role": "finance"})
    page = secretariat_client.post(
        url, data={"email": "nobody@example.org", "role": "finance"}
    ).get_data(as_text=True)
    assert "No one has an account with this email address yet" in page
    roles = {
        contact.user.email: contact.role
        for contact in db.session.get(Organisation, aarhus.id).contacts
    }
    assert roles == {first.email: "primary", second.email: "finance"}
    page = secretariat_client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert "second@aarhus.example.dk" in page


def test_list_query_count_does_not_grow_with_organisations(
    app, secretariat_client, aarhus, count_queries
):
    def count():
        with count_queries() as statements:
            secretariat_client.get("/organisations/")
        return len(statements)

    few = count()
    for number in range(15):
        organisation = services.create_organisation(
            name=f"Kommune {number}", kind="municipality", country="DK"
        )
        services.set_population(organisation, 2025, 10_000 + number, "test")
        services.change_membership(organisation, "active", date(2020, 1, 1))
    db.session.commit()
    assert count() == few


def test_search_ignores_the_case_of_danish_and_czech_letters(secretariat_client):
    for name in ("Ærø Kommune", "Město Říčany", "Aarhus Kommune"):
        services.create_organisation(name=name, kind="municipality", country="DK")
    db.session.commit()
    page = secretariat_client.get("/organisations/?q=ærø").get_data(as_text=True)
    assert "Ærø Kommune" in page and "Aarhus Kommune" not in page
    page = secretariat_client.get("/organisations/?q=ŘÍČANY").get_data(as_text=True)
    assert "Město Říčany" in page and "Ærø Kommune" not in page


def _field_error(page: str, field: str) -> str:
    """The error shown under a field of the form."""
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</', page, re.S)
    return found.group(1).strip() if found else ""


def test_a_registration_number_or_code_of_another_organisation_is_named_on_the_field(
    secretariat_client, aarhus
):
    services.update_organisation(aarhus, municipality_code="751")
    db.session.commit()
    typed = {
        "name": "Aarhus Kommune (copy)",
        "kind": "municipality",
        "country": "DK",
        "address": "Rådhuspladsen 2",
        "notes": "Typed with care",
    }
    response = secretariat_client.post(
        "/organisations/new", data=typed | {"registration_number": "55 13 30 18"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _field_error(page, "registration_number") == (
        "Aarhus Kommune already has this registration number."
    )
    assert 'value="Aarhus Kommune (copy)"' in page and "Typed with care" in page

    page = secretariat_client.post(
        "/organisations/new", data=typed | {"municipality_code": "751"}
    ).get_data(as_text=True)
    assert _field_error(page, "municipality_code") == (
        "Aarhus Kommune already has this municipality code."
    )
    assert db.session.scalar(select(Organisation).where(Organisation.name.contains("copy"))) is None

    odder = services.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    db.session.commit()
    response = secretariat_client.post(
        f"/organisations/{odder.id}/edit",
        data={"name": "Odder Kommune", "kind": "municipality", "country": "DK"}
        | {"registration_number": "55133018", "municipality_code": "751", "notes": "Mine"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _field_error(page, "registration_number") == (
        "Aarhus Kommune already has this registration number."
    )
    assert 'value="751"' in page and "Mine" in page
    db.session.expire_all()
    assert db.session.get(Organisation, odder.id).registration_number is None
    # The organisation's own numbers are not "another organisation's".
    response = secretariat_client.post(
        f"/organisations/{aarhus.id}/edit",
        data={"name": "Aarhus Kommune", "kind": "municipality", "country": "DK"}
        | {"registration_number": "55133018", "municipality_code": "751"},
    )
    assert response.status_code == 302
