"""Backlogs and round results through the API: a contact of a participating organisation reads
the product's backlog, filtered as on its page, and a closed round's result; a contact of an
organisation that does not take part is refused; an open round has no result yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from consortium.backlog import services as backlog
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products.models import Product
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


@dataclass
class Setting:
    contact: object
    outsider: object
    accepted: int
    proposed: int
    closed_round: int
    open_round: int


@pytest.fixture
def setting(app):
    """OS2forms with Aarhus taking part (its contact chairs the coordination group), an
    accepted and a proposed wish, a closed round and an open one; Odder takes no part."""
    aarhus, odder = (
        members.create_organisation(name=name, kind="municipality", country="DK")
        for name in ("Aarhus Kommune", "Odder Kommune")
    )
    product = Product(slug="os2forms", name="OS2forms")
    db.session.add(product)
    db.session.add(
        Participation(
            organisation=aarhus, product=product, phase="agreement", starts_on=date(2020, 1, 1)
        )
    )
    db.session.flush()
    contact = make_user("kim@aarhus.example.dk", name="Kim Contact")
    outsider = make_user("ole@odder.example.dk", name="Ole Outsider")
    members.add_contact(aarhus, contact.id, "it")
    members.add_contact(odder, outsider.id, "it")
    group = groups.create_group("coordination_group", "OS2forms coordination", product)
    group.code = "OS2FORMS-KG"
    groups.add_member(group, contact, organisation=aarhus, role="chair", starts_on=date(2024, 1, 1))
    accepted = backlog.submit_item(
        product, by=contact, organisation=aarhus, title="Signing with MitID"
    )
    backlog.accept_item(accepted)
    proposed = backlog.submit_item(
        product, by=contact, organisation=aarhus, title="Dark mode", description="Please."
    )
    backlog.add_link(proposed, label="Issue 7", url="https://tracker.example.dk/7", by=contact)
    now = datetime.now(UTC)
    rounds = []
    # An item is in one open round at a time: the spring round is counted before autumn's.
    for title in ("Spring round", "Autumn round"):
        round_ = backlog.create_round(
            product,
            group,
            title=title,
            method="points",
            points_total=10,
            max_per_item=5,
            opens_at=now - timedelta(hours=2),
            closes_at=now + timedelta(days=1),
            item_ids=[accepted.id],
            by=contact,
        )
        backlog.open_round(round_, by=contact, now=now - timedelta(hours=1))
        if not rounds:
            backlog.cast_ballot(round_, aarhus, {accepted.id: 5}, contact, now=now)
            backlog.close_round(round_, by=contact, now=now)
        rounds.append(round_)
    db.session.commit()
    return Setting(contact, outsider, accepted.id, proposed.id, rounds[0].id, rounds[1].id)


def test_a_participants_contact_reads_the_backlog_as_filtered_on_its_page(client, setting):
    token = token_for(setting.contact)
    every = client.get("/api/v1/products/os2forms/backlog?sort=title", headers=bearer(token))
    assert every.status_code == 200
    assert [row["title"] for row in every.json] == ["Dark mode", "Signing with MitID"]
    assert every.headers["X-Total-Count"] == "2"
    # Counted in the closed round, the accepted wish is prioritised.
    prioritised = client.get(
        "/api/v1/products/os2forms/backlog?status=prioritised", headers=bearer(token)
    ).json
    assert [(row["id"], row["priority_rank"]) for row in prioritised] == [(setting.accepted, 1)]
    found = client.get("/api/v1/products/os2forms/backlog?q=dark", headers=bearer(token)).json
    assert [row["id"] for row in found] == [setting.proposed]
    item = client.get(f"/api/v1/backlog-items/{setting.proposed}", headers=bearer(token)).json
    assert item["description"] == "Please."
    assert item["links"] == [{"label": "Issue 7", "url": "https://tracker.example.dk/7"}]


def test_a_closed_rounds_result_and_no_result_before_closing(client, setting):
    token = token_for(setting.contact)
    rounds = client.get("/api/v1/products/os2forms/rounds", headers=bearer(token)).json
    assert {row["title"]: row["status"] for row in rounds} == {
        "Spring round": "closed",
        "Autumn round": "open",
    }
    result = client.get(f"/api/v1/rounds/{setting.closed_round}/result", headers=bearer(token))
    assert result.status_code == 200
    assert result.json["voted"] == ["Aarhus Kommune"]
    assert [(row["rank"], row["item_id"], row["score"]) for row in result.json["result"]] == [
        (1, setting.accepted, "5")
    ]
    assert result.json["decision_code"].startswith("OS2FORMS-KG-")
    not_yet = client.get(f"/api/v1/rounds/{setting.open_round}/result", headers=bearer(token))
    assert not_yet.status_code == 409
    assert not_yet.mimetype == "application/problem+json"


def test_an_organisation_taking_no_part_reads_nothing_of_the_backlog(client, setting):
    token = token_for(setting.outsider)
    for url in (
        "/api/v1/products/os2forms/backlog",
        f"/api/v1/backlog-items/{setting.accepted}",
        "/api/v1/products/os2forms/rounds",
        f"/api/v1/rounds/{setting.closed_round}/result",
    ):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 403, url
    assert client.get("/api/v1/products/os2forms/backlog").status_code == 401
