"""Writing products, ratings and level decisions: services flush, the request commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consortium.config import LANGUAGES
from consortium.extensions import db
from consortium.products import requirements as defaults
from consortium.products.models import (
    LEVELS,
    LevelDecision,
    MaturityRequirement,
    Product,
    ProductDescription,
    RequirementRating,
)

# Descriptions are kept in each language of the user interface.
DESCRIPTION_LANGUAGES = LANGUAGES


class SlugTaken(ValueError):
    """Another product has the short name: the form's check passed, but another request saved
    the same short name at the same moment (the unique constraint caught it)."""


def ensure_default_requirements() -> int:
    """Add the default requirement list to an empty table; returns how many were added."""
    if db.session.scalar(select(func.count(MaturityRequirement.id))):
        return 0
    rows = defaults.default_rows()
    db.session.add_all(MaturityRequirement(**row) for row in rows)
    db.session.flush()
    return len(rows)


def create_product(**fields) -> Product:
    """Add a product to the catalogue; SlugTaken when another product has its short name."""
    try:
        with db.session.begin_nested():
            product = Product(**fields)
            db.session.add(product)
            db.session.flush()
    except IntegrityError as exc:
        raise SlugTaken(fields.get("slug", "")) from exc
    return product


def update_product(product: Product, **fields) -> Product:
    """Change a product's details; the audit trail records old and new values.

    SlugTaken when another product has the new short name; nothing is changed then."""
    try:
        with db.session.begin_nested():
            for key, value in fields.items():
                setattr(product, key, value)
            db.session.flush()
    except IntegrityError as exc:
        raise SlugTaken(fields.get("slug", "")) from exc
    return product


def save_description(
    product: Product, language: str, short_description: str, long_description: str, features: str
) -> ProductDescription | None:
    """Set the description in one language; an empty one is removed."""
    if language not in DESCRIPTION_LANGUAGES:
        raise ValueError(language)
    existing = next((d for d in product.descriptions if d.language == language), None)
    features = "\n".join(line.strip() for line in features.splitlines() if line.strip())
    if not (short_description.strip() or long_description.strip() or features):
        if existing is not None:
            product.descriptions.remove(existing)
            db.session.flush()
        return None
    if existing is None:
        existing = ProductDescription(language=language)
        product.descriptions.append(existing)
    existing.short_description = short_description.strip()
    existing.long_description = long_description.strip()
    existing.features = features
    db.session.flush()
    return existing


def rate(
    product: Product,
    requirement: MaturityRequirement,
    rating: str,
    evidence: str,
    explanation_accepted: bool = False,
) -> RequirementRating:
    """Record the product's rating of a requirement, replacing the previous one."""
    values = {
        "rating": rating,
        "evidence": evidence.strip(),
        # Only a yellow rating is explained; an accepted explanation means nothing on green or red.
        "explanation_accepted": rating == "yellow" and explanation_accepted,
    }
    existing = _rating_of(product, requirement)
    if existing is None:
        try:
            with db.session.begin_nested():
                added = RequirementRating(product=product, requirement=requirement, **values)
                db.session.add(added)
                db.session.flush()
            return added
        except IntegrityError:
            # Another request rated it at the same moment: replace that rating instead.
            existing = _rating_of(product, requirement)
            if existing is None:
                raise
    for key, value in values.items():
        setattr(existing, key, value)
    db.session.flush()
    return existing


def _rating_of(product: Product, requirement: MaturityRequirement) -> RequirementRating | None:
    return db.session.scalar(
        select(RequirementRating).where(
            RequirementRating.product_id == product.id,
            RequirementRating.requirement_id == requirement.id,
        )
    )


class LevelAboveReached(ValueError):
    """The decided level is above the level the product's ratings reach: recorded only when
    whoever records it confirms that this is what was decided."""

    def __init__(self, reached: str | None, decided: str):
        super().__init__(decided)
        self.reached = reached
        self.decided = decided


def _rank(level: str | None) -> int:
    return -1 if level is None else LEVELS.index(level)


def record_level_decision(
    product: Product,
    level: str | None,
    decided_by_body: str,
    decided_on: date,
    note: str = "",
    recorded_by=None,
    *,
    confirmed_above_reached: bool = False,
) -> LevelDecision:
    """Record that the secretariat or the board decided the product's level, and set it.

    A level above the one the ratings reach raises LevelAboveReached unless confirmed.
    """
    if level is not None and not confirmed_above_reached:
        from consortium.products.queries import assess

        reached = assess(product).reached
        if _rank(level) > _rank(reached):
            raise LevelAboveReached(reached, level)
    decision = LevelDecision(
        product=product,
        level=level,
        decided_by_body=decided_by_body,
        decided_on=decided_on,
        note=note.strip(),
        recorded_by_user_id=getattr(recorded_by, "id", None),
    )
    db.session.add(decision)
    product.level = level
    db.session.flush()
    return decision


def update_requirement(
    requirement: MaturityRequirement,
    *,
    text: str,
    level: str,
    active: bool,
    translations: dict[str, str] | None = None,
) -> MaturityRequirement:
    """Change a requirement of the list: its texts, its level, whether it counts."""
    requirement.text = text.strip()
    if translations is not None:
        requirement.translations = translations
    requirement.level = level
    requirement.active = active
    db.session.flush()
    return requirement


def import_product(imported) -> tuple[Product, bool]:
    """Add the product a publiccode.yml describes, or update the one with the same slug."""
    product = db.session.scalar(select(Product).where(Product.slug == imported.slug))
    created = product is None
    if created:
        product = create_product(slug=imported.slug, **imported.fields)
    else:
        update_product(product, **imported.fields)
    for language, description in imported.descriptions.items():
        save_description(product, language, **description)
    return product, created
