"""Accepting an invitation signs the person in, as the sign-in page would: a new session, known
to the server, and no sign-in attempt counted. A reset link still asks to sign in."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium.auth import services
from consortium.auth.models import LoginAttempt, User, UserSession
from consortium.auth.sessions import SESSION_ID_KEY
from consortium.extensions import db
from tests.auth.test_links import NEW_PASSWORD, link_in
from tests.conftest import login, make_user


def _invite(email: str = "new@example.org", name: str = "Nina New") -> User:
    user = services.create_user(email, name, language="da")
    services.invite_user(user, None)
    db.session.commit()
    return user


def test_setting_the_password_from_an_invitation_signs_the_person_in(app, client, outbox):
    user = _invite()
    path = link_in(outbox("new@example.org")[0])
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Nina New" in home
    assert "Velkommen! Din adgangskode er sat, og du er logget ind." in home  # her language
    assert client.get("/profile").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )
        == 1
    )
    # The link works once, and the new password signs in elsewhere too.
    assert client.get(path).status_code == 410
    assert login(app.test_client(), "new@example.org", NEW_PASSWORD).status_code == 302


def test_the_session_is_a_new_one_even_in_a_browser_someone_was_signed_in(app, client, outbox):
    make_user("colleague@example.org")
    assert login(client, "colleague@example.org").status_code == 302
    with client.session_transaction() as session:
        before = session[SESSION_ID_KEY]
    _invite()
    path = link_in(outbox("new@example.org")[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    with client.session_transaction() as session:
        after = session[SESSION_ID_KEY]
        assert session["_user_id"].startswith(
            f"{services.find_user_by_email('new@example.org').id}:"
        )
    assert after != before
    assert "Nina New" in client.get("/").get_data(as_text=True)


def test_failed_sign_ins_are_neither_counted_nor_forgotten_by_accepting(app, client, outbox):
    _invite()
    for _ in range(3):
        login(app.test_client(), "new@example.org", "wrong guess")
    path = link_in(outbox("new@example.org")[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    attempts = db.session.scalars(select(LoginAttempt.succeeded)).all()
    assert attempts == [False, False, False]


def test_a_reset_link_still_asks_to_sign_in(app, client, user, outbox):
    client.post("/forgot-password", data={"email": user.email})
    path = link_in(outbox(user.email)[0])
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/profile").status_code == 302
