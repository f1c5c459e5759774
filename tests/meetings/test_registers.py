"""The decision register, the search across minutes and decisions and who finds what: a member
their groups' and the published minutes, the secretariat everything, the public only published
minutes. Run on PostgreSQL too (scripts/with-postgres.sh): the same rows on both databases."""

from __future__ import annotations

from datetime import date, time

import pytest

from consortium.extensions import db
from consortium.meetings import services
from tests.conftest import login
from tests.groups.factories import add, contact


def _as(client, person):
    client.post("/sign-out")
    assert login(client, person.email).status_code == 302


@pytest.fixture
def records(meeting, coordination, secretary, chair, aarhus):
    """Decisions and minutes in two groups: the committee (approved, private) and the
    coordination group (approved, public), in Danish, German and Czech."""
    item = services.add_agenda_item(meeting, title="Budget 2028")
    services.write_minutes(
        meeting, secretary, {item.id: "Styregruppen godkendte budgettet; Ærø Kommune deltager."}
    )
    services.record_decision(meeting, "Budgettet for 2028 godkendes.", agenda_item=item)
    services.record_decision(meeting, "Die Straßenliste für Köln wird übernommen.")
    minutes = meeting.latest_minutes
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)

    coordinator = contact(aarhus, "coordinator@aarhus.example.dk", "Klara Koordinator")
    add(coordination, coordinator, aarhus, role="chair")
    other = services.plan_meeting(
        coordination,
        title="Koordinační skupina",
        day=date(2028, 1, 20),
        starts=time(9, 0),
        ends=time(10, 0),
        timezone="Europe/Prague",
    )
    published = services.write_minutes(other, coordinator, {None: "Řídicí výbor schválil zápis."})
    services.record_decision(other, "Jiří Dvořák připraví žádost.")
    services.circulate_minutes(published)
    services.approve_minutes(published, coordinator)
    services.set_minutes_public(published, True)
    db.session.commit()
    return meeting, other


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("budget", ["OS2FORMS-SC-2027-01"]),
        ("STRASSE köln", ["OS2FORMS-SC-2027-02"]),
        ("2027-02", ["OS2FORMS-SC-2027-02"]),
        ("os2forms-sc", ["OS2FORMS-SC-2027-02", "OS2FORMS-SC-2027-01"]),
        ("dvořák", ["OS2FORMS-KG-2028-01"]),
        ("udget", []),
        ("50%_", []),
    ],
)
def test_the_secretariat_searches_every_groups_decisions(
    client, records, secretariat, query, codes
):
    _as(client, secretariat)
    page = client.get("/meetings/decisions", query_string={"q": query}).get_data(as_text=True)
    found = [
        code
        for code in ("OS2FORMS-SC-2027-02", "OS2FORMS-SC-2027-01", "OS2FORMS-KG-2028-01")
        if code in page
    ]
    assert found == codes


def test_a_member_sees_only_their_groups_decisions_filtered_by_group_and_year(
    client, records, member, committee, coordination
):
    _as(client, member)
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert "OS2FORMS-SC-2027-01" in page and "OS2FORMS-SC-2027-02" in page
    assert "OS2FORMS-KG-2028-01" not in page
    # Naming another group's id shows nothing of it.
    page = client.get(f"/meetings/decisions?group={coordination.id}").get_data(as_text=True)
    assert "OS2FORMS-KG-2028-01" not in page
    page = client.get("/meetings/decisions?year=2026").get_data(as_text=True)
    assert "No decision matches." in page
    for odd in ("?year=99999999999999", "?group=abc", "?q=%C3%A6" + "x" * 5000):
        assert client.get("/meetings/decisions" + odd).status_code == 200


def test_an_outsider_finds_only_published_minutes(client, records, outsider):
    _as(client, outsider)
    page = client.get("/meetings/search?q=budget").get_data(as_text=True)
    assert "No minutes match." in page and "No decision matches." in page
    page = client.get("/meetings/search?q=řídicí").get_data(as_text=True)
    assert "Koordinační skupina" in page
    page = client.get("/meetings/search?q=dvorak").get_data(as_text=True)
    assert "OS2FORMS-KG-2028-01" not in page  # "dvorak" does not begin "dvořák"
    page = client.get("/meetings/search?q=Dvořák").get_data(as_text=True)
    assert "OS2FORMS-KG-2028-01" in page
    assert client.get("/meetings/decisions").get_data(as_text=True).count("OS2FORMS") == 0


def test_the_public_search_shows_published_minutes_only(client, records):
    page = client.get("/meetings/search?q=skupina").get_data(as_text=True)
    assert "Koordinační skupina" in page
    assert "/public/minutes/" in page
    page = client.get("/meetings/search?q=ærø").get_data(as_text=True)
    assert "No minutes match." in page


def test_a_member_finds_their_groups_minutes_but_not_a_new_draft(
    client, records, member, secretary
):
    meeting, _other = records
    meeting_id, item_id = meeting.id, meeting.agenda[0].id
    _as(client, member)
    page = client.get("/meetings/search?q=ÆRØ kommune").get_data(as_text=True)
    assert "Steering committee, spring" in page
    _as(client, secretary)
    client.post(f"/meetings/{meeting_id}/minutes/amend")
    client.post(f"/meetings/{meeting_id}/minutes", data={f"item_{item_id}": "Fanø deltager."})
    assert "Steering committee, spring" in client.get("/meetings/search?q=fanø").get_data(
        as_text=True
    )
    _as(client, member)
    assert "No minutes match." in client.get("/meetings/search?q=fanø").get_data(as_text=True)


def test_a_query_without_words_asks_for_one(client):
    page = client.get("/meetings/search?q=%20%2C%2C").get_data(as_text=True)
    assert "Type a word to search for." in page
    assert client.get("/meetings/search?q=" + "ø" * 10_000).status_code == 200


def test_a_decision_taken_without_a_meeting_is_in_the_register_and_search_for_the_group_only(
    client, records, member, outsider, committee
):
    """A prioritisation round's result is a decision of the group with no meeting: its members
    and the secretariat find it by its words and its code, with the day it was recorded;
    nobody else does, the public included."""
    decision = services.record_group_decision(
        committee, "Prioriteringsrunde: Formularbygger først.", year=2027
    )
    db.session.commit()
    assert decision.code == "OS2FORMS-SC-2027-03"

    _as(client, member)
    register = client.get("/meetings/decisions", query_string={"q": "formularbygger"})
    page = register.get_data(as_text=True)
    assert register.status_code == 200
    assert "OS2FORMS-SC-2027-03" in page
    assert "Without a meeting" in page
    found = client.get("/meetings/search", query_string={"q": "prioriteringsrunde"})
    assert "OS2FORMS-SC-2027-03" in found.get_data(as_text=True)

    _as(client, outsider)
    found = client.get("/meetings/search", query_string={"q": "prioriteringsrunde"})
    assert "OS2FORMS-SC-2027-03" not in found.get_data(as_text=True)
    client.post("/sign-out")
    found = client.get("/meetings/search", query_string={"q": "prioriteringsrunde"})
    assert "OS2FORMS-SC-2027-03" not in found.get_data(as_text=True)
