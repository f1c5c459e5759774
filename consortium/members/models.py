"""Organisations and what the register keeps about them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db

KINDS = ("municipality", "region", "state_agency", "other")
MEMBERSHIP_STATUSES = ("applied", "active", "resigned", "lapsed")
CONTACT_ROLES = ("primary", "finance", "technical", "other")
PRIMARY = "primary"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "country", "registration_number", name="uq_organisation_country_registration_number"
        ),
        UniqueConstraint(
            "country", "municipality_code", name="uq_organisation_country_municipality_code"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    vat_number: Mapped[str | None] = mapped_column(String(40))
    # Text, not a number: German codes have leading zeros.
    municipality_code: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Bodies without residents get their tier from the secretariat, with a reason.
    tier_override: Mapped[str | None] = mapped_column(String(20))
    tier_override_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    populations: Mapped[list[PopulationFigure]] = relationship(
        back_populates="organisation", order_by="PopulationFigure.year.desc()"
    )
    billing_identities: Mapped[list[BillingIdentity]] = relationship(
        back_populates="organisation", order_by="BillingIdentity.id"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", order_by="Membership.id"
    )
    contacts: Mapped[list[OrganisationContact]] = relationship(
        back_populates="organisation", order_by="OrganisationContact.id"
    )

    # What the rules in consortium/permissions.py take this record for.
    permission_subject = "organisation"

    def has_contact(self, user_id: int) -> bool:
        """Whether the user is one of the organisation's contacts (in any role)."""
        return any(contact.user_id == user_id for contact in self.contacts)

    def has_primary_contact(self, user_id: int) -> bool:
        """Whether the user is the organisation's primary contact."""
        return any(
            contact.user_id == user_id and contact.role == PRIMARY for contact in self.contacts
        )

    @property
    def primary_contact(self) -> OrganisationContact | None:
        return next((contact for contact in self.contacts if contact.role == PRIMARY), None)

    @property
    def audit_label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class PopulationFigure(db.Model):
    """The population on 1 January of a year, with its source."""

    __tablename__ = "population_figure"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", name="uq_population_figure_organisation_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="populations")

    def __repr__(self) -> str:
        return f"<PopulationFigure org={self.organisation_id} {self.year}: {self.population}>"


class TierBandSet(db.Model):
    """Tier bands (inclusive lower bounds) in force from a year on."""

    __tablename__ = "tier_band_set"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from_year: Mapped[int] = mapped_column(Integer, unique=True)
    # [[0, "small"], [25000, "medium"], ...]
    bands: Mapped[list[Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<TierBandSet from {self.effective_from_year}>"


class BillingIdentity(db.Model):
    """The party that receives an invoice: a department with its EAN, Peppol id or reference."""

    __tablename__ = "billing_identity"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    gln: Mapped[str | None] = mapped_column(String(13))
    peppol_id: Mapped[str | None] = mapped_column(String(60))
    invoice_reference: Mapped[str] = mapped_column(String(100), default="")
    invoice_email: Mapped[str] = mapped_column(String(254), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(back_populates="billing_identities")

    def __repr__(self) -> str:
        return f"<BillingIdentity {self.id} {self.name!r}>"


class Membership(db.Model):
    """One step in an organisation's membership: applied, active, resigned or lapsed."""

    __tablename__ = "membership"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    status_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<Membership org={self.organisation_id} {self.status} {self.status_on}>"


class OrganisationContact(db.Model):
    """A user who speaks for an organisation, in a role."""

    __tablename__ = "organisation_contact"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "user_id", name="uq_organisation_contact_organisation_user"
        ),
        # At most one primary contact per organisation.
        Index(
            "uq_organisation_contact_one_primary",
            "organisation_id",
            unique=True,
            postgresql_where=text("role = 'primary'"),
            sqlite_where=text("role = 'primary'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # The secretariat marks who may sign agreements for the organisation, beside the role, so
    # a primary contact can sign too.
    may_sign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<OrganisationContact org={self.organisation_id} user={self.user_id} {self.role}>"


class PendingImport(db.Model):
    """An uploaded file shown as a preview, waiting for its uploader to confirm the import."""

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PendingImport {self.id} {self.filename!r}>"
