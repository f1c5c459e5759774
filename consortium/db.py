"""The declarative base, its naming convention and column types shared by every domain."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, DateTime, MetaData, and_, event, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def in_force_on(starts_on, ends_on, day: date) -> ColumnElement[bool]:
    """In a query: the period in columns ``starts_on``..``ends_on`` (no end: open) covers the
    day, as :func:`consortium.periods.in_force_on` answers it in Python."""
    return and_(starts_on <= day, not_ended_before(ends_on, day))


def not_ended_before(ends_on, day: date) -> ColumnElement[bool]:
    """In a query: the period in force on the day or later (no end: it never ends)."""
    return or_(ends_on.is_(None), ends_on >= day)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A point in time stored in UTC and always returned timezone-aware.

    SQLite keeps no time zone, so values are stored as naive UTC on every database.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """Foreign keys on, and transactions run by SQLAlchemy rather than the sqlite3 module.

    The sqlite3 module's own transaction handling breaks savepoints, which the tests and
    nested service calls rely on. SQLite's own lower() knows only A to Z; searches for
    "Ærø" or "Říčany" need every letter, as PostgreSQL's lower() has. SQLite has no
    translate(); the global search folds letters with it, as on PostgreSQL.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        dbapi_connection.create_function("translate", 3, _translate, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _translate(value, source, target):
    """PostgreSQL's translate(): each character of ``source`` in the text becomes the one at
    the same place in ``target``, or goes when ``target`` is shorter."""
    if value is None or source is None or target is None:
        return None
    if not isinstance(value, str):
        return value
    return value.translate(_translation_table(source, target))


@functools.lru_cache(maxsize=8)
def _translation_table(source: str, target: str) -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for position, char in enumerate(source):
        table.setdefault(ord(char), ord(target[position]) if position < len(target) else None)
    return table


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """On SQLite every transaction takes the write lock when it begins.

    SQLite has no row locks: two transactions that both read a budget and then approve it
    would otherwise both pass the check, and the second writer would fail with "database is
    locked" instead of waiting. Beginning immediately makes them wait their turn (up to the
    busy timeout), as ``SELECT … FOR UPDATE`` does on PostgreSQL, so each action takes
    effect once on the embedded database too.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
