"""A new database connection waits a few seconds for a database that is restarting."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from consortium import connecting
from consortium.config import ConfigError
from consortium.extensions import db
from tests.conftest import make_app


class Refused(Exception):
    """What a database that is down answers."""


class Clock:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def failing(times: int, error: type[BaseException] = Refused):
    """A connect function that fails ``times`` times, then answers "connection"."""
    calls = []

    def connect() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error("the database system is starting up")
        return "connection"

    connect.calls = calls  # type: ignore[attr-defined]
    return connect


def test_a_refused_connection_is_tried_again_until_the_database_answers():
    clock = Clock()
    connect = failing(3)
    result = connecting.connect_with_retry(connect, 5, (Refused,), sleep=clock.sleep, clock=clock)
    assert result == "connection"
    assert len(connect.calls) == 4
    # The pause grows each time.
    assert clock.pauses == [0.1, 0.2, 0.4]


def test_past_the_limit_the_last_error_is_raised():
    clock = Clock()
    connect = failing(1000)
    with pytest.raises(Refused):
        connecting.connect_with_retry(connect, 3, (Refused,), sleep=clock.sleep, clock=clock)
    # It waited the limit and not longer; the pauses never exceed a second.
    assert sum(clock.pauses) == pytest.approx(3)
    assert max(clock.pauses) == connecting.LONGEST_PAUSE
    assert len(connect.calls) == len(clock.pauses) + 1


def test_other_errors_are_raised_at_once():
    clock = Clock()
    connect = failing(1, error=ValueError)
    with pytest.raises(ValueError, match="starting up"):
        connecting.connect_with_retry(connect, 5, (Refused,), sleep=clock.sleep, clock=clock)
    assert clock.pauses == []


def test_a_limit_of_zero_tries_once():
    clock = Clock()
    connect = failing(1)
    with pytest.raises(Refused):
        connecting.connect_with_retry(connect, 0, (Refused,), sleep=clock.sleep, clock=clock)
    assert len(connect.calls) == 1


def _refuse_first(engine, times: int) -> list[int]:
    """Make the engine's database refuse the next ``times`` connections."""
    dialect = engine.dialect
    original = dialect.connect
    dbapi = dialect.loaded_dbapi
    attempts: list[int] = []

    def connect(*cargs, **cparams):
        attempts.append(1)
        if len(attempts) <= times:
            raise dbapi.OperationalError("the database system is shutting down")
        return original(*cargs, **cparams)

    dialect.connect = connect
    return attempts


def test_the_apps_connections_wait_for_the_database(tmp_path, monkeypatch):
    monkeypatch.setattr(connecting, "FIRST_PAUSE", 0.01)
    app = make_app("sqlite:///" + str(tmp_path / "retry.sqlite"))
    with app.app_context():
        db.engine.dispose()
        attempts = _refuse_first(db.engine, 2)
        assert db.session.scalar(text("SELECT 1")) == 1
        assert len(attempts) == 3
        db.session.remove()
        db.engine.dispose()


def test_without_waiting_a_refused_connection_fails_the_request(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "once.sqlite"), DATABASE_CONNECT_RETRY_SECONDS=0)
    with app.app_context():
        db.engine.dispose()
        attempts = _refuse_first(db.engine, 1)
        with pytest.raises(Exception, match="shutting down"):
            db.session.scalar(text("SELECT 1"))
        assert len(attempts) == 1
        db.session.remove()
        db.engine.dispose()


def test_the_wait_is_a_setting(monkeypatch):
    monkeypatch.setenv("DATABASE_CONNECT_RETRY_SECONDS", "-1")
    with pytest.raises(ConfigError, match="DATABASE_CONNECT_RETRY_SECONDS"):
        make_app("sqlite://")
