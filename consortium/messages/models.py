"""A message written once (in one or several languages) and mailed to many people, with the
list of who got it in which language and the outbox message that carried it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.mail.models import OutboxMessage
from consortium.products.models import Product

# To whom a message was written: the contacts of chosen organisations, the contacts of a
# product's current participants, or a group's current members.
SOURCES = ("organisations", "product", "group")


class BulkMessage(db.Model):
    __tablename__ = "bulk_message"
    __audited__ = True
    __audit_ignored__ = {"token"}
    __table_args__ = (
        CheckConstraint("source IN ('organisations', 'product', 'group')", name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Drawn when the form is first shown and sent with it: the same form sent twice (a double
    # click, two tabs) is refused by the unique constraint and so mailed once.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sender_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id"), index=True)
    # The chosen organisations' ids, for a message to their contacts.
    organisation_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The one language everyone got; None when each got their own.
    one_language: Mapped[str | None] = mapped_column(String(8))
    recipient_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    sender: Mapped[User] = relationship()
    product: Mapped[Product | None] = relationship()
    group: Mapped[Group | None] = relationship()
    texts: Mapped[list[BulkMessageText]] = relationship(
        back_populates="message", order_by="BulkMessageText.language"
    )
    recipients: Mapped[list[BulkMessageRecipient]] = relationship(
        back_populates="message", order_by="BulkMessageRecipient.id"
    )

    # What the rules in consortium/permissions.py take this record for.
    permission_subject = "bulk_message"

    def may_read(self, user_id: int) -> bool:
        """Its sender, and the current chair and secretary of the group it was written to."""
        if self.sender_user_id == user_id:
            return True
        return self.group is not None and self.group.has_current_member(
            user_id, roles=("chair", "secretary")
        )

    def text_in(self, language: str) -> BulkMessageText | None:
        return next((text for text in self.texts if text.language == language), None)

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    def __repr__(self) -> str:
        return f"<BulkMessage {self.id} {self.source} to {self.recipient_count}>"


class BulkMessageText(db.Model):
    """The subject and text of a message in one language."""

    __tablename__ = "bulk_message_text"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("message_id", "language", name="uq_bulk_message_text_message_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("bulk_message.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    message: Mapped[BulkMessage] = relationship(back_populates="texts")

    def __repr__(self) -> str:
        return f"<BulkMessageText {self.message_id} {self.language}>"


class BulkMessageRecipient(db.Model):
    """One person who got the message: in which language, for whom, and the outbox message
    (gone when the person was anonymised, which deletes the mail kept for them)."""

    __tablename__ = "bulk_message_recipient"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id", name="uq_bulk_message_recipient_message_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("bulk_message.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    # The organisations (or the supplier) the person was written to for, as named then.
    represents: Mapped[str] = mapped_column(String(1000), default="")
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )

    message: Mapped[BulkMessage] = relationship(back_populates="recipients")
    user: Mapped[User] = relationship()
    outbox_message: Mapped[OutboxMessage | None] = relationship()

    def __repr__(self) -> str:
        return f"<BulkMessageRecipient {self.message_id} user={self.user_id} {self.language}>"
