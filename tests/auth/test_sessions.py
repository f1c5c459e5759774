"""Sessions end on the server: signing out, signing out everywhere, the absolute lifetime."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from consortium.auth.models import UserSession
from consortium.extensions import db
from tests.conftest import login


def _copy_cookie(source, target, app) -> None:
    name = app.config["SESSION_COOKIE_NAME"]
    target.set_cookie(name, source.get_cookie(name).value)


def test_a_copied_cookie_stops_working_when_its_session_signs_out(app, user):
    browser, thief = app.test_client(), app.test_client()
    assert login(browser, user.email).status_code == 302
    _copy_cookie(browser, thief, app)
    assert thief.get("/profile").status_code == 200  # the copy works while the session runs

    assert browser.post("/sign-out").status_code == 302

    response = thief.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "Welcome" not in thief.get("/").get_data(as_text=True)


def test_signing_out_ends_only_that_session(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    laptop.post("/sign-out")
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(app, user, client):
    login(client, user.email)
    assert client.get("/profile").status_code == 200
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    started = db.session.scalar(select(UserSession.created_at))
    # Active all along (seen just now), but started longer ago than the lifetime allows.
    db.session.execute(
        update(UserSession).values(created_at=started - timedelta(hours=hours, minutes=1))
    )
    db.session.commit()

    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"maximum length of {hours} hours" in page
    assert client.get("/profile").status_code == 302
    # Signing in again starts a new session.
    assert login(client, user.email).status_code == 302
    assert client.get("/profile").status_code == 200


def test_a_session_just_within_its_lifetime_goes_on(app, user, client):
    login(client, user.email)
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    started = db.session.scalar(select(UserSession.created_at))
    db.session.execute(
        update(UserSession).values(created_at=started - timedelta(hours=hours, minutes=-1))
    )
    db.session.commit()
    assert client.get("/profile").status_code == 200


def test_an_idle_session_ends_on_the_server_too(app, user, client):
    """A copy of the cookie carrying a fresh last_seen still meets the server's idle limit."""
    login(client, user.email)
    minutes = app.config["SESSION_IDLE_MINUTES"]
    seen = db.session.scalar(select(UserSession.last_seen_at))
    db.session.execute(
        update(UserSession).values(last_seen_at=seen - timedelta(minutes=minutes + 2))
    )
    db.session.commit()
    response = client.get("/profile")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after a period of inactivity." in page


def test_sign_out_everywhere_ends_every_session_of_the_account(app, user, secretariat):
    laptop, phone, stolen = app.test_client(), app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    _copy_cookie(phone, stolen, app)
    colleague = app.test_client()
    login(colleague, secretariat.email)

    page = laptop.get("/profile").get_data(as_text=True)
    assert 'action="/profile/sign-out-everywhere"' in page
    response = laptop.post("/profile/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out everywhere" in response.get_data(as_text=True)

    for browser in (laptop, phone, stolen):
        assert browser.get("/profile").status_code == 302
    assert colleague.get("/profile").status_code == 200  # another account is not affected
    assert login(phone, user.email).status_code == 302
    assert phone.get("/profile").status_code == 200


def test_sign_out_everywhere_is_a_post_for_signed_in_users(client, user):
    assert client.post("/profile/sign-out-everywhere").status_code == 302  # to the sign-in page
    login(client, user.email)
    assert client.get("/profile/sign-out-everywhere").status_code == 405


def test_sign_out_everywhere_needs_the_csrf_token(csrf_app, user):
    from tests.conftest import sign_in

    browser = csrf_app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    response = browser.post("/profile/sign-out-everywhere")
    assert response.status_code == 400
    assert browser.get("/profile").status_code == 200


def test_a_cookie_without_a_server_session_is_not_signed_in(app, user, client):
    login(client, user.email)
    with client.session_transaction() as session:
        session["session_id"] = "made-up"
    assert client.get("/profile").status_code == 302


def test_the_session_row_is_written_at_most_once_a_minute(app, user, client):
    login(client, user.email)
    first = db.session.scalar(select(UserSession.last_seen_at))
    client.get("/profile")
    client.get("/")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == first
    db.session.execute(update(UserSession).values(last_seen_at=first - timedelta(minutes=2)))
    db.session.commit()
    client.get("/profile")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) >= first


def test_sessions_that_cannot_run_again_are_forgotten_at_the_next_sign_in(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    laptop.post("/sign-out")
    assert db.session.scalar(select(db.func.count(UserSession.id))) == 2
    login(laptop, user.email)
    # The ended one is gone; the phone's and the new one run.
    assert db.session.scalar(select(db.func.count(UserSession.id))) == 2
    assert phone.get("/profile").status_code == 200
    assert laptop.get("/profile").status_code == 200
