"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from consortium.audit.models import AuditEntry
from consortium.extensions import db

PAGE_SIZE = 50

# The ids of the users whose current name or email contains a (lower-case) text, as a select:
# registered at start-up by the accounts (auth), so that the audit trail never imports them.
_user_ids_matching: Callable[[str], Select] | None = None


def search_users_with(finder: Callable[[str], Select]) -> None:
    """Register how an actor is searched by their current name or email."""
    global _user_ids_matching
    _user_ids_matching = finder


@dataclass
class AuditFilter:
    record_type: str = ""
    record_id: str = ""
    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def statement(self) -> Select:
        query = select(AuditEntry)
        if self.record_type:
            query = query.where(AuditEntry.record_type == self.record_type)
        if self.record_id:
            query = query.where(AuditEntry.record_id == self.record_id)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.actor:
            # A user actor is stored by reference, so their current name and email are searched.
            wanted = self.actor.lower()
            matches = func.lower(AuditEntry.actor_label).contains(wanted)
            if _user_ids_matching is not None:
                matches = or_(matches, AuditEntry.actor_user_id.in_(_user_ids_matching(wanted)))
            query = query.where(matches)
        if self.date_from:
            query = query.where(
                AuditEntry.created_at >= datetime.combine(self.date_from, time(), UTC)
            )
        if self.date_to and self.date_to < date.max:  # up to the last day: no end at all
            end = datetime.combine(self.date_to + timedelta(days=1), time(), UTC)
            query = query.where(AuditEntry.created_at < end)
        return query


def search(audit_filter: AuditFilter, page: int = 1):
    """One page of matching entries, newest first."""
    return db.paginate(
        audit_filter.statement().order_by(AuditEntry.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def entries_for(record_type: str, record_id: str) -> list[AuditEntry]:
    """Every entry about one record, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id.desc())
        )
    )


def record_types() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.record_type).distinct().order_by(AuditEntry.record_type)
        )
    )
