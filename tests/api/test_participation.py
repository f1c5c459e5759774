"""Participations and requests through the API: a contact reads and asks for their own
organisation only, the secretariat decides with If-Match, and the services' rules, mails and
audit apply as on the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.auth.models import User
from consortium.extensions import db
from consortium.members import services as members
from consortium.participation.models import Participation, ParticipationRequest
from consortium.products.models import Product
from consortium.settings.services import get_settings, update_settings
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user

OFFICE = "office@association.example.org"


@dataclass
class Ids:
    aarhus: int
    odder: int
    contact: int
    email: str

    @property
    def person(self):
        return db.session.get(User, self.contact)


@pytest.fixture
def register(app):
    """Two member municipalities, a product Aarhus takes part in, and Aarhus's contact."""
    aarhus, odder = (
        members.create_organisation(name=name, kind="municipality", country="DK")
        for name in ("Aarhus Kommune", "Odder Kommune")
    )
    for organisation in (aarhus, odder):
        members.change_membership(organisation, "active", date(2020, 1, 1))
    forms = Product(slug="os2forms", name="OS2forms")
    wiki = Product(slug="os2wiki", name="OS2wiki")
    db.session.add_all([forms, wiki])
    db.session.flush()
    for organisation in (aarhus, odder):
        db.session.add(
            Participation(
                organisation=organisation,
                product=forms,
                phase="agreement",
                starts_on=date(2021, 1, 1),
            )
        )
    contact = make_user("kim@aarhus.example.dk", name="Kim Contact")
    members.add_contact(aarhus, contact.id, "it")
    update_settings(get_settings(), email=OFFICE)
    db.session.commit()
    # Earlier calls close the session the records come from: the tests keep their ids.
    return Ids(aarhus.id, odder.id, contact.id, contact.email)


def _ask(client, token, organisation, **body):
    return client.post(
        f"/api/v1/organisations/{organisation}/join-requests",
        json={"product": "os2wiki", "phase": "agreement", "starts_on": "2027-01-01", **body},
        headers=bearer(token),
    )


def test_a_contact_reads_their_own_organisations_participations_only(client, register):
    odder, contact = register.odder, register.person
    token = token_for(contact)
    listed = client.get("/api/v1/participations", headers=bearer(token))
    assert [(row["organisation_name"], row["product_slug"]) for row in listed.json] == [
        ("Aarhus Kommune", "os2forms")
    ]
    assert listed.headers["X-Total-Count"] == "1"
    other = db.session.scalar(select(Participation).where(Participation.organisation_id == odder))
    refused = client.get(f"/api/v1/participations/{other.id}", headers=bearer(token))
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    # Filtering by another organisation finds nothing rather than its records.
    assert (
        client.get(f"/api/v1/participations?organisation={odder}", headers=bearer(token)).json == []
    )


def test_the_secretariat_filters_and_sorts_participations(client, register, secretariat):
    aarhus, _odder, _contact = register.aarhus, register.odder, register.person
    token = token_for(secretariat)
    rows = client.get("/api/v1/participations?sort=-organisation", headers=bearer(token)).json
    assert [row["organisation_name"] for row in rows] == ["Odder Kommune", "Aarhus Kommune"]
    mine = client.get(
        f"/api/v1/participations?organisation={aarhus}&product=os2forms&current=true",
        headers=bearer(token),
    ).json
    assert [row["organisation_id"] for row in mine] == [aarhus]
    assert client.get("/api/v1/participations?current=false", headers=bearer(token)).json == []


def test_a_contact_asks_to_join_and_the_secretariat_is_told(client, register, outbox):
    aarhus, odder, contact = register.aarhus, register.odder, register.person
    token = token_for(contact)
    asked = _ask(client, token, aarhus, message="We would like to use it.")
    assert asked.status_code == 201, asked.json
    assert asked.json["status"] == "pending" and asked.json["product_slug"] == "os2wiki"
    item = db.session.get(ParticipationRequest, asked.json["id"])
    assert item.requested_by_user_id == register.contact
    assert outbox(OFFICE), "the secretariat is mailed as from the page"
    # The audit trail names the token as well as the user.
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "participation_request",
            AuditEntry.record_id == str(item.id),
        )
    )
    assert entry.actor_user_id == register.contact and "API token" in entry.actor_label
    # The same request again is refused as the page refuses it.
    again = _ask(client, token, aarhus)
    assert again.status_code == 409
    assert again.json["errors"][0]["field"] == "product"
    # Another organisation's: refused before anything is read.
    assert _ask(client, token, odder).status_code == 403
    listed = client.get("/api/v1/participation-requests", headers=bearer(token)).json
    assert [row["id"] for row in listed] == [asked.json["id"]]


def test_a_refusal_names_the_field_in_the_callers_language(client, register):
    aarhus, _odder, contact = register.aarhus, register.odder, register.person
    token = token_for(contact)
    early = client.post(
        f"/api/v1/organisations/{aarhus}/join-requests",
        json={"product": "os2wiki", "phase": "agreement", "starts_on": "2019-06-01"},
        headers=bearer(token, **{"Accept-Language": "de"}),
    )
    assert early.status_code == 422
    assert early.json["errors"][0]["field"] == "starts_on"
    assert "Mitgliedschaft" in early.json["errors"][0]["reason"]
    pledge = _ask(client, token, aarhus, phase="commitment")
    assert pledge.status_code == 422
    assert pledge.json["errors"][0]["field"] == "amount_per_year"
    assert db.session.scalar(select(ParticipationRequest)) is None


def test_a_read_only_token_cannot_ask(client, register):
    aarhus, _odder, contact = register.aarhus, register.odder, register.person
    token = token_for(contact, ["participation:read"])
    response = _ask(client, token, aarhus)
    assert response.status_code == 403
    assert "participation:write" in response.json["detail"]


def test_the_secretariat_approves_with_if_match(client, register, secretariat, outbox):
    aarhus, _odder, contact = register.aarhus, register.odder, register.person
    asked = _ask(client, token_for(contact), aarhus).json
    token = token_for(secretariat)
    url = f"/api/v1/participation-requests/{asked['id']}"
    assert client.post(url + "/approve", headers=bearer(token_for(contact))).status_code == 403
    etag = client.get(url, headers=bearer(token)).headers["ETag"]
    stale = client.post(url + "/approve", headers=bearer(token, **{"If-Match": '"stale"'}))
    assert stale.status_code == 412
    assert db.session.get(ParticipationRequest, asked["id"]).status == "pending"
    approved = client.post(url + "/approve", headers=bearer(token, **{"If-Match": etag}))
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    joined = db.session.scalar(select(Participation).join(Product).where(Product.slug == "os2wiki"))
    assert joined.organisation_id == aarhus and joined.starts_on == date(2027, 1, 1)
    assert outbox(register.email), "the contact is told"
    # Decided: the old ETag no longer matches, and without one the request is not pending.
    assert (
        client.post(
            url + "/decline", json={"reason": "No"}, headers=bearer(token, **{"If-Match": etag})
        ).status_code
        == 412
    )
    again = client.post(url + "/approve", headers=bearer(token))
    assert again.status_code == 409


def test_declining_needs_a_reason_the_contact_reads(client, register, secretariat):
    aarhus, _odder, contact = register.aarhus, register.odder, register.person
    asked = _ask(client, token_for(contact), aarhus).json
    token = token_for(secretariat)
    url = f"/api/v1/participation-requests/{asked['id']}/decline"
    empty = client.post(
        url, json={"reason": ""}, headers=bearer(token, **{"Accept-Language": "da"})
    )
    assert empty.status_code == 422
    assert empty.json["errors"] == [
        {"location": "json", "field": "reason", "reason": "Skriv fra 1 til 5000 tegn."}
    ]
    blank = client.post(url, json={"reason": "  "}, headers=bearer(token))
    assert blank.status_code == 422
    assert blank.json["errors"][0]["reason"] == "Give the reason for declining."
    declined = client.post(url, json={"reason": "The budget is spent."}, headers=bearer(token))
    assert declined.status_code == 200
    seen = client.get(
        f"/api/v1/participation-requests/{asked['id']}", headers=bearer(token_for(contact))
    ).json
    assert seen["status"] == "declined" and seen["decision_reason"] == "The budget is spent."


def test_a_contact_gives_notice_once(client, register):
    aarhus, odder, contact = register.aarhus, register.odder, register.person
    token = token_for(contact)
    own, other = (
        db.session.scalar(select(Participation.id).where(Participation.organisation_id == id_))
        for id_ in (aarhus, odder)
    )
    url = "/api/v1/participations/{}/leave-requests"
    assert client.post(url.format(other), json={}, headers=bearer(token)).status_code == 403
    first = client.post(url.format(own), json={"message": "Moving on"}, headers=bearer(token))
    assert first.status_code == 201 and first.json["kind"] == "leave"
    assert client.post(url.format(own), json={}, headers=bearer(token)).status_code == 409
