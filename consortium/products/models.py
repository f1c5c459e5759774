"""Products, their descriptions per language, maturity requirements, ratings and level decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db

PRODUCT_STATUSES = ("idea", "project", "product", "retired")
LEVELS = ("sandbox", "N1", "N2", "N3")
THEMES = ("relevance", "formal", "strategic", "governance")
RATINGS = ("green", "yellow", "red")
# Who decides a level: the secretariat admits a product to N1, the board approves N2 and N3.
DECIDING_BODIES = ("secretariat", "board")


class Product(db.Model):
    __tablename__ = "product"
    __audited__ = True
    # The point person is a person: the trail notes a change of name, never the name.
    __audit_personal__ = {"point_person_name"}

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="idea")
    licence: Mapped[str] = mapped_column(String(100), default="MPL-2.0")
    repository_url: Mapped[str] = mapped_column(String(500), default="")
    issue_tracker_url: Mapped[str] = mapped_column(String(500), default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    # The named point person (project lead); a user when they have an account.
    point_person_name: Mapped[str] = mapped_column(String(200), default="")
    point_person_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The level the secretariat or the board decided (None before the first decision).
    level: Mapped[str | None] = mapped_column(String(10))
    # publiccode.yml details.
    software_type: Mapped[str] = mapped_column(String(40), default="standalone/web")
    platforms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    descriptions: Mapped[list[ProductDescription]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductDescription.language",
    )
    ratings: Mapped[list[RequirementRating]] = relationship(back_populates="product")
    level_decisions: Mapped[list[LevelDecision]] = relationship(
        back_populates="product", order_by="LevelDecision.id"
    )

    @property
    def audit_label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class ProductDescription(db.Model):
    """A product's description in one language."""

    __tablename__ = "product_description"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("product_id", "language", name="uq_product_description_product_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    short_description: Mapped[str] = mapped_column(String(150), default="")
    long_description: Mapped[str] = mapped_column(Text, default="")
    # One feature per line.
    features: Mapped[str] = mapped_column(Text, default="")

    product: Mapped[Product] = relationship(back_populates="descriptions")


class MaturityRequirement(db.Model):
    """One requirement of the cumulative level checklist (OS2's 43 by default)."""

    __tablename__ = "maturity_requirement"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    theme: Mapped[str] = mapped_column(String(20))
    # The text in English, and in other languages where given: {"da": "...", ...}.
    text: Mapped[str] = mapped_column(Text)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The name of the check that answers the requirement from the app's records, if any.
    data_check: Mapped[str | None] = mapped_column(String(40))
    recommended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def audit_label(self) -> str:
        return self.code


class RequirementRating(db.Model):
    """A product's rating of a requirement: green, yellow or red, with the evidence."""

    __tablename__ = "requirement_rating"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "product_id", "requirement_id", name="uq_requirement_rating_product_requirement"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("maturity_requirement.id"), index=True)
    rating: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str] = mapped_column(Text, default="")
    # A yellow rating counts when its explanation is accepted ("comply or explain").
    explanation_accepted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship(back_populates="ratings")
    requirement: Mapped[MaturityRequirement] = relationship()


class LevelDecision(db.Model):
    """A decision that a product has reached (or fallen back to) a level: who, when, why."""

    __tablename__ = "level_decision"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(10))
    decided_by_body: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="level_decisions")
