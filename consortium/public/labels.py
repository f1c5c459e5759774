"""Names the public pages show: the domains' own translated labels, in one place for the views."""

from __future__ import annotations

from consortium.groups.labels import KIND_LABELS as GROUP_KIND_LABELS
from consortium.products.labels import LEVEL_LABELS
from consortium.products.labels import STATUS_LABELS as PRODUCT_STATUS_LABELS
from consortium.suppliers.labels import SERVICE_TYPE_LABELS

__all__ = ["GROUP_KIND_LABELS", "LEVEL_LABELS", "PRODUCT_STATUS_LABELS", "SERVICE_TYPE_LABELS"]
