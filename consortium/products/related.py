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

Finder = Callable[[Product, date], Any]

PARTICIPATIONS = "participations"
# The names of the organisations taking part (what publiccode.yml lists), sorted.
PARTICIPANT_NAMES = "participant_names"
# The product page's list of who takes part: a Listing (sorted and paged from the address) and
# its page of participations, so that a product with thousands of participants shows one page.
PARTICIPANT_PAGE = "participant_page"
SUPPLIER_AGREEMENTS = "supplier_agreements"
GROUPS = "groups"

_FINDERS: dict[str, Finder] = {}


def register(kind: str, finder: Finder) -> None:
    """Let a domain above the products answer one kind of related record."""
    _FINDERS[kind] = finder


def answered(kind: str) -> bool:
    """Whether a domain answers the kind."""
    return kind in _FINDERS


def find(kind: str, product: Product, today: date) -> Any:
    """The product's related records of a kind on a day, as the registered domain finds them
    (an empty list when no domain answers the kind)."""
    finder = _FINDERS.get(kind)
    return [] if finder is None else finder(product, today)
