"""Racing ballots and closings: several contacts of one organisation casting at the same moment
leave one ballot; several requests closing a round at the same moment close it once, with one
result and one decision (on PostgreSQL the round's row is locked; on SQLite every transaction
waits for the write lock)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from consortium.auth.models import User
from consortium.backlog import services
from consortium.backlog.models import Ballot, BallotEntry, PrioritisationRound, RoundResult
from consortium.backlog.services import BacklogError
from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings.models import Decision
from consortium.members import services as members
from consortium.members.models import Organisation
from tests.backlog.conftest import NOW, accepted_items, build_world, open_round
from tests.conftest import make_user

N = 6


def _at_once(app, action) -> list[BaseException | str]:
    """Run action(i) for i in 0..N-1 in threads released together, each in its own app context
    and so its own connection, committing at the end; the outcome or the error of each."""
    db.session.commit()
    barrier = threading.Barrier(N)
    outcomes: list[BaseException | str] = ["not run"] * N

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(60)
                outcomes[index] = action(index)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_contacts_of_one_organisation_casting_at_once_leave_one_ballot(committed_app):
    with committed_app.app_context():
        world = build_world()
        items = accepted_items(world, N)
        round_ = open_round(world, items, points_total=N, max_per_item=1)
        voters = []
        for index in range(N):
            person = make_user(f"voter{index}@aarhus.example.dk")
            members.add_contact(world.aarhus, person.id, "other")
            groups.add_member(world.group, person, organisation=world.aarhus, starts_on=NOW.date())
            voters.append(person.id)
        db.session.commit()
        round_id, aarhus_id = round_.id, world.aarhus.id
        item_ids = [item.id for item in items]

        def cast(index: int) -> str:
            found = db.session.get(PrioritisationRound, round_id)
            services.cast_ballot(
                found,
                db.session.get(Organisation, aarhus_id),
                {item_ids[index]: 1},
                db.session.get(User, voters[index]),
                now=NOW,
            )
            return "cast"

        outcomes = _at_once(committed_app, cast)
        assert outcomes == ["cast"] * N, outcomes
        db.session.expire_all()
        ballots = db.session.scalars(select(Ballot)).all()
        assert len(ballots) == 1
        # The ballot holds exactly one person's choice: the last one cast.
        ballot = ballots[0]
        assert len(ballot.entries) == 1
        last = voters.index(ballot.cast_by_user_id)
        assert ballot.values == {item_ids[last]: 1}
        assert _count(BallotEntry) == 1


def test_closing_a_round_from_several_requests_at_once_closes_it_once(committed_app):
    with committed_app.app_context():
        world = build_world()
        items = accepted_items(world, 2)
        round_ = open_round(world, items, closes_at=NOW + timedelta(hours=1))
        services.cast_ballot(round_, world.aarhus, {items[0].id: 5}, world.anna, now=NOW)
        db.session.commit()
        round_id, chair_id = round_.id, world.chair.id
        after = NOW + timedelta(hours=1)

        def close(index: int) -> str:
            found = db.session.get(PrioritisationRound, round_id)
            if index % 3 == 0:
                services.close_round(found, by=db.session.get(User, chair_id), now=after)
                return "closed"
            if index % 3 == 1:
                return "closed" if services.close_if_due(found, now=after) else "already"
            return "closed" if services.close_due(now=after) else "already"

        outcomes = _at_once(committed_app, close)
        assert outcomes.count("closed") == 1, outcomes
        refused = [each for each in outcomes if isinstance(each, BacklogError)]
        assert all(each.code == "round_closed_already" for each in refused), outcomes
        assert len(refused) + outcomes.count("already") == N - 1, outcomes
        db.session.expire_all()
        assert _count(Decision) == 1
        assert _count(RoundResult) == 2
        assert db.session.get(PrioritisationRound, round_id).status == "closed"


def test_ballots_racing_the_closing_are_either_counted_or_refused(committed_app):
    with committed_app.app_context():
        world = build_world()
        items = accepted_items(world, 2)
        round_ = open_round(world, items)
        round_id = round_.id
        people = {"aarhus": world.anna.id, "odense": world.olga.id}
        organisations = {"aarhus": world.aarhus.id, "odense": world.odense.id}
        item_id = items[1].id

        def act(index: int) -> str:
            found = db.session.get(PrioritisationRound, round_id)
            if index == 0:
                services.close_round(found, now=NOW + timedelta(minutes=1))
                return "closed"
            key = "aarhus" if index % 2 else "odense"
            services.cast_ballot(
                found,
                db.session.get(Organisation, organisations[key]),
                {item_id: 1},
                db.session.get(User, people[key]),
                now=NOW,
            )
            return "cast"

        outcomes = _at_once(committed_app, act)
        assert "closed" in outcomes
        assert all(
            each in ("closed", "cast")
            or (isinstance(each, BacklogError) and each.code == "round_closed")
            for each in outcomes
        ), outcomes
        db.session.expire_all()
        closed = db.session.get(PrioritisationRound, round_id)
        counted = {row.item_id: row.score for row in closed.results}
        # What the result counted is exactly the ballots that were kept.
        assert counted[item_id] == str(_count(Ballot))
