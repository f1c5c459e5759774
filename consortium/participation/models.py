"""Commitments and participation agreements, and the requests to join or leave a product."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.members.models import BillingIdentity, Organisation
from consortium.products.models import Product

# A commitment funds development without an obligation to use; an agreement uses and pays a share.
PHASES = ("commitment", "agreement")
REQUEST_KINDS = ("join", "leave")
REQUEST_STATUSES = ("pending", "approved", "declined", "withdrawn")


class Participation(db.Model):
    """An organisation's commitment to, or participation agreement for, a product."""

    __tablename__ = "participation"
    __audited__ = True
    # One open-ended participation per organisation and product; overlapping periods with an
    # end are refused by the services under a lock on the organisation.
    __table_args__ = (
        Index(
            "uq_participation_open",
            "organisation_id",
            "product_id",
            unique=True,
            postgresql_where=text("ends_on IS NULL"),
            sqlite_where=text("ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    notice_months: Mapped[int] = mapped_column(Integer, default=6)
    # Notice takes effect at the end of its period, moved to the end of that calendar year
    # unless the agreement says otherwise.
    ends_at_year_end: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notice_given_on: Mapped[date | None] = mapped_column(Date)
    agreement_version: Mapped[str] = mapped_column(String(40), default="")
    # Agreed before the association kept agreements in the app (set for every participation
    # that existed then, by migration 0018): it counts as accepted, nothing is signed again.
    agreed_outside_system: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # A commitment's pledge per year, in the association's currency.
    amount_per_year: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    billing_identity_id: Mapped[int | None] = mapped_column(ForeignKey("billing_identity.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    product: Mapped[Product] = relationship()
    billing_identity: Mapped[BillingIdentity | None] = relationship()

    @property
    def audit_label(self) -> str:
        return (
            f"{self.organisation.name} – {self.product.name}"
            if self.organisation and self.product
            else ""
        )


class ParticipationRequest(db.Model):
    """A contact's request to join a product or to give notice, and the secretariat's answer."""

    __tablename__ = "participation_request"
    __audited__ = True
    # One pending request to join per organisation and product, one pending notice per
    # participation.
    __table_args__ = (
        Index(
            "uq_participation_request_pending_join",
            "organisation_id",
            "product_id",
            unique=True,
            postgresql_where=text("status = 'pending' AND kind = 'join'"),
            sqlite_where=text("status = 'pending' AND kind = 'join'"),
        ),
        Index(
            "uq_participation_request_pending_leave",
            "participation_id",
            unique=True,
            postgresql_where=text("status = 'pending' AND kind = 'leave'"),
            sqlite_where=text("status = 'pending' AND kind = 'leave'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    phase: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[date | None] = mapped_column(Date)
    billing_identity_id: Mapped[int | None] = mapped_column(ForeignKey("billing_identity.id"))
    amount_per_year: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # For notice to leave: the participation it ends.
    participation_id: Mapped[int | None] = mapped_column(ForeignKey("participation.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    product: Mapped[Product] = relationship()
    billing_identity: Mapped[BillingIdentity | None] = relationship()
    participation: Mapped[Participation | None] = relationship()
