"""Reading products: the list, the assessment against the requirements, who takes part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.products import checks, levels, related
from consortium.products.models import (
    LEVELS,
    MaturityRequirement,
    Product,
    ProductDescription,
    RequirementRating,
)

PAGE_SIZE = 50


@dataclass
class ProductFilter:
    search: str = ""
    status: str = ""
    # A decided level, or "none" for products without a decision.
    level: str = ""

    def statement(self) -> Select:
        # The list shows each product's description: load them with the page.
        query = select(Product).options(selectinload(Product.descriptions))
        if self.search:
            pattern = f"%{self.search.lower()}%"
            query = query.where(
                or_(func.lower(Product.name).like(pattern), Product.slug.like(pattern))
            )
        if self.status:
            query = query.where(Product.status == self.status)
        if self.level == "none":
            query = query.where(Product.level.is_(None))
        elif self.level in LEVELS:
            query = query.where(Product.level == self.level)
        return query.order_by(func.lower(Product.name), Product.id)


def search(product_filter: ProductFilter, page: int):
    return db.paginate(product_filter.statement(), page=page, per_page=PAGE_SIZE, error_out=False)


def by_slug(slug: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.slug == slug))


def requirements(active_only: bool = True) -> list[MaturityRequirement]:
    query = select(MaturityRequirement)
    if active_only:
        query = query.where(MaturityRequirement.active.is_(True))
    level_rank = {level: rank for rank, level in enumerate(LEVELS)}
    found = list(db.session.scalars(query))
    return sorted(found, key=lambda r: (level_rank.get(r.level, 99), r.position, r.code))


def description_for(product: Product, language: str) -> ProductDescription | None:
    """The description in the reader's language, else English, else any that has text."""
    filled = [d for d in product.descriptions if d.short_description or d.long_description]
    for wanted in (language, "en"):
        for description in filled:
            if description.language == wanted:
                return description
    return filled[0] if filled else None


@dataclass
class AssessedRequirement:
    requirement: MaturityRequirement
    rating: RequirementRating | None
    # True/False when the records answer the requirement, None when it is rated by hand.
    data_answer: bool | None

    @property
    def effective(self) -> str | None:
        if self.data_answer is not None:
            return "green" if self.data_answer else "red"
        return self.rating.rating if self.rating else None

    @property
    def state(self) -> levels.RequirementState:
        return levels.RequirementState(
            code=self.requirement.code,
            level=self.requirement.level,
            rating=self.effective,
            explanation_accepted=bool(
                self.data_answer is None and self.rating and self.rating.explanation_accepted
            ),
            recommended=self.requirement.recommended,
        )


@dataclass
class Assessment:
    rows: list[AssessedRequirement]
    reached: str | None
    next_level: str | None
    missing: list[AssessedRequirement]


def assess(product: Product, today: date | None = None) -> Assessment:
    """Each active requirement with the product's rating and the records' answer, and the level."""
    today = today or date.today()
    ratings = {
        rating.requirement_id: rating
        for rating in db.session.scalars(
            select(RequirementRating).where(RequirementRating.product_id == product.id)
        )
    }
    rows = [
        AssessedRequirement(
            requirement,
            ratings.get(requirement.id),
            checks.answer(requirement.data_check, product, today),
        )
        for requirement in requirements()
    ]
    states = [row.state for row in rows]
    target, missing = levels.missing_for_next(states)
    missing_codes = {state.code for state in missing}
    return Assessment(
        rows=rows,
        reached=levels.level_reached(states),
        next_level=target,
        missing=[row for row in rows if row.requirement.code in missing_codes],
    )


def current_participations(product: Product, today: date | None = None) -> list:
    """Organisations taking part now: participations started by today and not yet ended."""
    participations = related.find(related.PARTICIPATIONS, product, today or date.today())
    return sorted(participations, key=lambda p: p.organisation.name.lower())


def participating_organisation_names(product: Product, today: date | None = None) -> list[str]:
    """The names of the organisations taking part, each once, sorted."""
    return related.find(related.PARTICIPANT_NAMES, product, today or date.today())


def participant_page(product: Product, today: date | None = None):
    """The product page's list of participants: (listing, page of participations), or None
    when no domain answers it."""
    if not related.answered(related.PARTICIPANT_PAGE):
        return None
    return related.find(related.PARTICIPANT_PAGE, product, today or date.today())


def supplier_agreements(product: Product, today: date | None = None) -> list:
    """Supplier agreements covering the product and valid today, with their suppliers."""
    return related.find(related.SUPPLIER_AGREEMENTS, product, today or date.today())


def groups_of(product: Product) -> list:
    """The product's groups (its committees), by kind and name."""
    return related.find(related.GROUPS, product, date.today())
