"""Pressing Send several times at once mails the message once (on PostgreSQL the second
insert of the form's token waits for the first and is refused; on SQLite they take turns)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.messages.models import BulkMessage, BulkMessageRecipient
from tests.conftest import make_user, server_url
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 6
# Named so that the PostgreSQL run keeps this module (tests/conftest.py, OWN_DATABASE).
DATABASE = "PostgreSQL" if server_url() else "SQLite"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_sending_at_once_sends_once(committed_app):
    with committed_app.app_context():
        chair = make_user("chair@aarhus.example.dk", name="Carl Chair")
        anna = make_user("anna@aarhus.example.dk", name="Anna Jensen", language="da")
        aarhus = members.create_organisation(
            name="Aarhus Kommune", kind="municipality", country="DK"
        )
        members.add_contact(aarhus, chair.id, "primary")
        members.add_contact(aarhus, anna.id, "other")
        board = groups.create_group("board", "Board")
        groups.add_member(
            board, chair, organisation=aarhus, role="chair", starts_on=date(2024, 1, 1)
        )
        groups.add_member(board, anna, organisation=aarhus, starts_on=date(2024, 1, 1))
        db.session.commit()
        clients = signed_in_clients(committed_app, "chair@aarhus.example.dk", N)
        url = f"/messages/new?group={board.id}"
        data = {
            "token": "same-form-sent-many-times-0001",
            "step": "send",
            "subject_da": "Møde",
            "body_da": "Vi ses.",
            "subject_en": "Meeting",
            "body_en": "See you.",
        }
        outcomes = fire_at_once(N, lambda i: clients[i].post(url, data=data, follow_redirects=True))
        assert_no_server_error(outcomes)
        assert count_saying(outcomes, "in the outbox for 2") == 1
        assert count_saying(outcomes, "already been sent") == N - 1
        assert _count(BulkMessage) == 1, DATABASE
        assert _count(BulkMessageRecipient) == 2
        assert _count(OutboxMessage) == 2
