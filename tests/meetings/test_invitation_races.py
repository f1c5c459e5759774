"""The invitation sent by several presses at the same moment (a double click, the chair and the
secretary together) goes out once: on PostgreSQL the meeting's row is locked before it is read,
on SQLite every transaction waits for the write lock."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.mail.models import OutboxMessage
from consortium.meetings import services
from consortium.meetings.models import Meeting
from consortium.members import services as members
from tests.conftest import make_user
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 6
SECRETARY = "secretary@aarhus.example.dk"


def test_the_invitation_sent_at_once_from_several_clients_goes_out_once(committed_app):
    with committed_app.app_context():
        aarhus = members.create_organisation(
            name="Aarhus Kommune", kind="municipality", country="DK"
        )
        board = groups.create_group("board", "The board")
        people = [make_user(SECRETARY, name="Simon Secretary")] + [
            make_user(f"member{n}@aarhus.example.dk") for n in range(3)
        ]
        for index, person in enumerate(people):
            role = "secretary" if index == 0 else "member"
            members.add_contact(aarhus, person.id, "other")
            groups.add_member(
                board, person, organisation=aarhus, role=role, starts_on=date(2025, 1, 1)
            )
        meeting = services.plan_meeting(
            board, title="Board, March", day=date(2027, 3, 10), starts=time(16), ends=time(18)
        )
        db.session.commit()
        url = f"/meetings/{meeting.id}/invite"

        clients = signed_in_clients(committed_app, SECRETARY, N)
        outcomes = fire_at_once(N, lambda i: clients[i].post(url, follow_redirects=True))

        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "The invitation went to 4 members.") == 1
        assert count_saying(outcomes, "The invitation has already been sent.") == N - 1
        db.session.expire_all()
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        assert sent == len(people)
        per_person = db.session.execute(
            select(OutboxMessage.recipient, func.count()).group_by(OutboxMessage.recipient)
        ).all()
        assert {count for _recipient, count in per_person} == {1}
        assert db.session.get(Meeting, meeting.id).invited_at is not None
