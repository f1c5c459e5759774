"""The engine's explanations in the reader's language.

The engine (consortium/fees/explain.py) keeps its message templates as English constants;
MESSAGES below repeats each in an _l() call so the extractor puts them in the catalogues, with
msgids equal to the engine's templates (tests/tariffs/test_explain.py keeps them equal).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

from consortium import i18n
from consortium.fees import explain as engine_explain
from consortium.fees.explain import (
    COMMITMENT_PLEDGE,
    ENTRY_FEE,
    MEMBERSHIP,
    Charge,
)
from consortium.members.labels import KIND_LABELS, TIER_LABELS

MESSAGES = {
    engine_explain.MSG_LINE: _l("%(reasons)s: %(amount)s"),
    engine_explain.MSG_FLAT: _l("flat fee of %(rate)s a year"),
    engine_explain.MSG_INDEXED_FLAT: _l(
        "%(base)s regulated by the index %(new_index)s / %(old_index)s"
    ),
    engine_explain.MSG_PER_RESIDENT: _l(
        "%(population)s residents on 1 January %(year)s at %(rate)s per resident"
    ),
    engine_explain.MSG_PER_RESIDENT_MARGINAL: _l(
        "%(population)s residents on 1 January %(year)s at the rates of their brackets (%(bands)s)"
    ),
    engine_explain.MSG_MARGINAL_BAND: _l("%(residents)s at %(rate)s"),
    engine_explain.MSG_PER_TIER: _l("%(rate)s a year for tier %(tier)s"),
    engine_explain.MSG_EXEMPT: _l("exempt as %(kind)s"),
    engine_explain.MSG_KIND_RULE: _l("rule for %(kind)s"),
    engine_explain.MSG_TIER_TABLE: _l("tariff of %(rate)s a year for tier %(tier)s"),
    engine_explain.MSG_SPLIT_EQUAL: _l("equal share of the budget of %(budget)s"),
    engine_explain.MSG_SPLIT_POPULATION: _l(
        "share of the budget of %(budget)s by population (%(population)s residents on 1 January %(year)s)"
    ),
    engine_explain.MSG_SPLIT_TIER_WEIGHTS: _l(
        "share of the budget of %(budget)s by tier weight (tier %(tier)s, weight %(tier_weight)s)"
    ),
    engine_explain.MSG_SPLIT_EQUAL_PART_AND_POPULATION: _l(
        "share of the budget of %(budget)s, %(percentage)s %% equally and the rest by population (%(population)s residents on 1 January %(year)s)"
    ),
    engine_explain.MSG_COMMITMENT: _l("pledged %(rate)s a year"),
    engine_explain.MSG_ENTRY_FEE: _l("entry fee for joining in %(year)s"),
    engine_explain.MSG_TIER_BY_HAND: _l("tier %(tier)s set by hand"),
    engine_explain.MSG_TIER_FROM_POPULATION: _l(
        "tier %(tier)s from %(population)s residents on 1 January %(year)s"
    ),
    engine_explain.MSG_PART_YEAR: _l("%(fraction)s of the year"),
    engine_explain.MSG_CAP_MIN: _l("raised to the minimum of %(limit)s"),
    engine_explain.MSG_CAP_MAX: _l("lowered to the maximum of %(limit)s"),
    engine_explain.MSG_ROUNDING: _l("rounding adjustment of %(adjustment)s"),
}

MEMBERSHIP_LABEL = pgettext_l("fee component", "Membership fee")


def _translate(message: str) -> str:
    """gettext for an engine template: the catalogue's text, or the English one."""
    lazy = MESSAGES.get(message)
    return str(lazy) if lazy is not None else _(message)


def _label(code: str) -> str:
    """A tier or organisation kind in words; an unknown code as it is."""
    label = TIER_LABELS.get(code) or KIND_LABELS.get(code)
    return str(label) if label is not None else code


def _money(amount: Decimal, currency: str) -> str:
    return i18n.money(amount, currency)


def _number(value: int | Decimal) -> str:
    return format_decimal(value)


def describe_charge(charge: Charge, language: str | None = None) -> str:
    """One line saying why the charge is what it is, in the reader's (or the given) language."""
    if language:
        with force_locale(language):
            return describe_charge(charge)
    return engine_explain.describe(
        charge, translate=_translate, format_amount=_money, format_number=_number, label=_label
    )


def component_label(charge: Charge, product_names: dict[str, str] | None = None) -> str:
    """What a charge is for: the membership fee, a product (by name), its entry fee or a pledge."""
    if charge.kind == MEMBERSHIP:
        return str(MEMBERSHIP_LABEL)
    name = (product_names or {}).get(charge.product_key or "", charge.product_key or "")
    if charge.kind == ENTRY_FEE:
        return _("Entry fee: %(product)s", product=name)
    if charge.kind == COMMITMENT_PLEDGE:
        return _("Pledge: %(product)s", product=name)
    return name
