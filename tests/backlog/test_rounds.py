"""Prioritisation rounds: the chair drafts and opens a round, each participating organisation
fills in one ballot, the round closes by hand or at its time, once, with a locked result, the
items prioritised and the group's decision recorded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from consortium.backlog import queries, services
from consortium.backlog.models import Ballot, RoundResult
from consortium.backlog.services import BacklogError
from consortium.extensions import db
from consortium.fees.models import BudgetShare, ProductBudget, ProductTariff
from consortium.meetings.models import Decision
from tests.backlog.conftest import NOW, accepted_items, open_round


def _cast(round_, organisation, person, values, now=None):
    ballot = services.cast_ballot(round_, organisation, values, person, now=now or NOW)
    db.session.commit()
    return ballot


def test_the_participants_are_the_organisations_with_an_agreement_weighted_equally(world):
    round_ = open_round(world, accepted_items(world, 2))
    assert round_.status == "open"
    # Kolding's commitment gives it no vote; Vejle takes part in another product.
    assert [weight.organisation.name for weight in round_.weights] == [
        "Aarhus Kommune",
        "Odense Kommune",
    ]
    assert {weight.weight for weight in round_.weights} == {Decimal(1)}
    assert {weight.source for weight in round_.weights} == {"equal"}


def test_two_contacts_of_one_organisation_fill_in_one_ballot_and_the_last_counts(world):
    first, second, third = accepted_items(world, 3)
    round_ = open_round(world, [first, second, third])
    _cast(round_, world.aarhus, world.anna, {first.id: 5, second.id: 5})
    ballot = _cast(round_, world.aarhus, world.bo, {third.id: 4}, now=NOW + timedelta(minutes=5))
    ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)).all()
    assert ballots == [ballot]
    assert ballot.values == {third.id: 4}
    assert ballot.cast_by_user_id == world.bo.id
    assert ballot.cast_at == NOW + timedelta(minutes=5)
    turnout = queries.turnout(round_)
    assert [each.name for each in turnout.voted] == ["Aarhus Kommune"]
    assert [each.name for each in turnout.not_voted] == ["Odense Kommune"]


@pytest.mark.parametrize(
    ("who", "organisation"),
    [
        ("carl", "aarhus"),  # an Aarhus contact outside the group
        ("olga", "aarhus"),  # in the group, but Odense's contact
        ("karl", "kolding"),  # Kolding has no agreement: no vote
        ("vera", "vejle"),
        ("outsider", "aarhus"),
    ],
)
def test_only_a_contact_who_sits_in_the_group_fills_in_the_organisations_ballot(
    world, who, organisation
):
    items = accepted_items(world, 2)
    round_ = open_round(world, items)
    with pytest.raises(BacklogError) as refused:
        _cast(round_, getattr(world, organisation), getattr(world, who), {items[0].id: 1})
    assert refused.value.code == "not_a_voter"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({1: 6}, "more than the 5 points one item may get"),
        ({1: 5, 2: 5, 3: 1}, "11 points in all"),
        ({1: -1}, "negative"),
        ({99: 1}, "not in the round"),
    ],
)
def test_a_ballot_over_its_points_or_with_a_foreign_item_is_refused_in_words(world, values, words):
    items = accepted_items(world, 3)
    round_ = open_round(world, items)
    ids = {1: items[0].id, 2: items[1].id, 3: items[2].id, 99: 999_999}
    with pytest.raises(BacklogError) as refused:
        _cast(round_, world.aarhus, world.anna, {ids[key]: value for key, value in values.items()})
    assert refused.value.code == "ballot"
    assert words in refused.value.message


def test_a_ranking_must_have_no_gaps_or_repeats(world):
    items = accepted_items(world, 3)
    round_ = open_round(world, items, method="borda")
    with pytest.raises(BacklogError) as gap:
        _cast(round_, world.aarhus, world.anna, {items[0].id: 1, items[1].id: 3})
    assert "without gaps" in gap.value.message
    with pytest.raises(BacklogError) as repeated:
        _cast(round_, world.aarhus, world.anna, {items[0].id: 1, items[1].id: 1})
    assert "each rank once" in repeated.value.message
    _cast(round_, world.aarhus, world.anna, {items[0].id: 2, items[1].id: 1})


def test_closing_counts_locks_prioritises_and_records_the_groups_decision(world):
    first, second, third = accepted_items(world, 3)
    round_ = open_round(world, [first, second, third])
    _cast(round_, world.aarhus, world.anna, {first.id: 5, second.id: 3, third.id: 2})
    _cast(round_, world.odense, world.olga, {second.id: 5, first.id: 3, third.id: 2})
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()

    assert round_.status == "closed"
    assert round_.closed_by_user_id == world.chair.id
    rows = [(row.rank, row.item_id, row.score, row.funded) for row in round_.results]
    # 8 points each for the first two items: a tie, listed by item id; then 4.
    assert rows == [(1, first.id, "8", None), (1, second.id, "8", None), (3, third.id, "4", None)]
    assert [(item.status, item.priority_rank) for item in (first, second, third)] == [
        ("prioritised", 1),
        ("prioritised", 1),
        ("prioritised", 3),
    ]
    decision = round_.decision
    assert decision.code == f"OS2FORMS-KG-{(NOW + timedelta(hours=1)).year}-01"
    assert decision.meeting_id is None
    assert decision.group == world.group
    assert "Spring 2027" in decision.text
    assert f"1. #{first.id} Wish 1 (8)" in decision.text
    assert "2 of 2 organisations voted" in decision.text

    with pytest.raises(BacklogError) as again:
        services.close_round(round_, by=world.chair)
    assert again.value.code == "round_closed_already"
    with pytest.raises(BacklogError) as late:
        _cast(round_, world.aarhus, world.anna, {first.id: 1})
    assert late.value.code == "round_closed"


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_the_database_refuses_to_change_a_closed_rounds_result_and_ballots(world):
    items = accepted_items(world, 2)
    round_ = open_round(world, items)
    _cast(round_, world.aarhus, world.anna, {items[0].id: 5})
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()
    for statement in (
        "UPDATE backlog_round_result SET score = '1000' WHERE round_id = :id",
        "DELETE FROM backlog_round_result WHERE round_id = :id",
        "UPDATE backlog_ballot_entry SET value = 1 WHERE ballot_id IN "
        "(SELECT id FROM backlog_ballot WHERE round_id = :id)",
        "DELETE FROM backlog_ballot WHERE round_id = :id",
        "UPDATE backlog_round SET status = 'open' WHERE id = :id",
        "UPDATE backlog_round_weight SET weight = 100 WHERE round_id = :id",
    ):
        with pytest.raises(DatabaseError):
            with db.session.begin_nested():
                db.session.execute(text(statement), {"id": round_.id})
    assert [row.score for row in round_.results] == ["5", "0"]


def test_after_the_closing_time_ballots_are_refused_and_the_first_reader_closes_it_once(world):
    items = accepted_items(world, 2)
    round_ = open_round(world, items, closes_at=NOW + timedelta(hours=2))
    _cast(round_, world.odense, world.olga, {items[1].id: 2})
    after = NOW + timedelta(hours=2, seconds=1)
    with pytest.raises(BacklogError) as late:
        _cast(round_, world.aarhus, world.anna, {items[0].id: 5}, now=after)
    assert late.value.code == "round_closed"
    assert round_.status == "open"

    assert services.close_if_due(round_, now=NOW + timedelta(hours=1)) is False
    assert services.close_if_due(round_, now=after) is True
    assert services.close_if_due(round_, now=after) is False
    assert services.close_due(now=after) == []
    db.session.commit()
    assert round_.status == "closed"
    assert round_.closed_by_user_id is None
    assert [row.item_id for row in round_.results] == [items[1].id, items[0].id]
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 1


def test_close_due_closes_every_due_round_once(world):
    items = accepted_items(world, 2)
    due = open_round(world, items[:1], closes_at=NOW + timedelta(hours=1))
    later = open_round(world, items[1:], closes_at=NOW + timedelta(days=3))
    closed = services.close_due(now=NOW + timedelta(hours=1))
    db.session.commit()
    assert closed == [due]
    assert (due.status, later.status) == ("closed", "open")
    assert services.close_due(now=NOW + timedelta(hours=1)) == []


def test_a_round_is_made_of_accepted_items_of_its_product_by_its_coordination_group(world):
    items = accepted_items(world, 2)
    proposed = services.submit_item(
        world.product, by=world.anna, organisation=world.aarhus, title="Not yet accepted"
    )
    common = {
        "title": "R",
        "method": "points",
        "opens_at": NOW,
        "closes_at": NOW + timedelta(days=1),
        "points_total": 10,
        "max_per_item": 5,
    }
    with pytest.raises(BacklogError) as not_accepted:
        services.create_round(
            world.product, world.group, item_ids=[items[0].id, proposed.id], **common
        )
    assert not_accepted.value.code == "item_not_accepted"
    with pytest.raises(BacklogError) as other_group:
        services.create_round(world.product, world.other_group, item_ids=[items[0].id], **common)
    assert other_group.value.code == "group_not_coordination"
    with pytest.raises(BacklogError) as cap:
        services.create_round(
            world.product, world.group, item_ids=[items[0].id], **(common | {"max_per_item": 11})
        )
    assert cap.value.code == "points"
    with pytest.raises(BacklogError) as times:
        services.create_round(
            world.product, world.group, item_ids=[items[0].id], **(common | {"closes_at": NOW})
        )
    assert times.value.code == "times"


def test_a_budget_round_needs_an_estimate_for_every_item_and_counts_what_fits(world):
    # Estimates 100, 200 and 300; a budget of 350.
    first, second, third = accepted_items(world, 3, estimate="100")
    round_ = open_round(
        world, [first, second, third], method="budget-greedy", budget=Decimal("350")
    )
    assert [entry.cost for entry in round_.items] == [
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("300.00"),
    ]
    _cast(round_, world.aarhus, world.anna, {third.id: 1, first.id: 1})
    _cast(round_, world.odense, world.olga, {third.id: 1, second.id: 1})
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()
    rows = [(row.rank, row.item_id, row.score, row.funded) for row in round_.results]
    assert rows == [
        (1, third.id, "2", True),
        (2, first.id, "1", False),
        (2, second.id, "1", False),
    ]
    assert round_.budget_left == Decimal("50.00")
    assert "Budget left" in round_.decision.text

    unestimated = accepted_items(world, 1)[0]
    draft = services.create_round(
        world.product,
        world.group,
        title="Autumn",
        method="equal-shares",
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        item_ids=[unestimated.id],
        budget="1000",
    )
    with pytest.raises(BacklogError) as refused:
        services.open_round(draft, now=NOW)
    assert refused.value.code == "no_estimate"


def _budget(world, year, status, shares):
    budget = ProductBudget(
        product_id=world.product.id, year=year, status=status, amount=sum(shares.values())
    )
    db.session.add(budget)
    for organisation, amount in shares.items():
        budget.shares.append(BudgetShare(organisation_id=organisation.id, amount=amount))
    db.session.commit()
    return budget


def test_cost_share_weights_are_the_recorded_shares_frozen_when_the_round_opens(world):
    year = (NOW - timedelta(hours=1)).year
    budget = _budget(
        world,
        year,
        "approved",
        {world.aarhus: Decimal("300000.00"), world.odense: Decimal("100000.00")},
    )
    first, second = accepted_items(world, 2)
    round_ = open_round(world, [first, second], weighting="cost_share")
    weights = {weight.organisation_id: weight for weight in round_.weights}
    assert weights[world.aarhus.id].weight == Decimal("300000.00")
    assert weights[world.aarhus.id].source == "recorded_share"
    assert weights[world.aarhus.id].basis == str(year)
    # A later change of the budget does not move the frozen weights.
    budget.shares[0].amount = Decimal("1.00")
    db.session.commit()
    _cast(round_, world.aarhus, world.anna, {first.id: 1})
    _cast(round_, world.odense, world.olga, {second.id: 2})
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()
    assert [(row.item_id, row.score) for row in round_.results] == [
        (first.id, "300000"),
        (second.id, "200000"),
    ]


def test_cost_share_without_a_budget_or_tier_without_weights_is_refused_before_opening(world):
    items = accepted_items(world, 2)
    for item, weighting, code in (
        (items[0], "cost_share", "no_budget"),
        (items[1], "tier", "no_tier_weights"),
    ):
        round_ = services.create_round(
            world.product,
            world.group,
            title=weighting,
            method="borda",
            opens_at=NOW,
            closes_at=NOW + timedelta(days=1),
            item_ids=[item.id],
            weighting=weighting,
        )
        with pytest.raises(BacklogError) as refused:
            services.open_round(round_, now=NOW)
        assert refused.value.code == code
        assert round_.status == "draft"


def test_tier_weights_come_from_the_products_tariff(world):
    year = (NOW - timedelta(hours=1)).year
    db.session.add(
        ProductTariff(
            product_id=world.product.id,
            year=year,
            pricing={
                "type": "budget_split",
                "method": "tier_weights",
                "tier_weights": {"small": "1", "large": "2.5"},
            },
        )
    )
    world.aarhus.tier_override = "large"
    world.odense.tier_override = "small"
    db.session.commit()
    round_ = open_round(world, accepted_items(world, 1), method="borda", weighting="tier")
    weights = {weight.organisation_id: (weight.weight, weight.basis) for weight in round_.weights}
    assert weights == {
        world.aarhus.id: (Decimal("2.5"), "large"),
        world.odense.id: (Decimal("1"), "small"),
    }


def test_while_open_organisations_see_their_own_ballot_after_closing_the_group_sees_all(world):
    items = accepted_items(world, 2)
    round_ = open_round(world, items)
    _cast(round_, world.aarhus, world.anna, {items[0].id: 5})
    _cast(round_, world.odense, world.olga, {items[1].id: 5})

    def seen(person):
        return [ballot.organisation.name for ballot in queries.visible_ballots(round_, person)]

    assert seen(world.bo) == ["Aarhus Kommune"]
    assert seen(world.olga) == ["Odense Kommune"]
    assert seen(world.outsider) == []
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()
    assert seen(world.bo) == ["Aarhus Kommune", "Odense Kommune"]
    assert seen(world.secretariat) == ["Aarhus Kommune", "Odense Kommune"]
    assert seen(world.karl) == []  # a contact of a participant, outside the group
    assert seen(world.outsider) == []


def test_a_round_needs_a_group_code_for_its_decision(world):
    world.group.code = None
    db.session.commit()
    items = accepted_items(world, 1)
    round_ = services.create_round(
        world.product,
        world.group,
        title="No code",
        method="borda",
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        item_ids=[items[0].id],
    )
    with pytest.raises(BacklogError) as refused:
        services.open_round(round_, now=NOW)
    assert refused.value.code == "group_code"


def test_results_are_never_written_for_a_draft_round(world):
    items = accepted_items(world, 1)
    round_ = services.create_round(
        world.product,
        world.group,
        title="Draft",
        method="borda",
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        item_ids=[items[0].id],
    )
    with pytest.raises(BacklogError) as refused:
        services.close_round(round_)
    assert refused.value.code == "round_not_open"
    with pytest.raises(BacklogError):
        _cast(round_, world.aarhus, world.anna, {items[0].id: 1})
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 0


def test_an_item_is_counted_in_one_round_at_a_time(world):
    items = accepted_items(world, 1)
    open_round(world, items)
    with pytest.raises(BacklogError) as refused:
        open_round(world, items)
    assert refused.value.code == "item_in_open_round"


@pytest.mark.parametrize("item_id", [0, -1, 2**63, 10**30])
def test_an_item_id_out_of_any_range_is_refused_with_a_message(world, item_id):
    with pytest.raises(BacklogError) as refused:
        services.create_round(
            world.product,
            world.group,
            title="Odd",
            method="borda",
            opens_at=NOW,
            closes_at=NOW + timedelta(days=1),
            item_ids=[item_id],
        )
    assert refused.value.code == "item_not_accepted"


def test_a_ballot_before_the_opening_time_is_refused(world):
    items = accepted_items(world, 1)
    round_ = services.create_round(
        world.product,
        world.group,
        title="Next week",
        method="borda",
        opens_at=NOW + timedelta(days=7),
        closes_at=NOW + timedelta(days=14),
        item_ids=[items[0].id],
    )
    services.open_round(round_, now=NOW)
    with pytest.raises(BacklogError) as refused:
        _cast(round_, world.aarhus, world.anna, {items[0].id: 1})
    assert refused.value.code == "round_not_yet_open"
    _cast(round_, world.aarhus, world.anna, {items[0].id: 1}, now=NOW + timedelta(days=7))


def test_without_an_approved_budget_the_fee_engines_live_share_is_the_weight(world):
    year = (NOW - timedelta(hours=1)).year
    db.session.add(
        ProductTariff(
            product_id=world.product.id,
            year=year,
            pricing={"type": "budget_split", "method": "equal"},
            part_year_method="none",
        )
    )
    db.session.add(
        ProductBudget(
            product_id=world.product.id, year=year, status="draft", amount=Decimal("1000.00")
        )
    )
    db.session.commit()
    round_ = open_round(world, accepted_items(world, 1), method="borda", weighting="cost_share")
    weights = {
        weight.organisation.name: (weight.weight, weight.source, weight.basis)
        for weight in round_.weights
    }
    assert weights == {
        "Aarhus Kommune": (Decimal("500.00"), "live_share", str(year)),
        "Odense Kommune": (Decimal("500.00"), "live_share", str(year)),
    }
    from consortium.backlog.labels import weight_source

    weight = round_.weights[0]
    assert weight_source(weight.source, weight.basis) == (
        f"its share of the budget {year} as the fee engine computes it now"
    )


@pytest.mark.parametrize("key", ["abc", "1\x00", "", str(10**30)])
def test_a_ballot_naming_no_item_is_refused_with_a_message(world, key):
    items = accepted_items(world, 1)
    round_ = open_round(world, items)
    with pytest.raises(BacklogError) as refused:
        _cast(round_, world.aarhus, world.anna, {key: 1})
    assert refused.value.code == "ballot"
    assert refused.value.message


def test_the_secretariats_queue_leads_to_the_one_open_round(app, world):
    from consortium.main import workqueue

    def entry() -> workqueue.Entry:
        with app.test_request_context():
            queue = workqueue.secretariat_queue(user_id=0)
        return next(item for item in queue.entries if item.key == "open_rounds")

    assert entry().count == 0
    round_ = open_round(world, accepted_items(world, 2))
    assert (entry().count, entry().url) == (1, f"/backlog/rounds/{round_.id}")
    open_round(world, accepted_items(world, 1))
    assert (entry().count, entry().url) == (2, "/backlog/")
