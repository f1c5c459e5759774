"""Slowing down repeated failed sign-ins and reset-link requests, counted in the database so
every process agrees.

Sign-in, per account: after a few failures in a row, each further attempt has to wait, the wait
doubling with every failure. Sign-in, per client address: an address with too many failures
within a window only slows down failures, never a correct password: many people of one town
hall share one address. While an address is over its limit every failure from it makes the
account wait at once, without the free failures.

Reset links: at most a few requests per account and per client address within a window.

Attempts and requests are written in a transaction of their own and committed at once, so they
count even when the rest of the request fails, and the request's own work stays uncommitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from consortium.auth.models import RESET_REQUEST, SIGN_IN, LoginAttempt
from consortium.db import utcnow
from consortium.transactions import separate_transaction


@dataclass(frozen=True)
class Refusal:
    reason: str  # "account" or "client"
    retry_after_seconds: int


def _account_wait(failures: int, last_failure_at: datetime, now: datetime, free: int) -> int:
    config = current_app.config
    if failures < free or failures == 0:
        return 0
    delay = min(
        config["LOGIN_ACCOUNT_BASE_DELAY_SECONDS"] * 2 ** max(failures - max(free, 1), 0),
        config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"],
    )
    remaining = (last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def client_over_limit(session: Session, client_address: str, now: datetime) -> bool:
    """Whether the client address has had too many failed sign-ins within the window."""
    config = current_app.config
    window_start = now - timedelta(seconds=config["LOGIN_CLIENT_WINDOW_SECONDS"])
    failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.kind == SIGN_IN,
            LoginAttempt.client_address == client_address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= window_start,
        )
    )
    return failures >= config["LOGIN_CLIENT_MAX_FAILURES"]


def account_wait(session: Session, email: str, now: datetime, *, strict: bool) -> int:
    """Seconds the account must wait before its next attempt (0: it may try now).

    Strict (the client address is over its limit): no free failures.
    """
    last_success = session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.kind == SIGN_IN,
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(True),
        )
    )
    since = max(filter(None, [_aware(last_success), now - timedelta(days=1)]))
    failures, last_failure = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.kind == SIGN_IN,
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > since,
        )
    ).one()
    if not failures:
        return 0
    free = 0 if strict else current_app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    return _account_wait(failures, _aware(last_failure), now, free)


@dataclass(frozen=True)
class SignInState:
    """What the throttle says before the password is checked."""

    refusal: Refusal | None
    client_over_limit: bool


def assess(email: str, client_address: str) -> SignInState:
    """Whether a sign-in attempt may be tried now (a throttled account may not), and whether
    the client address is over its limit."""
    now = utcnow()
    with separate_transaction() as session:
        over = client_over_limit(session, client_address, now)
        wait = account_wait(session, email, now, strict=over)
    return SignInState(Refusal("account", wait) if wait else None, over)


def check(email: str, client_address: str) -> Refusal | None:
    """Why a sign-in attempt may not be tried now, or None when it may."""
    return assess(email, client_address).refusal


def wait_after_failure(email: str, client_address: str) -> int:
    """How long the account must now wait, after a failure just recorded."""
    now = utcnow()
    with separate_transaction() as session:
        over = client_over_limit(session, client_address, now)
        return account_wait(session, email, now, strict=over)


def record(email: str, client_address: str, succeeded: bool) -> int:
    """Store a sign-in attempt and commit it, whatever happens to the rest of the request."""
    with separate_transaction() as session:
        attempt = LoginAttempt(
            kind=SIGN_IN, email=email, client_address=client_address, succeeded=succeeded
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def mark_succeeded(attempt_id: int) -> None:
    with separate_transaction() as session:
        session.execute(
            update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True)
        )


def reset_request_allowed(email: str, client_address: str) -> bool:
    """Record a request for a reset link and say whether it is within the limits.

    The request is committed before the requests are counted, so parallel requests see each
    other and no more than the limit get through.
    """
    config = current_app.config
    now = utcnow()
    window_start = now - timedelta(seconds=config["RESET_WINDOW_SECONDS"])
    with separate_transaction() as session:
        session.add(
            LoginAttempt(
                kind=RESET_REQUEST,
                email=email,
                client_address=client_address,
                attempted_at=now,
                succeeded=False,
            )
        )
    with separate_transaction() as session:
        recent = select(func.count(LoginAttempt.id)).where(
            LoginAttempt.kind == RESET_REQUEST, LoginAttempt.attempted_at >= window_start
        )
        per_account = session.scalar(recent.where(LoginAttempt.email == email))
        per_client = session.scalar(recent.where(LoginAttempt.client_address == client_address))
    return (
        per_account <= config["RESET_ACCOUNT_MAX_REQUESTS"]
        and per_client <= config["RESET_CLIENT_MAX_REQUESTS"]
    )


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive UTC (or a string).
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
