"""Slowing down repeated failed sign-ins, counted in the database so every process agrees.

Per account: after a few failures in a row, each further attempt has to wait, the wait doubling
with every failure. Per client address: too many failures within a window and the address is
refused until the window has passed. Attempts are committed at once, so they count even when
the rest of the request fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from consortium.auth.models import LoginAttempt
from consortium.db import utcnow
from consortium.extensions import db


@dataclass(frozen=True)
class Refusal:
    reason: str  # "account" or "client"
    retry_after_seconds: int


def _account_wait(failures: int, last_failure_at: datetime, now: datetime) -> int:
    config = current_app.config
    free = config["LOGIN_ACCOUNT_FREE_FAILURES"]
    if failures < free:
        return 0
    delay = min(
        config["LOGIN_ACCOUNT_BASE_DELAY_SECONDS"] * 2 ** (failures - free),
        config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"],
    )
    remaining = (last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def check(email: str, client_address: str) -> Refusal | None:
    """Whether a sign-in attempt may be tried now."""
    config = current_app.config
    now = utcnow()
    window_start = now - timedelta(seconds=config["LOGIN_CLIENT_WINDOW_SECONDS"])
    client_failures, client_first = db.session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.client_address == client_address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= window_start,
        )
    ).one()
    if client_failures >= config["LOGIN_CLIENT_MAX_FAILURES"]:
        wait = (
            _aware(client_first) + timedelta(seconds=config["LOGIN_CLIENT_WINDOW_SECONDS"]) - now
        ).total_seconds()
        return Refusal("client", max(1, int(wait + 0.999)))

    # Failures in a row for this account: those after its last success, within a day.
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    since = max(filter(None, [_aware(last_success), now - timedelta(days=1)]))
    failures, last_failure = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > since,
        )
    ).one()
    if failures:
        wait = _account_wait(failures, _aware(last_failure), now)
        if wait:
            return Refusal("account", wait)
    return None


def record(email: str, client_address: str, succeeded: bool) -> LoginAttempt:
    """Store an attempt and commit it, whatever happens to the rest of the request."""
    attempt = LoginAttempt(email=email, client_address=client_address, succeeded=succeeded)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def mark_succeeded(attempt: LoginAttempt) -> None:
    attempt.succeeded = True
    db.session.commit()


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive UTC (or a string).
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
