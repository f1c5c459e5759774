"""A transaction of its own, beside the request's.

Some records must be committed whatever becomes of the request that wrote them (a failed
sign-in still counts against the throttle), and committing the request's own session for them
would also commit the request's half-done work. These records are written through a separate
session, on a connection of its own, and committed at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from consortium.extensions import db

_WROTE = "consortium_wrote"


@event.listens_for(Session, "after_flush")
def _note_write(session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


@contextmanager
def separate_transaction() -> Iterator[Session]:
    """A session committed when the block ends (rolled back on an error), apart from the
    request's session."""
    bind = db.session.get_bind()
    request_session = db.session()
    if isinstance(bind, Connection):
        # The request's session runs on one connection held for it (as the test suite does to
        # roll every test back): a savepoint on it is the nearest thing to a transaction of
        # its own.
        session = Session(bind=bind, join_transaction_mode="create_savepoint")
    elif bind.dialect.name == "sqlite" and request_session.in_transaction():
        # SQLite (development) locks the whole file: a second connection cannot commit while
        # the request's transaction holds even a read lock. A request that has only read so
        # far ends its transaction (there is nothing in it to commit); one that has written
        # gets a savepoint in its own transaction instead. PostgreSQL keeps the two apart.
        if request_session.info.get(_WROTE):
            session = Session(
                bind=request_session.connection(), join_transaction_mode="create_savepoint"
            )
        else:
            request_session.commit()
            session = Session(bind=bind)
    else:
        session = Session(bind=bind)
    with session, session.begin():
        yield session
