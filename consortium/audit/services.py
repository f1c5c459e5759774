"""Write an audit entry for every flushed change of an audited model, in the same transaction.

A model takes part by setting ``__audited__ = True``. Fields named in ``__audit_redacted__`` are
recorded as changed without their values (password hashes); so are fields in
``__audit_personal__`` (a person's name and contact data), which the append-only trail must
not keep because a person can be anonymised; fields in ``__audit_ignored__`` are not recorded
at all (bookkeeping such as the last sign-in time).

A signed-in actor is recorded by a reference to their account, never by name or email; the
pages show the account's current name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from consortium.audit.context import current_actor, current_source
from consortium.audit.models import AuditEntry
from consortium.db import utcnow


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    # A JSON column (a fee rule, a list of codes) stays a structure the pages can read.
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _columns(obj) -> list:
    return [attr for attr in inspect(obj).mapper.column_attrs]


def _changes(obj, action: str) -> dict[str, Any]:
    state = inspect(obj)
    hidden = {key: {"redacted": True} for key in getattr(obj, "__audit_redacted__", set())}
    hidden |= {key: {"personal": True} for key in getattr(obj, "__audit_personal__", set())}
    ignored = getattr(obj, "__audit_ignored__", set())
    changes: dict[str, Any] = {}
    for attr in _columns(obj):
        key = attr.key
        if key in ignored:
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is None:
                continue
            old, new = None, value
        elif action == "delete":
            # Read what is loaded without touching the database: the row is gone.
            old, new = state.dict.get(key), None
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            continue
        changes[key] = hidden.get(key) or {"old": _plain(old), "new": _plain(new)}
    return changes


def _record_id(obj) -> str:
    state = inspect(obj)
    identity = state.mapper.primary_key_from_instance(obj)
    return ":".join("" if part is None else str(part) for part in identity)


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append((action, obj, changes))
    if not rows:
        return
    actor = current_actor()
    source = current_source()
    now = utcnow()
    values = [
        {
            "created_at": now,
            "actor_user_id": actor.user_id,
            "actor_label": actor.label[:255],
            "action": action,
            "record_type": obj.__tablename__,
            "record_id": _record_id(obj),
            "record_label": str(getattr(obj, "audit_label", ""))[:255],
            "changes": changes,
            "source": source,
        }
        for action, obj, changes in rows
    ]
    session.connection().execute(insert(AuditEntry), values)


def install() -> None:
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
