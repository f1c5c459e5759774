"""Connecting to the database: a new connection waits a few seconds for a database that is
restarting instead of failing at once.

While PostgreSQL restarts (a fast restart, a fail-over to a replica, a minor upgrade) it refuses
connections for a second or two. Every connection the app opens goes through
:func:`connect_with_retry`: it tries again, with a short pause growing each time, until the
database answers or DATABASE_CONNECT_RETRY_SECONDS have passed; then the last error is raised
as before. A request that arrives during the restart waits instead of answering 500. Only a
failure to connect is tried again: a query interrupted half-way is never repeated here, so
nothing is written twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The first pause between two attempts, and the longest: the pause doubles up to it.
FIRST_PAUSE = 0.1
LONGEST_PAUSE = 1.0


def connect_with_retry(
    connect: Callable[[], T],
    limit: float,
    retry_on: tuple[type[BaseException], ...],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``connect()``, tried again while it raises one of ``retry_on`` and ``limit`` seconds
    have not passed since the first attempt; the last error when they have."""
    deadline = clock() + limit
    pause = FIRST_PAUSE
    attempts = 1
    while True:
        try:
            connection = connect()
        except retry_on as error:
            left = deadline - clock()
            if left <= 0:
                raise
            if attempts == 1:
                logger.warning("The database cannot be reached (%s); trying again", error)
            sleep(min(pause, left))
            pause = min(pause * 2, LONGEST_PAUSE)
            attempts += 1
            continue
        if attempts > 1:
            logger.warning("Connected to the database after %d attempts", attempts)
        return connection


def install(engine: Engine, limit: float) -> None:
    """Make every new connection of the engine wait up to ``limit`` seconds for the database
    (0: one attempt, as without this)."""
    if limit <= 0 or getattr(engine, "_consortium_retrying", False):
        return
    dialect = engine.dialect
    dbapi = dialect.loaded_dbapi
    # What a database that is down, starting or shutting down raises when connected to.
    retry_on: tuple[type[BaseException], ...] = (dbapi.OperationalError,)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return connect_with_retry(lambda: dialect.connect(*cargs, **cparams), limit, retry_on)

    engine._consortium_retrying = True  # type: ignore[attr-defined]
