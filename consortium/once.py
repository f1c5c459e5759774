"""Each action takes effect once, also when it is asked for several times at the same moment.

A state change (approve, freeze, confirm an import…) first locks the row it changes and reads
it afresh (``lock``), so a second request for the same change waits for the first to commit and
then finds the change made; and what must not exist twice is refused by a unique constraint,
whose violation ``unique`` turns into the domain's own error instead of a server error.

On PostgreSQL ``SELECT … FOR UPDATE`` holds the row until the transaction ends. SQLite has no
row locks and ignores it; there every transaction takes the database's write lock when it
begins (``consortium/db.py``), so the requests take their turns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consortium.extensions import db

T = TypeVar("T")

# SQLSTATE of a unique violation on PostgreSQL.
UNIQUE_VIOLATION = "23505"


def lock(obj: T) -> T:
    """Lock the object's row until the transaction ends and read it afresh.

    Call it before checking the state a change depends on: whoever held the lock before has
    committed by then, and the object shows what they did.
    """
    db.session.flush()
    db.session.refresh(obj, with_for_update=True)
    return obj


def lock_row(model: Any, row_id: int) -> None:
    """Lock one row by id without loading it, to serialise the changes that hang off it
    (an organisation's participations, for example)."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def load_locked(model: type[T], row_id: int) -> T | None:
    """The row with that id, locked and read afresh; None when it is gone (or never was)."""
    entity: Any = model
    found: T | None = db.session.scalar(
        select(entity)
        .where(entity.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether the database refused a row because a unique constraint or index exists."""
    original = exc.orig
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(original)


@contextmanager
def unique(error: Exception) -> Iterator[None]:
    """Write in a savepoint; raise ``error`` when a unique constraint refuses what was written.

    What was added inside the block is undone, the rest of the transaction is kept, so the
    request can show the message and carry on. Other integrity errors are not ours to explain.
    Make the new rows inside the block: entering it flushes what is pending, outside the
    savepoint.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise error from exc


def find_or_create(find: Callable[[], T | None], create: Callable[[], T]) -> tuple[T, bool]:
    """The row ``find`` returns, or the one ``create`` adds; True when it was created here.

    When someone else adds the same row at the same moment, the unique constraint refuses
    ours and theirs is returned.
    """
    found = find()
    if found is not None:
        return found, False
    try:
        with db.session.begin_nested():
            made = create()
            db.session.flush()
    except Exception as exc:
        # A unique violation, or the domain error ``unique`` made of one inside ``create``.
        cause = exc if isinstance(exc, IntegrityError) else exc.__cause__
        if not (isinstance(cause, IntegrityError) and is_unique_violation(cause)):
            raise
        found = find()
        if found is None:
            raise
        return found, False
    return made, True
