"""Invitations, forgotten passwords and the rules for new passwords."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consortium.auth import services
from consortium.auth.models import User, UserToken
from consortium.db import utcnow
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "a brand new passphrase"


def link_in(message: OutboxMessage) -> str:
    found = re.search(r"https://consortium\.example\.org(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_secretariat_invites_a_user_who_sets_a_password_and_signs_in(
    app, secretariat_client, outbox
):
    response = secretariat_client.post(
        "/users/invite",
        data={"email": "New.Person@Example.org", "name": "New Person", "language": "de"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None and user.password_hash is None and not user.is_secretariat

    [message] = outbox("new.person@example.org")
    assert "Einladung" in message.subject  # in the invitee's language
    path = link_in(message)
    assert path.startswith("/invitation/")
    token = path.rsplit("/", 1)[1]
    assert token not in {row.token_hash for row in db.session.scalars(select(UserToken))}

    invitee = app.test_client()
    assert "New Person" in invitee.get(path).get_data(as_text=True)
    response = invitee.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(invitee, "new.person@example.org", NEW_PASSWORD).status_code == 302
    assert invitee.get("/profile").status_code == 200
    # The link works once.
    assert invitee.get(path).status_code == 410


def test_inviting_an_existing_address_is_refused(secretariat_client, user):
    page = secretariat_client.post(
        "/users/invite", data={"email": user.email.upper(), "name": "Twice"}
    )
    assert "A user with this email address already exists." in page.get_data(as_text=True)


def test_users_page_shows_last_sign_in_and_state(secretariat_client, user):
    services.create_user("pending@example.org", "Pending Person")
    page = secretariat_client.get("/users").get_data(as_text=True)
    assert "Ulla User" in page and "Never" in page
    assert "Invited" in page


def test_resent_invitation_replaces_the_earlier_link(app, secretariat_client, outbox):
    secretariat_client.post("/users/invite", data={"email": "twice@example.org", "name": "Twice"})
    user = db.session.scalar(select(User).where(User.email == "twice@example.org"))
    secretariat_client.post(f"/users/{user.id}/resend-invitation")
    first, second = (link_in(message) for message in outbox("twice@example.org"))
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200


def test_forgotten_password_reply_is_the_same_for_unknown_addresses(client, user, outbox):
    known = client.post("/forgot-password", data={"email": user.email}, follow_redirects=True)
    unknown = client.post(
        "/forgot-password", data={"email": "nobody@example.org"}, follow_redirects=True
    )

    def normalise(page):
        text = page.get_data(as_text=True)
        text = text.replace(user.email, "X").replace("nobody@example.org", "X")
        # Form tokens carry the time they were made.
        return re.sub(r'(name="csrf_token"[^>]*value=)"[^"]*"', r"\1CSRF", text)

    assert normalise(known) == normalise(unknown)
    assert len(outbox(user.email)) == 1
    assert outbox("nobody@example.org") == []


def test_reset_link_is_built_from_the_base_url_not_the_host_header(client, user, outbox):
    client.post(
        "/forgot-password", data={"email": user.email}, headers={"Host": "evil.example.net"}
    )
    [message] = outbox(user.email)
    assert "evil.example.net" not in message.body
    assert link_in(message).startswith("/reset-password/")


def test_reset_sets_the_password_once_and_ends_other_sessions(app, client, user, outbox):
    other_browser = app.test_client()
    login(other_browser, user.email)
    client.post("/forgot-password", data={"email": user.email})
    path = link_in(outbox(user.email)[0])
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    assert other_browser.get("/profile").status_code == 302
    assert login(client, user.email, PASSWORD).status_code == 200
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    again = app.test_client().post(
        path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert again.status_code == 410
    assert "has been used or has expired" in again.get_data(as_text=True)


def test_expired_reset_link_is_refused(app, client, user, outbox):
    client.post("/forgot-password", data={"email": user.email})
    path = link_in(outbox(user.email)[0])
    token = db.session.scalar(select(UserToken).where(UserToken.user_id == user.id))
    assert token.expires_at - token.created_at == timedelta(hours=1)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 410
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert login(client, user.email, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("qwerty123456", "too common"),
        ("1QAZ2WSX3EDC", "too common"),
        ("aaaaaaaaaaaaaaaa", "repeats too few characters"),
    ],
)
def test_weak_passwords_are_refused(app, client, password, message, outbox):
    user = services.create_user("weak@example.org", "Weak")
    services.invite_user(user, None)
    db.session.commit()
    path = link_in(outbox("weak@example.org")[0])
    page = client.post(path, data={"password": password, "confirm": password}).get_data(
        as_text=True
    )
    assert message in page
    assert db.session.get(User, user.id).password_hash is None


def test_passwords_are_hashed_with_scrypt(app, user):
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:")
    assert PASSWORD not in stored


def test_cli_creates_the_first_secretariat_user(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "first@example.org",
            "--name",
            "First",
            "--secretariat",
        ],
        input="a long first password\na long first password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "first@example.org"))
    assert user.is_secretariat and user.password_hash.startswith("scrypt:")


def test_cli_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "weak@example.org"], input="password\npassword\n"
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_deactivated_user_gets_no_reset_mail(user, outbox):
    services.set_active(user, False)
    services.request_password_reset(user.email)
    assert outbox(user.email) == []


def test_secretariat_cannot_deactivate_itself(secretariat_client, secretariat):
    secretariat_client.post(f"/users/{secretariat.id}/deactivate")
    assert db.session.get(User, secretariat.id).active
    assert secretariat_client.get("/users").status_code == 200


def test_setting_a_password_ends_every_other_link(app, client, user, outbox):
    invited = services.create_user("links@example.org", "Links")
    services.invite_user(invited, None)
    db.session.commit()
    invitation = link_in(outbox("links@example.org")[0])
    client.post("/forgot-password", data={"email": "links@example.org"})
    reset = link_in(outbox("links@example.org")[1])
    assert (
        client.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    assert app.test_client().get(invitation).status_code == 410


def test_an_accepted_invitation_cannot_be_used_again_after_a_password_change(
    app, user_client, user, outbox
):
    user_client.post("/forgot-password", data={"email": user.email})
    reset = link_in(outbox(user.email)[0])
    user_client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert app.test_client().get(reset).status_code == 410


def test_deactivation_ends_outstanding_links(app, secretariat_client, user, outbox):
    app.test_client().post("/forgot-password", data={"email": user.email})
    reset = link_in(outbox(user.email)[0])
    secretariat_client.post(f"/users/{user.id}/deactivate")
    secretariat_client.post(f"/users/{user.id}/reactivate")
    assert app.test_client().get(reset).status_code == 410


def test_guessing_the_current_password_is_throttled(app, user_client):
    for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        user_client.post(
            "/profile/password",
            data={
                "current_password": "a wrong guess here",
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        )
    response = user_client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 429
