"""`flask backlog close-due`, run from cron every minute: the rounds whose closing time has come
are closed once, each printed with the code of the group's decision, whoever else (a reader of
the round's page, another run of the command) closes rounds at the same time."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from consortium.backlog import services
from consortium.backlog.models import PrioritisationRound, RoundResult
from consortium.extensions import db
from consortium.meetings.models import Decision
from tests.backlog.conftest import NOW, accepted_items, build_world, open_round


def close_due(runner):
    return runner.invoke(args=["backlog", "close-due"])


def _due_round(world, items, votes):
    """A points round over the items whose closing time passed a minute ago, with Aarhus's
    ballot (item → points)."""
    round_ = open_round(world, items, closes_at=NOW - timedelta(minutes=1))
    services.cast_ballot(
        round_,
        world.aarhus,
        {item.id: points for item, points in zip(items, votes, strict=True)},
        world.anna,
        now=NOW - timedelta(minutes=10),
    )
    db.session.commit()
    return round_


def _decisions() -> list[Decision]:
    return list(db.session.scalars(select(Decision).order_by(Decision.id)))


def test_a_due_round_is_closed_printed_with_its_decision_and_then_left_alone(world, runner):
    items = accepted_items(world, 2)
    round_ = _due_round(world, items, [2, 5])

    result = close_due(runner)

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    (decision,) = _decisions()
    assert decision.code.startswith("OS2FORMS-KG-")
    assert result.output == (
        f"Closed round #{round_.id} Spring 2027 (OS2forms): decision {decision.code}\n"
    )
    assert round_.status == "closed"
    assert round_.decision_id == decision.id
    # The result is counted: the item with 5 points first.
    assert [(item.status, item.priority_rank) for item in items] == [
        ("prioritised", 2),
        ("prioritised", 1),
    ]
    assert f"#{items[1].id} Wish 2 (5)" in decision.text

    again = close_due(runner)

    assert again.exit_code == 0
    assert again.output == ""
    db.session.expire_all()
    assert len(_decisions()) == 1
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 2


def test_nothing_is_printed_and_an_open_round_stays_open_before_its_closing_time(world, runner):
    items = accepted_items(world, 2)
    round_ = open_round(world, items, closes_at=NOW + timedelta(days=3))

    result = close_due(runner)

    assert result.exit_code == 0
    assert result.output == ""
    db.session.expire_all()
    assert round_.status == "open"
    assert _decisions() == []


def test_a_round_a_reader_closed_meanwhile_is_not_closed_again(world, runner):
    first_items = accepted_items(world, 2)
    first = _due_round(world, first_items, [3, 1])
    second_items = accepted_items(world, 2)
    second = _due_round(world, second_items, [1, 4])
    # Someone opened the first round's page: the page closed it.
    assert services.close_if_due(first) is True
    db.session.commit()

    result = close_due(runner)

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    decisions = _decisions()
    assert [decision.id for decision in decisions] == [first.decision_id, second.decision_id]
    assert result.output.splitlines() == [
        f"Closed round #{second.id} Spring 2027 (OS2forms): decision {decisions[1].code}"
    ]
    assert first.status == second.status == "closed"


def test_runs_of_the_command_and_readers_at_the_same_moment_close_each_round_once(
    committed_app,
):
    with committed_app.app_context():
        world = build_world()
        rounds = []
        for _number in range(2):
            items = accepted_items(world, 2)
            rounds.append(_due_round(world, items, [1, 2]).id)
        db.session.commit()

    runs = 4
    barrier = threading.Barrier(runs * 2)
    outputs: list[str] = []
    failures: list[BaseException | int] = []

    def command() -> None:
        barrier.wait(60)
        result = committed_app.test_cli_runner().invoke(args=["backlog", "close-due"])
        if result.exit_code != 0:
            failures.append(result.exception or result.exit_code)
        outputs.append(result.output)

    def reader(round_id: int) -> None:
        with committed_app.app_context():
            try:
                barrier.wait(60)
                found = db.session.get(PrioritisationRound, round_id)
                services.close_if_due(found)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=command) for _run in range(runs)] + [
        threading.Thread(target=reader, args=(rounds[index % 2],)) for index in range(runs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    with committed_app.app_context():
        decisions = _decisions()
        assert len(decisions) == 2
        closed = [db.session.get(PrioritisationRound, round_id) for round_id in rounds]
        assert all(round_.status == "closed" for round_ in closed)
        assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 4
        printed = [line for output in outputs for line in output.splitlines()]
        # Whatever the command closed it printed, once; the readers closed the rest.
        assert len(printed) == len(set(printed)) <= 2
        for line in printed:
            assert any(line.endswith(f"decision {decision.code}") for decision in decisions)
