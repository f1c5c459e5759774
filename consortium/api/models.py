"""Personal access tokens of the JSON API, and the calls counted by its throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db


class ApiToken(db.Model):
    """A user's personal access token. The token is shown once; only its prefix (to recognise
    it in lists) and the SHA-256 of the whole token are kept."""

    __tablename__ = "api_token"
    __audited__ = True
    __audit_redacted__ = {"token_hash"}
    __audit_ignored__ = {"last_used_at"}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    # "area:read" or "area:write" (write includes read), one per area the token may use.
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute, so a busy client does not write on every call.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def audit_label(self) -> str:
        return f"{self.prefix} #{self.id}"

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired, and its user still active."""
        return self.revoked_at is None and self.expires_at > now and self.user.active

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"


class ApiCallCount(db.Model):
    """How many calls a token or a client address made in one throttle window; the count is
    kept in the database so every worker process agrees."""

    __tablename__ = "api_call_count"
    __table_args__ = (
        UniqueConstraint("caller", "window_start"),
        Index("ix_api_call_count_window_start", "window_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "token:<id>" or "address:<client address>".
    caller: Mapped[str] = mapped_column(String(80))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    calls: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ApiCallCount {self.caller} {self.window_start} {self.calls}>"
