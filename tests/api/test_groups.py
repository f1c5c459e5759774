"""Groups through the API: a member reads the groups they sit in now with their current
members, no one else's; the public reads a product's groups with their chairs' names, and an
email only when the chair published it."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.members import services as members
from consortium.products.models import Product
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


@pytest.fixture
def two_groups(app):
    """OS2forms' steering committee (Kim chairs it, Lea left it) and the board."""
    aarhus = members.create_organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    product = Product(slug="os2forms", name="OS2forms")
    db.session.add(product)
    db.session.flush()
    committee = groups.create_group("steering_committee", "OS2forms steering committee", product)
    board = groups.create_group("board", "The board")
    kim = make_user("kim@aarhus.example.dk", name="Kim Chair")
    lea = make_user("lea@aarhus.example.dk", name="Lea Former")
    for person in (kim, lea):
        members.add_contact(aarhus, person.id, "it")
    groups.add_member(committee, kim, organisation=aarhus, role="chair", starts_on=date(2024, 1, 1))
    groups.add_member(
        committee,
        lea,
        organisation=aarhus,
        starts_on=date(2022, 1, 1),
        ends_on=date(2023, 12, 31),
    )
    db.session.commit()
    return committee.id, board.id, kim


def test_a_member_reads_their_groups_current_members_only(client, two_groups):
    committee, board, kim = two_groups
    token = token_for(kim)
    listed = client.get("/api/v1/groups", headers=bearer(token)).json
    assert [row["name"] for row in listed] == ["OS2forms steering committee"]
    group = client.get(f"/api/v1/groups/{committee}", headers=bearer(token))
    assert group.status_code == 200
    assert group.json["product_slug"] == "os2forms"
    assert [(m["name"], m["role"], m["representing"]) for m in group.json["members"]] == [
        ("Kim Chair", "chair", "Aarhus Kommune")
    ]
    refused = client.get(f"/api/v1/groups/{board}", headers=bearer(token))
    assert refused.status_code == 403


def test_the_secretariat_reads_and_filters_every_group(client, two_groups, secretariat):
    token = token_for(secretariat)
    every = client.get("/api/v1/groups?sort=-name", headers=bearer(token)).json
    assert [row["name"] for row in every] == ["The board", "OS2forms steering committee"]
    boards = client.get("/api/v1/groups?kind=board", headers=bearer(token)).json
    assert [row["kind"] for row in boards] == ["board"]
    of_product = client.get("/api/v1/groups?product=os2forms", headers=bearer(token)).json
    assert [row["code"] is None for row in of_product] == [True]


def test_the_public_reads_a_products_groups_with_chairs_names_only(client, two_groups):
    _committee, _board, kim = two_groups
    public = client.get("/api/v1/products/os2forms").json
    assert public["groups"] == [
        {
            "name": "OS2forms steering committee",
            "kind": "steering_committee",
            "chairs": [{"name": "Kim Chair", "email": ""}],
        }
    ]
    assert client.get("/api/v1/groups").status_code == 401
    kim = db.session.merge(kim)
    kim.publish_email = True
    db.session.commit()
    chairs = client.get("/api/v1/products/os2forms").json["groups"][0]["chairs"]
    assert chairs == [{"name": "Kim Chair", "email": "kim@aarhus.example.dk"}]
