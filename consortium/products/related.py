"""What a product's page and its publiccode.yml show from the domains above the products.

The participations, the suppliers and the groups register here at start-up how to find a
product's current participations, supplier agreements and groups, so that the products show
them without importing those domains. A list nobody registered is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from consortium.products.models import Product

Finder = Callable[[Product, date], list[Any]]

PARTICIPATIONS = "participations"
SUPPLIER_AGREEMENTS = "supplier_agreements"
GROUPS = "groups"

_FINDERS: dict[str, Finder] = {}


def register(kind: str, finder: Finder) -> None:
    """Let a domain above the products answer one kind of related record."""
    _FINDERS[kind] = finder


def find(kind: str, product: Product, today: date) -> list[Any]:
    """The product's related records of a kind on a day, as the registered domain finds them."""
    finder = _FINDERS.get(kind)
    return [] if finder is None else finder(product, today)
