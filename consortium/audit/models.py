"""The audit trail: one append-only row per create, update or delete of a record that matters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db

if TYPE_CHECKING:
    from consortium.auth.models import User  # noqa: F401 - named in annotations only


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Who acted, without personal data: "user #12", "user #12 (emailed link)" or
    # "CLI flask users create (root)". Pages show a user actor's current name.
    actor_label: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    record_label: Mapped[str] = mapped_column(String(255), default="")
    # {field: {"old": ..., "new": ...}}; a field whose values are secret is {"redacted": true},
    # one holding a person's name or contact data {"personal": true}.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where a bulk change came from, such as an imported file's name.
    source: Mapped[str | None] = mapped_column(Text)

    # The acting account and, for an entry about a user, that user: read for their current
    # name (a placeholder once anonymised), loaded with the entry in the same query. The user
    # table is named, never imported: the accounts (auth) stand above the audit trail.
    actor: Mapped[User | None] = relationship(
        "User", foreign_keys=[actor_user_id], lazy="joined", viewonly=True
    )
    record_user: Mapped[User | None] = relationship(
        "User",
        primaryjoin="and_(AuditEntry.record_type == 'user', "
        "foreign(AuditEntry.record_id) == cast(User.id, String))",
        lazy="joined",
        viewonly=True,
        uselist=False,
    )

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.record_type}:{self.record_id}>"
