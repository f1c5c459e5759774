"""Suppliers, their contacts and their supplier agreements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.products.models import Product

SERVICE_TYPES = ("development", "hosting", "support", "consultancy")
VETTING_STATUSES = ("pending", "approved", "rejected")

# The products a supplier wants to work on, as given when registering.
supplier_product_interest = Table(
    "supplier_product_interest",
    db.metadata,
    Column("supplier_id", ForeignKey("supplier.id"), primary_key=True),
    Column("product_id", ForeignKey("product.id"), primary_key=True),
)
# The products a supplier agreement covers.
agreement_product = Table(
    "supplier_agreement_product",
    db.metadata,
    Column("agreement_id", ForeignKey("supplier_agreement.id"), primary_key=True),
    Column("product_id", ForeignKey("product.id"), primary_key=True),
)


class Supplier(db.Model):
    __tablename__ = "supplier"
    __audited__ = True
    # The contact person's name and email are noted in the audit trail without their values.
    __audit_personal__ = {"contact_name", "contact_email"}
    __table_args__ = (
        UniqueConstraint(
            "country", "registration_number", name="uq_supplier_country_registration_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    # CVR for a Danish company, else the EU VAT number (compact, with its country prefix).
    registration_number: Mapped[str] = mapped_column(String(40))
    vat_number: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    service_types: Mapped[list[Any]] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text, default="")
    code_of_conduct_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    products_wanted: Mapped[list[Product]] = relationship(secondary=supplier_product_interest)
    contacts: Mapped[list[SupplierContact]] = relationship(back_populates="supplier")
    agreements: Mapped[list[SupplierAgreement]] = relationship(
        back_populates="supplier", order_by="SupplierAgreement.signed_on"
    )

    # What the rules in consortium/permissions.py take this record for.
    permission_subject = "supplier"

    def has_contact(self, user_id: int) -> bool:
        """Whether the user is one of the supplier's contacts."""
        return any(contact.user_id == user_id for contact in self.contacts)

    @property
    def audit_label(self) -> str:
        return self.name


class SupplierContact(db.Model):
    """A user who speaks for a supplier."""

    __tablename__ = "supplier_contact"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("supplier_id", "user_id", name="uq_supplier_contact_supplier_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    supplier: Mapped[Supplier] = relationship(back_populates="contacts")
    user: Mapped[User] = relationship()


class SupplierAgreement(db.Model):
    """The supplier agreement (MoU) a supplier signed: version, dates, products and clauses."""

    __tablename__ = "supplier_agreement"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    signed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    code_of_conduct: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    floss_clause: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    copyright_transfer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supplier: Mapped[Supplier] = relationship(back_populates="agreements")
    products: Mapped[list[Product]] = relationship(secondary=agreement_product)
