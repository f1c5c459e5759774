"""Membership fee schedules and product tariffs per year, product budgets and their shares."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.members.models import Organisation
from consortium.products.models import Product

# Rules are kept as JSON specs that consortium/fees/specs.py turns into the engine's rules:
#   {"type": "flat", "amount": "25000.00"}
#   {"type": "indexed", "base_amount": "25000.00", "base_index": "100", "index": "103.2"}
#   {"type": "per_resident", "brackets": [[0, "3"], [10000, "2"], [100001, "1"]], "marginal": false}
#   {"type": "per_tier", "amounts": {"small": "10000.00", ...}}
#   {"type": "exempt"}
# Pricing of a product:
#   {"type": "tier_table", "amounts": {"small": "...", ...}}
#   {"type": "budget_split", "method": "equal" | "population" | "tier_weights" | "equal_part_and_population",
#    "tier_weights": {...}, "equal_percentage": "20", "minimum": null, "maximum": null}
# The engine's part-year methods (consortium/fees/partyear.py).
PART_YEAR_METHODS = ("none", "half_year_after_1_july", "started_months", "whole_months", "days")
# New schedules count started months, as Danish associations usually do.
DEFAULT_SCHEDULE_PART_YEAR = "started_months"
BUDGET_STATUSES = ("draft", "approved", "frozen")
BUDGET_PURPOSES = ("coordination", "development", "operations", "other")


class MembershipFeeSchedule(db.Model):
    """How the membership fee is set for one year."""

    __tablename__ = "membership_fee_schedule"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    minimum: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    maximum: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Rules by organisation kind: {"region": {"type": "flat", ...}, "state_agency": {"type": "exempt"}}.
    by_kind: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    part_year_method: Mapped[str] = mapped_column(String(30), default=DEFAULT_SCHEDULE_PART_YEAR)
    part_year_refunds: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Fees for year Y use the population of 1 January of Y - offset.
    population_offset: Mapped[int] = mapped_column(Integer, default=1)
    # The index of this year (e.g. a price index), for regulating next year's flat amount.
    index_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def audit_label(self) -> str:
        return str(self.year)


class ProductTariff(db.Model):
    """How a product's costs are shared in one year."""

    __tablename__ = "product_tariff"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("product_id", "year", name="uq_product_tariff_product_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    pricing: Mapped[dict[str, Any]] = mapped_column(JSON)
    part_year_method: Mapped[str] = mapped_column(String(30), default="half_year_after_1_july")
    part_year_refunds: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Organisations whose first agreement starts after the product's first year pay an entry fee.
    first_year: Mapped[int | None] = mapped_column(Integer)
    entry_fee: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()

    @property
    def audit_label(self) -> str:
        return f"{self.product.name} {self.year}" if self.product else str(self.year)


class ProductBudget(db.Model):
    """A product's budget for a year: draft, then approved, then frozen once invoiced."""

    __tablename__ = "product_budget"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("product_id", "year", name="uq_product_budget_product_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # [{"purpose": "coordination", "amount": "120000.00", "note": ""}, ...]
    lines: Mapped[list[Any]] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    shares: Mapped[list[BudgetShare]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="BudgetShare.id"
    )

    @property
    def audit_label(self) -> str:
        return f"{self.product.name} {self.year}" if self.product else str(self.year)


class BudgetShare(db.Model):
    """A participant's share of an approved or frozen budget, as it was approved.

    An approved budget changes only when the secretariat confirms the effect of a late joiner;
    a frozen year's shares (already invoiced) never change.
    """

    __tablename__ = "budget_share"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "budget_id", "organisation_id", name="uq_budget_share_budget_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("product_budget.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # The engine's structured explanation, as plain JSON.
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    budget: Mapped[ProductBudget] = relationship(back_populates="shares")
    organisation: Mapped[Organisation] = relationship()
