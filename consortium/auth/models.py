"""Users, their sessions, their emailed one-time links, and the record of sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db


class User(db.Model):
    __tablename__ = "user"
    __audited__ = True
    __audit_redacted__ = {"password_hash"}
    # The trail notes that these changed but never keeps their values, so anonymising a person
    # leaves nothing of them in a trail that cannot be changed.
    __audit_personal__ = {"name", "email", "language"}
    __audit_ignored__ = {"last_login_at", "session_version"}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # None until the user sets a password through their invitation link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(8))
    is_secretariat: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Raised by a password change or a deactivation; sessions carrying an older value end.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Public pages show a person's name only; their email too when they chose to publish it.
    publish_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set when the person's name and contact data were removed; the row stays for the records
    # that must keep pointing to it (invoices, votes, the audit trail).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[UserToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def placeholder_name(self) -> str:
        """How the person is shown once anonymised."""
        return gettext("Former user #%(id)s", id=self.id)

    @property
    def display_name(self) -> str:
        if self.is_anonymised:
            return self.placeholder_name
        return self.name or self.email

    @property
    def shown_email(self) -> str:
        """The address to show people: none for an anonymised person's placeholder."""
        return "" if self.is_anonymised else self.email

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def audit_label(self) -> str:
        # Not the name or email: the trail keeps a reference, pages look up the current name.
        return f"#{self.id}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserToken(db.Model):
    """A single-use emailed link (invitation or password reset), kept only as a hash."""

    __tablename__ = "user_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # invite, reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<UserToken {self.id} {self.purpose} user={self.user_id}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random id whose hash is kept here, so that
    signing out ends the session on the server: a copy of the cookie stops working too."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute, so a page view is not a write each time.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.ended_at is not None}>"


# What a LoginAttempt row records: a sign-in (or a check of the current password) or a request
# for a password reset link.
SIGN_IN = "sign_in"
RESET_REQUEST = "reset"


class LoginAttempt(db.Model):
    """One sign-in attempt or reset-link request; the throttles count these, so the limits hold
    across processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "attempted_at"),
        Index("ix_login_attempt_client_at", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=SIGN_IN, server_default=SIGN_IN)
    email: Mapped[str] = mapped_column(String(254))
    client_address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.kind} {self.email} {self.client_address} ok={self.succeeded}>"
