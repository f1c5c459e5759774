"""Translated names for the register's fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

KIND_LABELS = {
    "municipality": _l("Municipality"),
    "region": _l("Region"),
    "state_agency": _l("State agency"),
    "other": _l("Other public body"),
}
TIER_LABELS = {
    "small": pgettext_l("size tier", "Small"),
    "medium": pgettext_l("size tier", "Medium"),
    "large": pgettext_l("size tier", "Large"),
    "very_large": pgettext_l("size tier", "Very large"),
}
STATUS_LABELS = {
    "applied": _l("Applied"),
    "active": pgettext_l("membership", "Active member"),
    "resigned": _l("Resigned"),
    "lapsed": _l("Lapsed"),
}
ROLE_LABELS = {
    "primary": _l("Primary contact"),
    "finance": _l("Finance"),
    "technical": _l("Technical"),
    "other": pgettext_l("contact role", "Other"),
}
