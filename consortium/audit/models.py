"""The audit trail: one append-only row per create, update or delete of a record that matters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Who acted, readable on its own: "Jane Doe <jane@example.org>" or "CLI flask users create (root)".
    actor_label: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    record_label: Mapped[str] = mapped_column(String(255), default="")
    # {field: {"old": ..., "new": ...}}; a field whose values are secret is {"redacted": true}.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where a bulk change came from, such as an imported file's name.
    source: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.record_type}:{self.record_id}>"
