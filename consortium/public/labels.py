"""Translated names for what the public pages show: statuses, levels, group kinds, services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

PRODUCT_STATUS_LABELS = {
    "idea": pgettext_l("product status", "Idea"),
    "project": pgettext_l("product status", "Project"),
    "product": pgettext_l("product status", "Product"),
    "retired": pgettext_l("product status", "Retired"),
}
LEVEL_LABELS = {
    "sandbox": pgettext_l("product level", "Sandbox"),
    "N1": pgettext_l("product level", "N1"),
    "N2": pgettext_l("product level", "N2"),
    "N3": pgettext_l("product level", "N3"),
}
GROUP_KIND_LABELS = {
    "board": _l("Board"),
    "general_assembly": _l("General assembly"),
    "steering_committee": _l("Steering committee"),
    "coordination_group": _l("Coordination group"),
    "topic_group": _l("Topic group"),
}
SERVICE_TYPE_LABELS = {
    "development": pgettext_l("supplier service", "Development"),
    "hosting": pgettext_l("supplier service", "Hosting"),
    "support": pgettext_l("supplier service", "Support"),
    "consultancy": pgettext_l("supplier service", "Consultancy"),
}
