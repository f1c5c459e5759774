"""Prioritisation rounds through the pages: the chair drafts and opens a round, two
municipalities vote (one changes its ballot, one is refused for going over its points), the
round closes with its ordered result, ties and decision, and the result exports read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from consortium.backlog import services
from consortium.backlog.models import BacklogItem, Ballot, PrioritisationRound
from consortium.extensions import db
from tests.backlog.conftest import NOW, accepted_items, open_round
from tests.conftest import login, sign_in


def _as(client, person):
    client.post("/sign-out")
    assert login(client, person.email).status_code == 302
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _ballot(client, round_, organisation, values: dict):
    data = {"organisation": str(organisation.id)} | {
        f"item-{item_id}": str(value) for item_id, value in values.items()
    }
    return client.post(f"/backlog/rounds/{round_.id}/ballot", data=data)


def _draft_through_the_page(client, world, items):
    zone = ZoneInfo("Europe/Copenhagen")
    opens = (NOW - timedelta(days=1)).astimezone(zone)
    closes = (NOW + timedelta(days=7)).astimezone(zone)
    answer = client.post(
        f"/backlog/products/{world.product.id}/rounds/new",
        data={
            "title": "Spring 2027",
            "group": str(world.group.id),
            "items": [str(item.id) for item in items],
            "method": "points",
            "points_total": "10",
            "max_per_item": "5",
            "weighting": "equal",
            "opens_on": opens.date().isoformat(),
            "opens_time": "09:00",
            "closes_on": closes.date().isoformat(),
            "closes_time": "16:00",
        },
    )
    assert answer.status_code == 302, _text(answer)
    return db.session.scalar(db.select(PrioritisationRound))


def test_a_points_round_from_drafting_to_the_exported_result(client, world):
    first, second, third = accepted_items(world, 3)
    # The chair drafts the round with the page's checkboxes and opens it.
    _as(client, world.chair)
    assert "New round" in _text(client.get(f"/backlog/products/{world.product.id}/rounds"))
    form = _text(client.get(f"/backlog/products/{world.product.id}/rounds/new"))
    assert f'value="{first.id}"' in form and 'type="checkbox"' in form
    round_ = _draft_through_the_page(client, world, [first, second, third])
    assert round_.status == "draft" and round_.points_total == 10
    assert client.post(f"/backlog/rounds/{round_.id}/open").status_code == 302
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert "Close now" in page and "one vote per organisation" in page
    assert "0 of 2 organisations have voted." in page

    # Aarhus votes, and another of its contacts changes the ballot.
    _as(client, world.anna)
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert "The ballot of Aarhus Kommune" in page and "Close now" not in page
    assert _ballot(client, round_, world.aarhus, {first.id: 5, second.id: 3}).status_code == 302
    _as(client, world.bo)
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert "Cast last by Anna Aarhus" in page
    assert _ballot(client, round_, world.aarhus, {first.id: 5, second.id: 5}).status_code == 302
    assert "Cast last by Bo Aarhus" in _text(client.get(f"/backlog/rounds/{round_.id}"))

    # Odense goes over its points: refused in words, nothing stored, what was typed kept.
    _as(client, world.olga)
    refused = _ballot(client, round_, world.odense, {first.id: 5, second.id: 5, third.id: 4})
    assert refused.status_code == 422
    assert "Odense Kommune gives 14 points in all, more than the 10 points" in _text(refused)
    assert 'value="4"' in _text(refused)
    capped = _ballot(client, round_, world.odense, {third.id: 6})
    assert f"Odense Kommune gives item #{third.id} Wish 3 6 points" in _text(capped)
    assert (
        db.session.scalar(db.select(Ballot).where(Ballot.organisation_id == world.odense.id))
        is None
    )
    # While open, Odense sees the turnout but not how Aarhus voted.
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert "Aarhus Kommune: voted" in page and "Odense Kommune: not voted" in page
    assert "The ballot of Aarhus Kommune" not in page and "Bo Aarhus" not in page
    assert _ballot(client, round_, world.odense, {first.id: 5, second.id: 5}).status_code == 302

    # The chair closes the round: the ordered result with the tie and the decision.
    _as(client, world.chair)
    assert client.post(f"/backlog/rounds/{round_.id}/close").status_code == 302
    round_ = db.session.get(PrioritisationRound, round_.id)
    code = round_.decision.code
    assert code.startswith("OS2FORMS-KG-")
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert code in page
    result = page.split('id="result-table"')[1].split("</table>")[0]
    assert result.index("Wish 1") < result.index("Wish 2") < result.index("Wish 3")
    assert result.count("(tied)") == 2
    assert "2 of 2 organisations have voted." in page
    # Every ballot is shown to the group now.
    assert "The ballots" in page and "Cast last by Bo Aarhus" in page
    item_page = _text(client.get(f"/backlog/items/{third.id}"))
    assert "Prioritised" in item_page and '<dd id="rank">3</dd>' in item_page

    # The exports read back.
    exported = client.get(f"/backlog/rounds/{round_.id}/result.csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["rank", "item", "score", "funded", "title"]
    assert rows[1:] == [
        ["1", str(first.id), "10", "", "Wish 1"],
        ["1", str(second.id), "10", "", "Wish 2"],
        ["3", str(third.id), "0", "", "Wish 3"],
    ]
    data = json.loads(client.get(f"/backlog/rounds/{round_.id}/result.json").get_data())
    assert data["decision"] == code
    assert [row["rank"] for row in data["result"]] == [1, 1, 3]
    assert data["voted"] == ["Aarhus Kommune", "Odense Kommune"]

    # A ballot after the close is refused with a message.
    _as(client, world.olga)
    late = _ballot(client, round_, world.odense, {third.id: 5})
    assert late.status_code in (302, 403, 422)
    assert db.session.scalar(
        db.select(Ballot).where(Ballot.organisation_id == world.odense.id)
    ).values == {first.id: 5, second.id: 5}


def test_nobody_fills_in_another_organisations_ballot(client, world):
    items = accepted_items(world, 2)
    round_ = open_round(world, items)
    _as(client, world.anna)
    assert _ballot(client, round_, world.odense, {items[0].id: 1}).status_code == 403
    # Kolding only committed: it has no ballot in the round.
    _as(client, world.karl)
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert "The ballot of" not in page
    assert _ballot(client, round_, world.kolding, {items[0].id: 1}).status_code == 404
    # Carl is an Aarhus contact outside the group.
    _as(client, world.carl)
    assert _ballot(client, round_, world.aarhus, {items[0].id: 1}).status_code == 403
    assert db.session.scalars(db.select(Ballot)).all() == []


def test_only_the_chair_or_secretary_runs_rounds(client, world):
    items = accepted_items(world, 1)
    round_ = open_round(world, items)
    for who in ("anna", "supplier_user", "karl"):
        _as(client, getattr(world, who))
        assert client.get(f"/backlog/products/{world.product.id}/rounds/new").status_code == 403
        assert client.post(f"/backlog/rounds/{round_.id}/close").status_code == 403
    _as(client, world.vera)
    assert client.get(f"/backlog/rounds/{round_.id}").status_code == 403
    _as(client, world.other_supplier_user)
    assert client.get(f"/backlog/rounds/{round_.id}").status_code == 403
    assert db.session.get(PrioritisationRound, round_.id).status == "open"


def test_a_round_past_its_closing_time_is_closed_by_the_next_page_that_reads_it(client, world):
    items = accepted_items(world, 2)
    round_ = open_round(world, items)
    services.cast_ballot(round_, world.aarhus, {items[1].id: 5}, world.anna, now=NOW)
    round_.closes_at = NOW - timedelta(minutes=1)
    db.session.commit()
    _as(client, world.olga)
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert '<dd id="round-status">Closed</dd>' in page
    assert db.session.get(BacklogItem, items[1].id).priority_rank == 1


def test_a_draft_round_has_no_result_to_export(client, world):
    items = accepted_items(world, 1)
    round_ = services.create_round(
        world.product,
        world.group,
        title="Autumn",
        method="borda",
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        item_ids=[items[0].id],
        by=world.chair,
    )
    db.session.commit()
    _as(client, world.anna)
    answer = client.get(f"/backlog/rounds/{round_.id}/result.csv")
    assert answer.status_code == 302
    assert "once the round has closed" in _text(client.get(answer.headers["Location"]))


def test_a_budget_round_takes_approvals_and_shows_what_is_funded(client, world):
    items = accepted_items(world, 3, estimate="1000")
    round_ = open_round(world, items, method="budget-greedy", budget="3500")
    _as(client, world.anna)
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    assert 'type="checkbox"' in page
    assert (
        _ballot(client, round_, world.aarhus, {items[1].id: 1, items[2].id: 1}).status_code == 302
    )
    refused = _ballot(client, round_, world.aarhus, {items[0].id: 2})
    assert refused.status_code == 422
    assert "an approval is 1" in _text(refused)
    _as(client, world.chair)
    client.post(f"/backlog/rounds/{round_.id}/close")
    page = _text(client.get(f"/backlog/rounds/{round_.id}"))
    # Wish 2 and Wish 3 have one approval each: the lower number, Wish 2 (2000), is funded
    # first; Wish 3 (3000) no longer fits; nobody approved Wish 1.
    assert "Funded" in page
    assert "Spent: DKK\xa02,000.00 of DKK\xa03,500.00; left: DKK\xa01,500.00." in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/backlog/rounds/{round_.id}/result.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert {row["item"]: row["funded"] for row in rows} == {
        str(items[1].id): "yes",
        str(items[2].id): "no",
        str(items[0].id): "no",
    }


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({0: 1, 1: 3}, "but no item 2"),
        ({0: 1, 1: 1}, "each rank once"),
        ({0: "first"}, "is not a whole number"),
        ({0: "9" * 40}, "ranks item"),
        ({0: "\x00"}, "is not a whole number"),
        ({0: "-1"}, "ranks start at 1"),
    ],
)
def test_a_ranking_ballot_is_refused_in_words(client, world, values, words):
    items = accepted_items(world, 3)
    round_ = open_round(world, items, method="borda")
    _as(client, world.olga)
    answer = _ballot(
        client, round_, world.odense, {items[index].id: value for index, value in values.items()}
    )
    assert answer.status_code == 422
    assert words in _text(answer)
    assert db.session.scalars(db.select(Ballot)).all() == []


def test_a_ballot_without_its_token_is_not_saved(world, csrf_app):
    items = accepted_items(world, 1)
    round_ = open_round(world, items)
    round_id, item_id, aarhus_id = round_.id, items[0].id, world.aarhus.id
    client = csrf_app.test_client()
    assert sign_in(client, world.anna.email).status_code == 302
    answer = client.post(
        f"/backlog/rounds/{round_id}/ballot",
        data={"organisation": str(aarhus_id), f"item-{item_id}": "3"},
    )
    assert answer.status_code in (302, 400)
    assert db.session.scalars(db.select(Ballot)).all() == []
