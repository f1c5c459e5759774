"""Translated names of a product's statuses, levels, themes, ratings and deciding bodies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

STATUS_LABELS = {
    "idea": pgettext_l("product status", "Idea"),
    "project": pgettext_l("product status", "Project"),
    "product": pgettext_l("product status", "Product"),
    "retired": pgettext_l("product status", "Retired"),
}
LEVEL_LABELS = {
    "sandbox": pgettext_l("maturity level", "Sandbox"),
    "N1": pgettext_l("maturity level", "N1"),
    "N2": pgettext_l("maturity level", "N2"),
    "N3": pgettext_l("maturity level", "N3"),
}
THEME_LABELS = {
    "relevance": _l("Relevance"),
    "formal": _l("Formal requirements"),
    "strategic": _l("Strategic context"),
    "governance": _l("Governance"),
}
RATING_LABELS = {
    "green": pgettext_l("rating", "Green"),
    "yellow": pgettext_l("rating", "Yellow"),
    "red": pgettext_l("rating", "Red"),
}
BODY_LABELS = {
    "secretariat": _l("The secretariat"),
    "board": _l("The board"),
}
SOFTWARE_TYPE_LABELS = {
    "standalone/web": _l("Web application"),
    "standalone/backend": _l("Backend service"),
    "standalone/desktop": _l("Desktop application"),
    "standalone/mobile": _l("Mobile app"),
    "standalone/iot": _l("Internet of things"),
    "standalone/other": _l("Other standalone software"),
    "addon": _l("Add-on"),
    "library": _l("Library"),
    "configurationFiles": _l("Configuration files"),
}
GROUP_KIND_LABELS = {
    "steering_committee": _l("Steering committee"),
    "coordination_group": _l("Coordination group"),
    "topic_group": _l("Topic group"),
}
PHASE_LABELS = {
    "commitment": _l("Commitment"),
    "agreement": _l("Participation agreement"),
}


def labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "level_labels": LEVEL_LABELS,
        "theme_labels": THEME_LABELS,
        "rating_labels": RATING_LABELS,
        "body_labels": BODY_LABELS,
        "software_type_labels": SOFTWARE_TYPE_LABELS,
        "group_kind_labels": GROUP_KIND_LABELS,
        "phase_labels": PHASE_LABELS,
    }
