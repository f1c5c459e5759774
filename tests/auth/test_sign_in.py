"""Signing in and out, safe redirects, sessions that end, and throttling."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from consortium.auth import services, throttle
from consortium.auth.models import LoginAttempt, User
from consortium.extensions import db
from tests.conftest import PASSWORD, login, make_user


def test_sign_in_and_out(client, user):
    response = login(client, "USER@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Ulla User." in page
    assert db.session.get(User, user.id).last_login_at is not None

    assert client.get("/sign-out").status_code == 405  # signing out is a POST
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_message(client, user):
    wrong = login(client, user.email, "not the right password").get_data(as_text=True)
    unknown = login(client, "nobody@example.org", "not the right password").get_data(as_text=True)
    message = "The email address or the password is not correct."
    assert message in wrong
    assert message in unknown
    assert client.get("/profile").status_code == 302


def test_deactivated_account_cannot_sign_in(client, user):
    services.set_active(user, False)
    page = login(client, user.email).get_data(as_text=True)
    assert "This account has been deactivated" in page
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/profile", True),
        ("/users?page=2", True),
        ("//evil.example.org/", False),
        ("/\\evil.example.org", False),
        ("https://evil.example.org/", False),
        ("http:/evil.example.org", False),
        ("javascript:alert(1)", False),
        ("/\t/evil.example.org", False),
        ("", False),
    ],
)
def test_next_is_followed_only_within_the_site(client, user, target, followed):
    response = login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == (target if followed else "/")


def test_sign_in_page_keeps_next_from_the_query(client):
    page = client.get("/sign-in?next=/profile").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/profile"' in page


def test_deactivation_ends_the_session(app, user, secretariat):
    user_browser = app.test_client()
    assert login(user_browser, user.email).status_code == 302
    assert user_browser.get("/profile").status_code == 200

    admin = app.test_client()
    login(admin, secretariat.email)
    assert admin.post(f"/users/{user.id}/deactivate").status_code == 302

    response = user_browser.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")

    admin.post(f"/users/{user.id}/reactivate")
    assert user_browser.get("/profile").status_code == 302  # the old session stays ended
    assert login(user_browser, user.email).status_code == 302
    assert user_browser.get("/profile").status_code == 200


def test_password_change_ends_other_sessions_but_not_this_one(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    response = laptop.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "password": "a new and long passphrase",
            "confirm": "a new and long passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/profile").status_code == 200
    assert phone.get("/profile").status_code == 302
    assert login(phone, user.email).status_code == 200  # the old password no longer works
    assert login(phone, user.email, "a new and long passphrase").status_code == 302


def test_password_change_checks_the_current_password_and_the_rules(user_client):
    page = user_client.post(
        "/profile/password",
        data={
            "current_password": "wrong one entirely",
            "password": "a new and long passphrase",
            "confirm": "a new and long passphrase",
        },
    ).get_data(as_text=True)
    assert "This is not your current password." in page
    page = user_client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": "short", "confirm": "short"},
    ).get_data(as_text=True)
    assert "at least 12 characters" in page


def test_idle_session_ends(app, client, user):
    login(client, user.email)
    assert client.get("/profile").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/profile").status_code == 302


def test_profile_sets_name_and_language(user_client, user):
    response = user_client.post("/profile", data={"name": "Ulla Jensen", "language": "de"})
    assert response.status_code == 302
    page = user_client.get("/profile").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Ulla Jensen" in page
    assert db.session.get(User, user.id).language == "de"


def test_account_is_slowed_down_after_repeated_failures(app, client, user):
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    for _ in range(free):
        assert login(client, user.email, "wrong password here").status_code == 200
    response = login(client, user.email)  # even the right password must wait now
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # Another account from the same address is not affected.
    other = make_user("other@example.org")
    assert login(client, other.email).status_code == 302


def test_an_address_over_its_limit_slows_failures_but_lets_a_correct_password_in(
    committed_app,
):
    """A town hall behind one address: a guesser there must not lock out their colleagues."""
    committed_app.config["LOGIN_CLIENT_MAX_FAILURES"] = 4
    with committed_app.app_context():
        make_user("user@example.org")
        make_user("colleague@example.org")
        db.session.commit()
    client = committed_app.test_client()
    for number in range(4):
        assert login(client, f"guess{number}@example.org", "wrong password").status_code == 200
    # A colleague with the right password still gets in from the same address.
    assert login(client, "colleague@example.org").status_code == 302
    client.post("/sign-out")
    # A failure from the address is answered with a wait, not a second try ...
    response = login(client, "user@example.org", "wrong password here")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # ... and that account now waits, without the free failures it has elsewhere ...
    assert login(client, "user@example.org").status_code == 429
    # ... while a failure from another address is answered as usual.
    response = client.post(
        "/sign-in",
        data={"email": "guess0@example.org", "password": "wrong password here"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 200
    assert "The email address or the password is not correct." in response.get_data(as_text=True)


def test_client_address_is_read_behind_the_configured_proxy(database_url, app):
    from tests.conftest import make_app

    proxied = make_app(database_url, PROXY_COUNT=1, LOGIN_CLIENT_MAX_FAILURES=3)
    make_user("proxied@example.org")
    make_user("neighbour@example.org")
    client = proxied.test_client()
    for number in range(3):
        client.post(
            "/sign-in",
            data={"email": f"x{number}@example.org", "password": "wrong password here"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    addresses = set(db.session.scalars(select(LoginAttempt.client_address)))
    assert addresses == {"203.0.113.7"}
    blocked = client.post(
        "/sign-in",
        data={"email": "proxied@example.org", "password": "wrong password here"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert blocked.status_code == 429
    other = client.post(
        "/sign-in",
        data={"email": "neighbour@example.org", "password": "wrong password here"},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert other.status_code == 200
    assert "The email address or the password is not correct." in other.get_data(as_text=True)


SECOND_PROCESS = textwrap.dedent(
    """
    import sys
    from tests.conftest import make_app
    app = make_app(sys.argv[1])
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        response = client.post("/sign-in", data={"email": "shared@example.org", "password": "wrong password here"})
        assert response.status_code == 200, response.status_code
    """
)


def test_throttle_holds_across_two_processes(committed_app):
    """Failures made by one process count in another: the counters live in the database."""
    with committed_app.app_context():
        make_user("shared@example.org")
        db.session.commit()
        url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    free = committed_app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    # A wait long enough that a slow machine's second process cannot outlast it.
    committed_app.config["LOGIN_ACCOUNT_BASE_DELAY_SECONDS"] = 600
    subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, url, str(free)],
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )

    client = committed_app.test_client()
    response = login(client, "shared@example.org")
    assert response.status_code == 429
    with committed_app.app_context():
        assert db.session.scalar(select(db.func.count(LoginAttempt.id))) == free


def test_failed_attempts_are_kept_when_the_request_fails(committed_app, monkeypatch):
    with committed_app.app_context():
        make_user("kept@example.org")
        db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("the page could not be drawn")

    client = committed_app.test_client()
    assert client.get("/sign-in").status_code == 200  # the page before the form is sent
    monkeypatch.setattr("consortium.auth.views.render_template", broken)
    response = client.post(
        "/sign-in", data={"email": "kept@example.org", "password": "wrong password here"}
    )
    assert response.status_code == 500
    with committed_app.app_context():
        attempts = db.session.scalars(select(LoginAttempt)).all()
        assert [(attempt.email, attempt.succeeded) for attempt in attempts] == [
            ("kept@example.org", False)
        ]


def test_a_throttle_record_never_commits_the_requests_half_done_work(committed_app):
    """The attempt is committed on its own; what the request changed so far is not."""
    from tests.conftest import server_url

    with committed_app.app_context():
        make_user("half@example.org", name="Before")
        db.session.commit()
    with committed_app.test_request_context("/sign-in", method="POST"):
        person = services.find_user_by_email("half@example.org")
        person.name = "Half done"
        db.session.flush()
        throttle.record("half@example.org", "192.0.2.1", succeeded=False)
        db.session.rollback()
        db.session.remove()
    with committed_app.app_context():
        assert services.find_user_by_email("half@example.org").name == "Before"
        attempts = db.session.scalar(select(db.func.count(LoginAttempt.id)))
        if server_url() is not None:
            # PostgreSQL keeps the two apart; SQLite, one writer at a time, cannot.
            assert attempts == 1
        db.session.remove()
