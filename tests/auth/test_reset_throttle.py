"""Reset-link requests are limited per account and per client address, and answer alike."""

from __future__ import annotations

import re

import pytest

from consortium.mail.models import KEPT, QUEUED
from tests.conftest import make_user

KNOWN = "ulla@example.org"
UNKNOWN = "nobody@example.org"


def _ask(client, email, address="192.0.2.10"):
    return client.post(
        "/forgot-password",
        data={"email": email},
        environ_base={"REMOTE_ADDR": address},
        follow_redirects=True,
    )


def _page(response, email):
    """The page as the reader sees it: the typed address and the form tokens (which carry the
    time) left out."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'(name="csrf_token"[^>]*value=)"[^"]*"', r"\1CSRF", page)


def test_thirty_requests_for_one_account_send_only_a_few_mails(app, client, outbox):
    make_user(KNOWN)
    limit = app.config["RESET_ACCOUNT_MAX_REQUESTS"]
    # From many addresses, so that only the per-account limit is at work.
    for number in range(30):
        assert _ask(client, KNOWN, f"198.51.100.{number}").status_code == 200
    assert len(outbox(KNOWN)) == limit


def test_the_account_limit_counts_the_address_however_it_is_typed(app, client, outbox):
    make_user(KNOWN)
    limit = app.config["RESET_ACCOUNT_MAX_REQUESTS"]
    for number in range(limit + 3):
        _ask(client, " ULLA@Example.org " if number % 2 else KNOWN, f"198.51.100.{number}")
    assert len(outbox(KNOWN)) == limit


def test_one_client_address_gets_only_a_few_mails_for_many_accounts(
    app, client, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "RESET_CLIENT_MAX_REQUESTS", 4)
    people = [make_user(f"person{number}@example.org").email for number in range(6)]
    for email in people:
        _ask(client, email, "203.0.113.5")
    assert sum(len(outbox(email)) for email in people) == 4
    # Another address is not affected.
    _ask(client, people[5], "203.0.113.6")
    assert len(outbox(people[5])) == 1


def test_the_answer_is_the_same_for_known_unknown_and_throttled_addresses(app, client, outbox):
    make_user(KNOWN)
    limit = app.config["RESET_ACCOUNT_MAX_REQUESTS"]
    known = _page(_ask(client, KNOWN, "198.51.100.1"), KNOWN)
    unknown = _page(_ask(client, UNKNOWN, "198.51.100.2"), UNKNOWN)
    assert known == unknown
    for number in range(limit):
        _ask(client, KNOWN, f"198.51.100.{10 + number}")
    throttled = _page(_ask(client, KNOWN, "198.51.100.99"), KNOWN)
    assert throttled == unknown
    assert outbox(UNKNOWN) == []


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_the_request_never_waits_for_the_mail_server(app, client, monkeypatch, email, outbox):
    """With a mail server the reset mail is only queued: the answer does not depend on SMTP."""
    make_user(KNOWN)

    def no_smtp_in_a_request(*args, **kwargs):
        raise AssertionError("a request must not talk to the mail server")

    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)
    monkeypatch.setattr("flask_mailman.backends.smtp.EmailBackend.open", no_smtp_in_a_request)
    response = _ask(client, email)
    assert response.status_code == 200
    assert "we have sent it a link" in response.get_data(as_text=True)
    assert [message.status for message in outbox(email)] == ([QUEUED] if email == KNOWN else [])


def test_without_a_mail_server_the_link_is_kept_for_developers(app, client, outbox):
    make_user(KNOWN)
    _ask(client, KNOWN)
    assert [message.status for message in outbox(KNOWN)] == [KEPT]
