"""Translated names for the register's fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {
    "municipality": _l("Municipality"),
    "region": _l("Region"),
    "state_agency": _l("State agency"),
    "other": _l("Other public body"),
}
TIER_LABELS = {
    "small": lazy_pgettext("size tier", "Small"),
    "medium": lazy_pgettext("size tier", "Medium"),
    "large": lazy_pgettext("size tier", "Large"),
    "very_large": lazy_pgettext("size tier", "Very large"),
}
STATUS_LABELS = {
    "applied": _l("Applied"),
    "active": lazy_pgettext("membership", "Active member"),
    "resigned": _l("Resigned"),
    "lapsed": _l("Lapsed"),
}
ROLE_LABELS = {
    "primary": _l("Primary contact"),
    "finance": _l("Finance"),
    "technical": _l("Technical"),
    "other": lazy_pgettext("contact role", "Other"),
}
