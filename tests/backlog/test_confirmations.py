"""Opening and closing a prioritisation round ask first, on a page that says what happens."""

from __future__ import annotations

from datetime import timedelta

from consortium.backlog import services
from consortium.backlog.models import PrioritisationRound
from consortium.extensions import db
from tests.backlog.conftest import NOW, accepted_items, open_round
from tests.confirmations import read_confirmation
from tests.conftest import login


def test_closing_early_names_who_has_not_voted_and_that_the_result_is_final(client, world):
    first, second = accepted_items(world, 2)
    round_ = open_round(world, [first, second])
    services.cast_ballot(round_, world.aarhus, {first.id: 5}, world.anna, now=NOW)
    db.session.commit()
    login(client, world.chair.email)
    page = client.get(f"/backlog/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="/backlog/rounds/{round_.id}/close/confirm"' in page

    confirmation = read_confirmation(client, f"/backlog/rounds/{round_.id}/close/confirm")
    assert confirmation.title == "Close the round now?"
    assert confirmation.record == "Spring 2027"
    assert confirmation.consequences[0].startswith(
        "The ballots of 1 of 2 organisations are counted now"
    )
    assert (
        "These organisations have not voted and can no longer vote: Odense Kommune."
        in confirmation.consequences
    )
    assert any("recorded as a decision of" in text for text in confirmation.consequences)
    assert confirmation.button == "Close now"
    db.session.expire_all()
    assert db.session.get(PrioritisationRound, round_.id).status == "open"
    assert client.post(confirmation.action).status_code == 302
    db.session.expire_all()
    assert db.session.get(PrioritisationRound, round_.id).status == "closed"


def test_opening_names_the_items_and_the_voters(client, world):
    items = accepted_items(world, 2)
    round_ = services.create_round(
        world.product,
        world.group,
        title="Autumn 2027",
        method="points",
        points_total=10,
        max_per_item=5,
        opens_at=NOW - timedelta(hours=1),
        closes_at=NOW + timedelta(days=7),
        item_ids=[item.id for item in items],
        by=world.chair,
    )
    db.session.commit()
    login(client, world.chair.email)
    confirmation = read_confirmation(client, f"/backlog/rounds/{round_.id}/open/confirm")
    assert confirmation.title == "Open the round?"
    assert confirmation.record == "Autumn 2027"
    assert confirmation.consequences[0] == (
        "The 2 items, their costs and the organisations' weights are frozen."
    )
    assert confirmation.consequences[1].startswith("The contacts of 2 organisations in ")
    db.session.expire_all()
    assert db.session.get(PrioritisationRound, round_.id).status == "draft"


def test_only_the_rounds_coordinators_are_asked(client, world):
    round_ = open_round(world, accepted_items(world, 1))
    login(client, world.anna.email)
    assert client.get(f"/backlog/rounds/{round_.id}/close/confirm").status_code == 403
