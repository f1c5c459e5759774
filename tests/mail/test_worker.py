"""The mail worker sends the outbox's queued messages, retries, gives up, and never twice."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from consortium.db import utcnow
from consortium.extensions import db
from consortium.mail import services
from consortium.mail.models import FAILED, KEPT, QUEUED, SENT, OutboxMessage
from tests.conftest import make_app, migrate
from tests.mail import backends

RECORDING = "tests.mail.backends.RecordingEmailBackend"
FAILING = "tests.mail.backends.FailingEmailBackend"
SECRET = "hunter2-smtp-secret"


@pytest.fixture(autouse=True)
def _empty_deliveries():
    backends.DELIVERED.clear()
    yield
    backends.DELIVERED.clear()


@pytest.fixture
def mail_server(app, monkeypatch):
    """The app with a mail server configured (queued mail) and the recording backend."""
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", RECORDING)
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", SECRET)
    return app


def _queue(recipient="anna@example.org", name="Fjordkode ApS") -> OutboxMessage:
    from consortium.suppliers.models import Supplier

    message = services.send_mail(
        recipient,
        "suppliers/mail/new_registration_subject.txt",
        "suppliers/mail/new_registration.txt",
        "en",
        supplier=Supplier(name=name, country="DK", registration_number="31000009"),
        link="https://consortium.example.org/suppliers/1",
    )
    db.session.commit()
    return message


def _reload(message: OutboxMessage) -> OutboxMessage:
    """The message as the database holds it now (a request in between ends the session)."""
    return db.session.get(OutboxMessage, message.id, populate_existing=True)


def _make_due(message: OutboxMessage) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_queued_mail_is_sent_by_the_worker_not_by_the_request(mail_server):
    message = _queue()
    assert message.status == QUEUED
    assert backends.DELIVERED == []
    assert services.send_due() == 1
    message = _reload(message)
    assert message.status == SENT and message.sent_at is not None and message.attempts == 1
    assert [recipient for recipient, _ in backends.DELIVERED] == ["anna@example.org"]
    assert services.send_due() == 0  # nothing is sent twice
    assert len(backends.DELIVERED) == 1


def test_a_failing_server_is_tried_again_later_then_the_message_fails(mail_server, monkeypatch):
    monkeypatch.setitem(mail_server.config, "MAIL_BACKEND", FAILING)
    message = _queue()
    assert services.send_due() == 0
    message = _reload(message)
    assert message.status == QUEUED and message.attempts == 1
    assert "SMTPAuthenticationError" in message.last_error
    assert SECRET not in message.last_error
    # The next attempt waits, doubling each time.
    first_pause = message.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < first_pause <= timedelta(seconds=60)
    assert services.send_due() == 0
    message = _reload(message)
    assert message.attempts == 1  # not due yet: not tried

    for attempt in range(2, mail_server.config["MAIL_MAX_ATTEMPTS"] + 1):
        _make_due(message)
        services.send_due()
        message = _reload(message)
        assert message.attempts == attempt
    assert message.status == FAILED
    assert message.next_attempt_at is None
    _make_due(message)
    services.send_due()
    message = _reload(message)
    assert message.attempts == mail_server.config["MAIL_MAX_ATTEMPTS"]  # given up


def test_the_outbox_page_shows_a_failed_message_and_sends_it_again(
    mail_server, monkeypatch, secretariat_client
):
    monkeypatch.setitem(mail_server.config, "MAIL_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(mail_server.config, "MAIL_BACKEND", FAILING)
    message = _queue()
    services.send_due()
    page = secretariat_client.get("/outbox/").get_data(as_text=True)
    assert "Failed" in page and "SMTPAuthenticationError" in page
    assert SECRET not in page
    assert f'action="/outbox/{message.id}/retry"' in page
    detail = secretariat_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "Failed" in detail and "SMTPAuthenticationError" in detail

    response = secretariat_client.post(f"/outbox/{message.id}/retry", follow_redirects=True)
    assert "will be sent again" in response.get_data(as_text=True)
    message = _reload(message)
    assert message.status == QUEUED and message.attempts == 0

    monkeypatch.setitem(mail_server.config, "MAIL_BACKEND", RECORDING)
    assert services.send_due() == 1
    page = secretariat_client.get("/outbox/").get_data(as_text=True)
    assert "Sent" in page and f'action="/outbox/{message.id}/retry"' not in page
    assert len(backends.DELIVERED) == 1


def test_only_a_failed_message_can_be_sent_again(mail_server, secretariat_client):
    message = _queue()
    services.send_due()
    response = secretariat_client.post(f"/outbox/{message.id}/retry", follow_redirects=True)
    assert "Only a message that failed can be sent again." in response.get_data(as_text=True)
    message = _reload(message)
    assert message.status == SENT
    assert secretariat_client.post("/outbox/999999/retry").status_code == 404


def test_sending_again_is_for_the_secretariat_and_needs_the_csrf_token(
    mail_server, monkeypatch, user_client, csrf_app
):
    monkeypatch.setitem(mail_server.config, "MAIL_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(mail_server.config, "MAIL_BACKEND", FAILING)
    message_id = _queue().id
    services.send_due()
    assert user_client.post(f"/outbox/{message_id}/retry").status_code in (400, 403)
    assert db.session.get(OutboxMessage, message_id, populate_existing=True).status == FAILED


def test_an_unreachable_mail_server_is_recorded_without_the_password(app, database_url):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    smtp_app = make_app(
        database_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USERNAME="consortium",
        MAIL_PASSWORD=SECRET,
        MAIL_TIMEOUT=5,
        MAIL_BACKEND="smtp",
    )
    with smtp_app.app_context():
        message = _queue()
        assert services.send_due() == 0
        message = _reload(message)
        assert message.status == QUEUED and message.attempts == 1
        assert "ConnectionRefusedError" in message.last_error
        assert SECRET not in message.last_error


def test_without_a_mail_server_mail_is_kept_and_the_worker_refuses(app, runner):
    message = _queue()
    assert message.status == KEPT
    assert services.send_due() == 0
    message = _reload(message)
    assert message.status == KEPT and message.attempts == 0
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code != 0
    assert "no mail server is configured" in result.output


def test_the_command_sends_the_queued_mail(mail_server, runner):
    _queue("one@example.org")
    _queue("two@example.org")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) sent." in result.output
    assert sorted(recipient for recipient, _ in backends.DELIVERED) == [
        "one@example.org",
        "two@example.org",
    ]


@pytest.mark.sqlite_too  # SQLite has no SKIP LOCKED
def test_two_workers_never_send_one_message_twice(tmp_path_factory):
    """Workers in parallel, each with its own connection: every message goes out once."""
    from tests.conftest import new_database

    url = new_database(tmp_path_factory, "consortium_mail_race")
    app = make_app(url, MAIL_SERVER="smtp.example.org", MAIL_BACKEND=RECORDING)
    migrate(app)
    recipients = [f"member{number}@example.org" for number in range(40)]
    with app.app_context():
        for recipient in recipients:
            _queue(recipient)
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                start.wait()
                while services.send_due(limit=5):
                    pass
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    delivered = [recipient for recipient, _ in backends.DELIVERED]
    assert sorted(delivered) == sorted(recipients)  # each exactly once
    with app.app_context():
        assert db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT)
        ) == len(recipients)
        db.session.remove()
        db.engine.dispose()


def test_a_reset_link_on_its_way_is_never_shown_and_not_kept_once_sent(mail_server, client):
    from tests.conftest import login, make_user

    make_user("victim@example.org")
    make_user("colleague@example.org", secretariat=True)
    client.post("/forgot-password", data={"email": "victim@example.org"})
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "victim@example.org")
    )
    assert "/reset-password/" in message.body  # queued for the mail server
    assert login(client, "colleague@example.org").status_code == 302
    page = client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "/reset-password/" not in page
    assert "not shown" in page
    assert services.send_due() == 1
    assert backends.DELIVERED == [("victim@example.org", "Choose a new password for Consortium")]
    assert _reload(message).body == ""
