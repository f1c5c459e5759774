"""The maturity requirement the suppliers answer, registered with the products at start-up."""

from __future__ import annotations

from datetime import date

from consortium.products import checks
from consortium.products.models import Product
from consortium.suppliers import queries


def supplier_agreement(product: Product, today: date) -> bool:
    return bool(queries.valid_agreements(product, on=today))


def register() -> None:
    """Let the products ask the suppliers."""
    checks.register("supplier_agreement", supplier_agreement)
