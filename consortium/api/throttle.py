"""The API's throttle: calls counted per token, or per client address without one, in windows
of a minute, in the database so that every worker process counts the same calls.

Each call adds one to its caller's count of the current window with a single upsert in a
transaction of its own, committed at once: the count holds whatever becomes of the call, and
two workers' calls at the same moment are both counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from consortium.api.models import ApiCallCount
from consortium.db import utcnow
from consortium.transactions import separate_transaction


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def count_call(caller: str, limit: int, now: datetime | None = None) -> Verdict:
    """Count one call of the caller and say whether it is within the limit."""
    seconds = max(1, current_app.config["API_THROTTLE_WINDOW_SECONDS"])
    now = now or utcnow()
    start = _window_start(now, seconds)
    with separate_transaction() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(ApiCallCount).values(caller=caller, window_start=start, calls=1)
        statement = statement.on_conflict_do_update(
            index_elements=["caller", "window_start"],
            set_={"calls": ApiCallCount.calls + 1},
        ).returning(ApiCallCount.calls)
        calls = session.execute(statement).scalar_one()
        if calls == 1:
            # The caller's first call of a window: its counts of earlier windows are done with.
            session.execute(
                delete(ApiCallCount).where(
                    ApiCallCount.caller == caller, ApiCallCount.window_start < start
                )
            )
    retry = int((start + timedelta(seconds=seconds) - now).total_seconds() + 0.999)
    return Verdict(calls <= limit, limit, max(0, limit - calls), max(1, retry))
