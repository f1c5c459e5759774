"""Server-side sessions: the signed cookie carries a random id, the database says whether the
session it names is still running.

A session ends when its user signs out (that session), signs out everywhere or changes their
password (every session), is deactivated, has been idle too long, or has lasted the absolute
lifetime, whichever comes first. Every process sees the same rows, so ending a session ends it
for all of them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from consortium.auth.models import User, UserSession
from consortium.db import utcnow
from consortium.extensions import db
from consortium.transactions import separate_transaction

# last_seen_at is written when it is older than this, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)

# The key of the signed cookie that holds the server-side session's random id.
SESSION_ID_KEY = "session_id"

# Why a session is no longer valid.
IDLE = "idle"
EXPIRED = "expired"
ENDED = "ended"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(user: User) -> str:
    """Open a session for the user and return the id for the cookie (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # The user's sessions that can never run again are of no further use: forget them.
    lifetime = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    db.session.execute(
        delete(UserSession)
        .where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at.is_not(None), UserSession.created_at < now - lifetime),
        )
        # Also out of this session's identity map: a new row may get a deleted row's id.
        .execution_options(synchronize_session="fetch")
    )
    db.session.add(
        UserSession(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return token


def find(token: str | None, user_id: int) -> UserSession | None:
    """The session row the cookie names, if it belongs to that user."""
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _hash(token), UserSession.user_id == user_id
        )
    )


def why_invalid(found: UserSession | None, now: datetime | None = None) -> str | None:
    """None while the session runs; else why it does not (ended, idle or expired)."""
    if found is None or found.ended_at is not None:
        return ENDED
    now = now or utcnow()
    config = current_app.config
    if now - found.created_at > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]):
        return EXPIRED
    # The cookie's own clock ends an idle session to the second; the row, written at most once
    # a minute, is allowed that minute more.
    idle_limit = timedelta(minutes=config["SESSION_IDLE_MINUTES"]) + TOUCH_INTERVAL
    if now - found.last_seen_at > idle_limit:
        return IDLE
    return None


def touch(found: UserSession, now: datetime | None = None) -> None:
    """Note that the session is in use, at most once a minute.

    Written in a transaction of its own: use of the session is a fact whatever becomes of the
    request, and the request's transaction takes no lock for it.
    """
    now = now or utcnow()
    if now - found.last_seen_at < TOUCH_INTERVAL:
        return
    # Read before the separate transaction: on SQLite it commits the request's transaction,
    # which expires ``found``, and reading it again would begin the request's transaction anew
    # (taking the write lock) while the separate one waits for that lock.
    session_id = found.id
    with separate_transaction() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.last_seen_at < now)
            .values(last_seen_at=now)
        )


def end(token: str | None) -> None:
    """End the session the cookie names (signing out)."""
    if not token or not isinstance(token, str):
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def end_all(user: User) -> int:
    """End every running session of the user; returns how many were running."""
    return db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
