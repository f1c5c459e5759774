"""Translated names for the fee settings' fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

RULE_LABELS = {
    "flat": _l("Flat amount"),
    "indexed": _l("Flat amount regulated by an index"),
    "per_resident": _l("Per resident, by population bracket"),
    "per_tier": _l("Amount per size tier"),
}
KIND_RULE_LABELS = {
    "general": _l("Same as the general rule"),
    "flat": _l("Flat amount"),
    "exempt": _l("Exempt"),
}
PART_YEAR_LABELS = {
    "none": _l("Always the whole year"),
    "half_year_after_1_july": _l("Half a year when joining after 1 July"),
    "started_months": _l("Started months: the month of joining counts"),
    "whole_months": _l("Whole months in force: from the first full month after joining"),
    "days": _l("Days"),
}
PRICING_LABELS = {
    "tier_table": _l("Amount per size tier"),
    "budget_split": _l("Split of the year's budget"),
}
SPLIT_LABELS = {
    "equal": _l("Equally"),
    "population": _l("By population"),
    "tier_weights": _l("By tier weights"),
    "equal_part_and_population": _l("A percentage equally, the rest by population"),
}
PURPOSE_LABELS = {
    "coordination": _l("Coordination"),
    "development": _l("Development"),
    "operations": _l("Operations"),
    "other": pgettext_l("budget purpose", "Other"),
}
BUDGET_STATUS_LABELS = {
    "draft": pgettext_l("budget", "Draft"),
    "approved": pgettext_l("budget", "Approved"),
    "frozen": pgettext_l("budget", "Frozen"),
}
COMPONENT_LABELS = {
    "membership": _l("Membership fee"),
    "product_share": _l("Share of the budget"),
    "product_tariff": _l("Tariff"),
    "commitment": _l("Pledge"),
    "entry_fee": _l("Entry fee"),
}
