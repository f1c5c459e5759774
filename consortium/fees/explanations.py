"""The engine's explanations in the reader's language, and as JSON for the recorded shares.

The engine (consortium/fees/engine/explain.py) keeps its message templates as English constants;
MESSAGES below repeats each in an _l() call so the extractor puts them in the catalogues, with
msgids equal to the engine's templates (tests/fees/test_explain.py keeps them equal).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

from consortium import i18n
from consortium.fees import engine
from consortium.fees.engine import (
    COMMITMENT_PLEDGE,
    ENTRY_FEE,
    MEMBERSHIP,
    Charge,
    Explanation,
)
from consortium.members.labels import KIND_LABELS, TIER_LABELS

MESSAGES = {
    engine.MSG_LINE: _l("%(reasons)s: %(amount)s"),
    engine.MSG_FLAT: _l("flat fee of %(rate)s a year"),
    engine.MSG_INDEXED_FLAT: _l("%(base)s regulated by the index %(new_index)s / %(old_index)s"),
    engine.MSG_PER_RESIDENT: _l(
        "%(population)s residents on 1 January %(year)s at %(rate)s per resident"
    ),
    engine.MSG_PER_RESIDENT_MARGINAL: _l(
        "%(population)s residents on 1 January %(year)s at the rates of their brackets (%(bands)s)"
    ),
    engine.MSG_MARGINAL_BAND: _l("%(residents)s at %(rate)s"),
    engine.MSG_PER_TIER: _l("%(rate)s a year for tier %(tier)s"),
    engine.MSG_EXEMPT: _l("exempt as %(kind)s"),
    engine.MSG_KIND_RULE: _l("rule for %(kind)s"),
    engine.MSG_TIER_TABLE: _l("tariff of %(rate)s a year for tier %(tier)s"),
    engine.MSG_SPLIT_EQUAL: _l("equal share of the budget of %(budget)s"),
    engine.MSG_SPLIT_POPULATION: _l(
        "share of the budget of %(budget)s by population (%(population)s residents on 1 January %(year)s)"
    ),
    engine.MSG_SPLIT_TIER_WEIGHTS: _l(
        "share of the budget of %(budget)s by tier weight (tier %(tier)s, weight %(tier_weight)s)"
    ),
    engine.MSG_SPLIT_EQUAL_PART_AND_POPULATION: _l(
        "share of the budget of %(budget)s, %(percentage)s %% equally and the rest by population (%(population)s residents on 1 January %(year)s)"
    ),
    engine.MSG_COMMITMENT: _l("pledged %(rate)s a year"),
    engine.MSG_ENTRY_FEE: _l("entry fee for joining in %(year)s"),
    engine.MSG_TIER_BY_HAND: _l("tier %(tier)s set by hand"),
    engine.MSG_TIER_FROM_POPULATION: _l(
        "tier %(tier)s from %(population)s residents on 1 January %(year)s"
    ),
    engine.MSG_PART_YEAR: _l("%(fraction)s of the year"),
    engine.MSG_CAP_MIN: _l("raised to the minimum of %(limit)s"),
    engine.MSG_CAP_MAX: _l("lowered to the maximum of %(limit)s"),
    engine.MSG_ROUNDING: _l("rounding adjustment of %(adjustment)s"),
}

MEMBERSHIP_LABEL = pgettext_l("fee component", "Membership fee")


def translate_message(message: str) -> str:
    """gettext for an engine template: the catalogue's text, or the English one."""
    lazy = MESSAGES.get(message)
    return str(lazy) if lazy is not None else _(message)


def code_label(code: str) -> str:
    """A tier or organisation kind in words; an unknown code as it is."""
    label = TIER_LABELS.get(code) or KIND_LABELS.get(code)
    return str(label) if label is not None else code


def money_text(amount: Decimal, currency: str) -> str:
    """An amount with its currency, in the reader's locale."""
    return i18n.money(amount, currency)


def number_text(value: int | Decimal) -> str:
    """A number in the reader's locale."""
    return format_decimal(value)


def describe_charge(charge: Charge, language: str | None = None) -> str:
    """One line saying why the charge is what it is, in the reader's (or the given) language."""
    if language:
        with force_locale(language):
            return describe_charge(charge)
    return engine.describe(
        charge,
        translate=translate_message,
        format_amount=money_text,
        format_number=number_text,
        label=code_label,
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


# -- explanations as JSON (as recorded with a budget's shares) ---------------------------------

_DECIMAL_FIELDS = ("rate",)


def _plain(value):
    if isinstance(value, Decimal | Fraction):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def explanation_to_json(explanation: Explanation) -> dict:
    """The engine's explanation as plain JSON: Decimals and Fractions as strings."""
    return {key: _plain(value) for key, value in explanation._asdict().items()}


def _parsed_number(value):
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def explanation_from_json(data: dict) -> Explanation:
    """An Explanation from explanation_to_json()'s output (unknown keys are ignored)."""
    values = {key: data[key] for key in Explanation._fields if key in data}
    for key in _DECIMAL_FIELDS:
        if values.get(key) is not None:
            values[key] = Decimal(values[key])
    values["details"] = tuple(
        (item[0], _parsed_number(item[1])) if isinstance(item, list) and len(item) == 2 else item
        for item in values.get("details") or ()
    )
    values.setdefault("rule", "")
    return Explanation(**values)
