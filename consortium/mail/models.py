"""The outbox: every outgoing message, written in the transaction of the change it is about.

A worker (`flask mail send`) sends the queued ones through SMTP, trying again with a growing
pause after a failure, and gives up after the configured number of attempts. Without a mail
server (development, tests) messages are kept here unsent, for developers to read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db

KEPT = "kept"  # no mail server: kept for developers, never sent
QUEUED = "queued"  # waiting for the worker (also between attempts)
SENT = "sent"
FAILED = "failed"  # every attempt failed; the secretariat may try again

STATUSES = (KEPT, QUEUED, SENT, FAILED)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=KEPT, server_default=KEPT)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the worker may (next) try; while a worker sends, the end of its claim.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the mail server (or the network) answered to the last failed attempt; never a secret.
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        order_by="OutboxAttachment.id", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.recipient} {self.status}>"


class OutboxAttachment(db.Model):
    """A file sent with an outbox message (an invoice's PDF and e-invoice)."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    def __repr__(self) -> str:
        return f"<OutboxAttachment {self.message_id} {self.filename}>"
