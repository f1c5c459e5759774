"""The fee settings as the audit trail shows them: rules, tariffs, budget lines and
explanations in words, in the reader's language, rather than as stored JSON."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from consortium.audit.labels import decimal_text, labelled, register_value_formatter
from consortium.fees import engine
from consortium.fees.engine import PRODUCT_SHARE, Charge
from consortium.fees.explanations import (
    code_label,
    explanation_from_json,
    money_text,
    number_text,
    translate_message,
)
from consortium.fees.labels import (
    BUDGET_STATUS_LABELS,
    KIND_RULE_LABELS,
    PART_YEAR_LABELS,
    PRICING_LABELS,
    PURPOSE_LABELS,
    RULE_LABELS,
    SPLIT_LABELS,
)
from consortium.members.labels import KIND_LABELS, TIER_LABELS


def _amount(value) -> str:
    return decimal_text(value)


def _tier(code: str) -> str:
    return str(TIER_LABELS.get(code, code))


def _tier_amounts(amounts: dict) -> str:
    return ", ".join(f"{_tier(tier)} {_amount(value)}" for tier, value in amounts.items())


def rule_text(spec: dict) -> str:
    """A membership fee rule, e.g. "Flat amount: 25,000.00"."""
    kind = spec.get("type")
    name = str(RULE_LABELS.get(kind) or KIND_RULE_LABELS.get(kind) or kind)
    if kind == "flat":
        return f"{name}: {_amount(spec['amount'])}"
    if kind == "indexed":
        return _(
            "%(rule)s: %(base)s × index %(index)s / %(base_index)s",
            rule=name,
            base=_amount(spec["base_amount"]),
            index=_amount(spec["index"]),
            base_index=_amount(spec["base_index"]),
        )
    if kind == "per_resident":
        brackets = ", ".join(
            _(
                "from %(residents)s residents %(rate)s",
                residents=format_decimal(int(bound)),
                rate=_amount(rate),
            )
            for bound, rate in spec["brackets"]
        )
        how = _("marginal brackets") if spec.get("marginal") else _("whole population")
        return f"{name} ({how}): {brackets}"
    if kind == "per_tier":
        return f"{name}: {_tier_amounts(spec['amounts'])}"
    return name


def by_kind_text(rules: dict) -> str:
    """Rules by kind of organisation, e.g. "Region: Flat amount: 49,000.00; State agency: Exempt"."""
    if not rules:
        return "–"
    return "; ".join(
        f"{KIND_LABELS.get(kind, kind)}: {rule_text(spec)}" for kind, spec in rules.items()
    )


def pricing_text(spec: dict) -> str:
    """A product tariff's pricing: amounts per tier, or how the budget is split."""
    kind = spec.get("type")
    name = str(PRICING_LABELS.get(kind, kind))
    if kind == "tier_table":
        return f"{name}: {_tier_amounts(spec.get('amounts') or {})}"
    if kind != "budget_split":
        return name
    method = spec.get("method", "equal")
    parts = [str(SPLIT_LABELS.get(method, method))]
    if spec.get("equal_percentage") not in (None, ""):
        parts.append(_("%(percentage)s %% equally", percentage=_amount(spec["equal_percentage"])))
    if spec.get("tier_weights"):
        parts.append(
            _(
                "tier weights %(weights)s",
                weights=", ".join(
                    f"{_tier(tier)} {_amount(weight)}"
                    for tier, weight in spec["tier_weights"].items()
                ),
            )
        )
    if spec.get("minimum") not in (None, ""):
        parts.append(_("minimum %(amount)s", amount=_amount(spec["minimum"])))
    if spec.get("maximum") not in (None, ""):
        parts.append(_("maximum %(amount)s", amount=_amount(spec["maximum"])))
    return f"{name}: " + ", ".join(parts)


def budget_lines_text(lines: list) -> str:
    """A budget's lines, e.g. "Coordination 60,000.00 (meetings); Development 150,000.00"."""
    texts = []
    for line in lines:
        purpose = str(PURPOSE_LABELS.get(line.get("purpose"), line.get("purpose") or ""))
        text = f"{purpose} {_amount(line['amount'])}"
        if line.get("note"):
            text += f" ({line['note']})"
        texts.append(text)
    return "; ".join(texts) or "–"


def _reasons(message: str) -> str:
    # The engine ends its line with the amount, which the share's own field already shows.
    return "%(reasons)s" if message == engine.MSG_LINE else translate_message(message)


def explanation_text(data: dict) -> str:
    """A recorded share's explanation in words, as the fee pages word it."""
    from consortium.settings.services import get_settings

    charge = Charge(
        organisation_key="",
        kind=PRODUCT_SHARE,
        amount_minor=0,
        currency=get_settings().currency,
        explanation=explanation_from_json(data),
    )
    return engine.describe(
        charge,
        translate=_reasons,
        format_amount=money_text,
        format_number=number_text,
        label=code_label,
    )


def register_formatters() -> None:
    """Tell the audit trail how the fees' structured fields read."""
    register_value_formatter("membership_fee_schedule", "rule", rule_text)
    register_value_formatter("membership_fee_schedule", "by_kind", by_kind_text)
    register_value_formatter("product_tariff", "pricing", pricing_text)
    register_value_formatter("product_budget", "lines", budget_lines_text)
    register_value_formatter("budget_share", "explanation", explanation_text)
    register_value_formatter(
        "membership_fee_schedule", "part_year_method", labelled(PART_YEAR_LABELS)
    )
    register_value_formatter("product_tariff", "part_year_method", labelled(PART_YEAR_LABELS))
    register_value_formatter("product_budget", "status", labelled(BUDGET_STATUS_LABELS))
