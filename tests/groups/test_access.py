"""Group membership as a source of rights: members see their group, not others'."""

from __future__ import annotations

from datetime import date

from consortium import permissions
from consortium.extensions import db
from consortium.groups import services
from tests.conftest import login
from tests.groups.factories import add, contact


def test_a_member_sees_their_group_and_gets_403_on_another(client, committee, aarhus, product):
    person = contact(aarhus, "lone@aarhus.example.dk", "Lone Lund")
    colleague = contact(aarhus, "bo@aarhus.example.dk", "Bo Berg")
    add(committee, person, aarhus)
    add(committee, colleague, aarhus, role="chair")
    other = services.create_group("coordination_group", "OS2forms CG", product)
    db.session.commit()
    login(client, "lone@aarhus.example.dk")
    page = client.get(f"/groups/{committee.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bo Berg" in text and "Aarhus Kommune" in text
    # Members see no composition warnings and no management buttons.
    assert "Add a member" not in text and "End the term" not in text
    assert client.get(f"/groups/{other.id}").status_code == 403
    assert client.get("/groups/").status_code == 403
    assert client.get(f"/groups/{committee.id}/edit").status_code == 403
    assert client.post(f"/groups/{committee.id}/members/1/end").status_code in (403, 404)


def test_a_past_member_no_longer_sees_the_group(client, committee, aarhus):
    person = contact(aarhus, "lone@aarhus.example.dk")
    add(committee, person, aarhus, starts_on=date(2020, 1, 1), ends_on=date(2021, 12, 31))
    login(client, "lone@aarhus.example.dk")
    assert client.get(f"/groups/{committee.id}").status_code == 403


def test_only_a_current_chair_or_secretary_writes_minutes(app, committee, aarhus):
    chair = contact(aarhus, "chair@aarhus.example.dk")
    secretary = contact(aarhus, "secretary@aarhus.example.dk")
    member = contact(aarhus, "member@aarhus.example.dk")
    former = contact(aarhus, "former@aarhus.example.dk")
    add(committee, chair, aarhus, role="chair")
    add(committee, secretary, aarhus, role="secretary")
    add(committee, member, aarhus)
    add(
        committee,
        former,
        aarhus,
        role="chair",
        starts_on=date(2019, 1, 1),
        ends_on=date(2020, 1, 1),
    )
    assert permissions.can(chair, "groups.write_minutes", committee)
    assert permissions.can(secretary, "groups.write_minutes", committee)
    assert not permissions.can(member, "groups.write_minutes", committee)
    assert not permissions.can(former, "groups.write_minutes", committee)
    assert permissions.can(member, "groups.view", committee)
    assert not permissions.can(former, "groups.view", committee)
    assert not permissions.can(chair, "groups.manage", committee)


def test_a_future_member_does_not_see_the_group_yet(app, committee, aarhus):
    person = contact(aarhus, "future@aarhus.example.dk")
    add(committee, person, aarhus, starts_on=date(2099, 1, 1))
    assert not permissions.can(person, "groups.view", committee)
