"""Decisions recorded by several people at the same moment each get their own number, with no
gap and none twice (on PostgreSQL the sequence row is locked; on SQLite every transaction
waits for the write lock)."""

from __future__ import annotations

import threading
from datetime import date, time

from sqlalchemy import select

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services
from consortium.meetings.models import Decision, Meeting, Minutes
from consortium.meetings.services import MeetingError
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


def _setup(committed_app):
    group = groups.create_group("board", "The board")
    group.code = "BOARD"
    meeting = services.plan_meeting(
        group, title="Board", day=date(2027, 2, 1), starts=time(16), ends=time(18)
    )
    db.session.commit()
    return meeting.id


def test_decisions_recorded_at_once_are_numbered_once_without_a_gap(committed_app):
    with committed_app.app_context():
        meeting_id = _setup(committed_app)

        def record(index: int) -> str:
            meeting = db.session.get(Meeting, meeting_id)
            return services.record_decision(meeting, f"Decision from person {index}").code

        outcomes = _at_once(committed_app, record)
        assert all(isinstance(outcome, str) for outcome in outcomes), outcomes
        expected = [f"BOARD-2027-{n:02d}" for n in range(1, N + 1)]
        assert sorted(outcomes) == expected
        db.session.expire_all()
        stored = db.session.scalars(select(Decision.code).order_by(Decision.number)).all()
        assert stored == expected


def test_minutes_approved_at_once_are_approved_once(committed_app):
    with committed_app.app_context():
        meeting_id = _setup(committed_app)
        chair = make_user("chair@example.org", secretariat=True)
        meeting = db.session.get(Meeting, meeting_id)
        minutes = services.write_minutes(meeting, None, {None: "Approved."})
        services.circulate_minutes(minutes)
        minutes_id, chair_id = minutes.id, chair.id
        db.session.commit()

        def approve(index: int) -> str:
            from consortium.auth.models import User

            found = db.session.get(Minutes, minutes_id)
            services.approve_minutes(found, db.session.get(User, chair_id))
            return "approved"

        outcomes = _at_once(committed_app, approve)
        assert outcomes.count("approved") == 1, outcomes
        refusals = [outcome for outcome in outcomes if isinstance(outcome, MeetingError)]
        assert [refusal.code for refusal in refusals] == ["minutes_approved"] * (N - 1)
