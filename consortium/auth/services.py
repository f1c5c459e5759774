"""Accounts: creating, inviting, signing in, passwords, emailed links, deactivation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from consortium.auth import sessions, throttle
from consortium.auth.models import User, UserToken
from consortium.auth.passwords import hash_password, verify_password
from consortium.db import utcnow
from consortium.extensions import db
from consortium.mail.services import send_mail
from consortium.once import find_or_create, unique
from consortium.settings.services import get_settings

INVITE = "invite"
RESET = "reset"


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message is translated."""


class EmailTaken(AccountError):
    """Another account has the email address (also one created at the same moment)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    email: str,
    name: str = "",
    *,
    password: str | None = None,
    language: str | None = None,
    is_secretariat: bool = False,
) -> User:
    """Create an account; without a password it waits for its invitation to be accepted.

    EmailTaken when another account has the address.
    """
    with unique(EmailTaken("taken")):
        user = User(
            email=normalise_email(email),
            name=name.strip(),
            language=language or None,
            is_secretariat=is_secretariat,
            password_hash=hash_password(password) if password else None,
        )
        db.session.add(user)
    return user


class NameNeeded(AccountError):
    """No account has the email address, and no name was given to invite the person with."""


def find_or_invite(
    email: str, name: str, language: str | None, invited_by: User | None
) -> tuple[User, bool]:
    """The account with the email address, or a new one invited by email; True when the
    person was invited here.

    NameNeeded when no account has the address and no name was given. Two requests inviting
    the same address at once make one account and send one invitation.
    """
    user = find_user_by_email(email)
    if user is not None:
        return user, False
    if not name.strip():
        raise NameNeeded("name")
    user, created = find_or_create(
        lambda: find_user_by_email(email), lambda: create_user(email, name, language=language)
    )
    if created:
        invite_user(user, invited_by)
    return user, created


def user_language(user: User) -> str:
    return user.language or get_settings().default_language


def _new_token(user: User, purpose: str, lifetime: timedelta) -> str:
    """Make a single-use token, store its hash, and return the token itself."""
    now = utcnow()
    # A new link replaces the older unused ones of the same kind.
    db.session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None)
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link(endpoint: str, token: str) -> str:
    # Built from the configured base URL, never from the request's Host header, and the same
    # whether a web request or a command sends the mail.
    path = current_app.url_map.bind("localhost").build(endpoint, {"token": token})
    return current_app.config["BASE_URL"] + path


def invite_user(user: User, invited_by: User | None) -> None:
    """Email the user a link to set their password and so accept the invitation."""
    days = current_app.config["INVITE_TOKEN_DAYS"]
    token = _new_token(user, INVITE, timedelta(days=days))
    settings = get_settings()
    send_mail(
        user.email,
        "mail/invite_subject.txt",
        "mail/invite.txt",
        user_language(user),
        user=user,
        invited_by=invited_by,
        link=_link("auth.set_password", token),
        days=days,
        association=settings.name,
    )


def request_password_reset(email: str, client_address: str = "unknown") -> None:
    """Email a reset link when the address has an active account; otherwise do nothing.

    Requests are limited per address typed and per client address; beyond the limits nothing is
    sent. The mail is only queued (a worker sends it), so the answer takes about the same time
    whether the address has an account or not.
    """
    email = normalise_email(email)
    if not throttle.reset_request_allowed(email, client_address):
        return
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    token = _new_token(user, RESET, timedelta(hours=hours))
    _send_reset(user, token, hours)


def _send_reset(user: User, token: str, hours: int) -> None:
    send_mail(
        user.email,
        "mail/reset_subject.txt",
        "mail/reset.txt",
        user_language(user),
        user=user,
        link=_link("auth.reset_password", token),
        hours=hours,
        association=get_settings().name,
    )


def find_valid_token(token: str, purpose: str) -> UserToken | None:
    """The unused, unexpired token of that purpose, or None."""
    found = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == _hash(token), UserToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    if not found.user.active:
        return None
    if purpose == INVITE and found.user.has_password:
        return None  # an invitation is accepted once; afterwards "forgot password" is the way
    return found


def use_token(token: UserToken, new_password: str) -> User:
    """Set the password from an emailed link; the link cannot be used again.

    The update is conditional on the token still being unused, so two requests racing with
    the same link cannot both succeed.
    """
    claimed = db.session.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AccountError("used")
    db.session.refresh(token)
    user = token.user
    set_password(user, new_password)
    return user


def set_password(user: User, new_password: str) -> None:
    """Change the password, end the user's other sessions and every emailed link."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    sessions.end_all(user)
    _end_links(user)
    db.session.flush()


def sign_out_everywhere(user: User) -> int:
    """End every session of the user, in every browser; returns how many were running."""
    user.session_version += 1
    ended = sessions.end_all(user)
    db.session.flush()
    return ended


def _end_links(user: User) -> None:
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: a user, or why not (and how long to wait)."""

    user: User | None = None
    refused: str | None = None  # "throttled", "wrong", "deactivated"
    retry_after_seconds: int = 0


def check_sign_in(email: str, password: str, client_address: str) -> SignInResult:
    """Check a sign-in attempt against the throttle and the stored password.

    The attempt is committed as failed before the (slow) password check, so parallel guesses
    count against each other; it becomes a success only when the user gets in.
    """
    email = normalise_email(email)
    state = throttle.assess(email, client_address)
    if state.refusal is not None:
        return _throttled(state.refusal.retry_after_seconds)
    attempt_id = throttle.record(email, client_address, succeeded=False)
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return _failed(email, client_address, state)
    if not user.active:
        return SignInResult(refused="deactivated")
    # A correct password gets in even from an address over its limit: the address limit only
    # slows down failures, so one guesser cannot lock out a whole town hall behind one address.
    throttle.mark_succeeded(attempt_id)
    record_sign_in(user)
    return SignInResult(user=user)


def _throttled(seconds: int) -> SignInResult:
    return SignInResult(refused="throttled", retry_after_seconds=max(1, seconds))


def _failed(email: str, client_address: str, state: throttle.SignInState) -> SignInResult:
    """A wrong password; from an address over its limit, answered with the wait it now has."""
    if state.client_over_limit:
        return _throttled(throttle.wait_after_failure(email, client_address))
    return SignInResult(refused="wrong")


def check_current_password(user: User, password: str, client_address: str) -> SignInResult:
    """Check a signed-in user's current password, throttled like a sign-in."""
    state = throttle.assess(user.email, client_address)
    if state.refusal is not None:
        return _throttled(state.refusal.retry_after_seconds)
    if not verify_password(user.password_hash, password):
        throttle.record(user.email, client_address, succeeded=False)
        return _failed(user.email, client_address, state)
    return SignInResult(user=user)


def record_sign_in(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


def update_profile(user: User, name: str, language: str | None) -> None:
    user.name = name.strip()
    user.language = language or None
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    if not active:
        sessions.end_all(user)
        _end_links(user)
    db.session.flush()
