"""The maturity requirements the participations answer, registered with the products at start-up."""

from __future__ import annotations

from datetime import date

from consortium.participation import queries
from consortium.products import checks
from consortium.products.models import Product


def two_organisations(product: Product, today: date) -> bool:
    return len(queries.organisations_taking_part(product, today, at_most=2)) >= 2


def participation_agreements(product: Product, today: date) -> bool:
    return bool(queries.organisations_taking_part(product, today, phase="agreement", at_most=1))


def register() -> None:
    """Let the products ask the participations."""
    checks.register("two_organisations", two_organisations)
    checks.register("participation_agreements", participation_agreements)
