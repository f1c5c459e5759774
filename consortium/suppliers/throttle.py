"""Limiting the public registration form per client address, counted in the database.

The sign-in throttle's table is reused, so every process agrees without a schema change: each
registration sent (a valid form, also a robot's or a refused duplicate) is stored as a
``LoginAttempt`` whose email is ``supplier-registration:<address>`` and whose client address is
the marker ``supplier-registration``. A real sign-in attempt always has a real client address,
so these rows never count towards the sign-in limits, and sign-ins never count here.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from consortium.auth.models import LoginAttempt
from consortium.db import utcnow
from consortium.extensions import db
from consortium.transactions import separate_transaction

MARKER = "supplier-registration"
DEFAULT_MAX_PER_WINDOW = 5
DEFAULT_WINDOW_SECONDS = 60 * 60


def _key(client_address: str) -> str:
    return f"{MARKER}:{client_address}"[:254]


def _limits() -> tuple[int, int]:
    config = current_app.config
    return (
        config.get("SUPPLIER_REGISTRATION_MAX_PER_WINDOW", DEFAULT_MAX_PER_WINDOW),
        config.get("SUPPLIER_REGISTRATION_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS),
    )


def retry_after(client_address: str) -> int:
    """Seconds the address must wait before it may send another registration; 0 if none."""
    limit, window = _limits()
    now = utcnow()
    count, first = db.session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == _key(client_address),
            LoginAttempt.client_address == MARKER,
            LoginAttempt.attempted_at >= now - timedelta(seconds=window),
        )
    ).one()
    if count < limit:
        return 0
    wait = (_aware(first) + timedelta(seconds=window) - now).total_seconds()
    return max(1, math.ceil(wait))


def record(client_address: str) -> None:
    """Count a registration sent from the address, committed whatever happens next."""
    # A transaction of its own: committing the request's would commit its half-done work.
    with separate_transaction() as session:
        session.add(LoginAttempt(email=_key(client_address), client_address=MARKER))


def _aware(value: datetime | str) -> datetime:
    # Aggregates bypass the column type, so SQLite hands back naive UTC (or a string).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
