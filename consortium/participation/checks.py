"""The maturity requirements the participations answer, registered with the products at start-up."""

from __future__ import annotations

from datetime import date

from consortium.participation import queries
from consortium.products import checks
from consortium.products.models import Product


def two_organisations(product: Product, today: date) -> bool:
    organisations = {p.organisation_id for p in queries.current_participations(product, on=today)}
    return len(organisations) >= 2


def participation_agreements(product: Product, today: date) -> bool:
    return any(p.phase == "agreement" for p in queries.current_participations(product, on=today))


def register() -> None:
    """Let the products ask the participations."""
    checks.register("two_organisations", two_organisations)
    checks.register("participation_agreements", participation_agreements)
