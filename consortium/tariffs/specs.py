"""JSON specs of fee rules (as kept in the database) to and from the engine's rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from consortium.fees import rules
from consortium.fees.partyear import PartYearRule


class SpecError(ValueError):
    """A stored or typed rule the engine cannot use; the message names what is wrong."""


def _decimal(value, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise SpecError(f"{what}: {value!r} is not an amount") from exc
    if not number.is_finite():
        raise SpecError(f"{what}: {value!r} is not an amount")
    return number


def _optional(value, what: str) -> Decimal | None:
    return None if value in (None, "") else _decimal(value, what)


def membership_rule(spec: dict):
    """A membership rule from its spec ({"type": "flat", "amount": "25000.00"} and so on)."""
    kind = (spec or {}).get("type")
    try:
        if kind == "flat":
            return rules.Flat(_decimal(spec["amount"], "amount"))
        if kind == "indexed":
            return rules.IndexedFlat(
                _decimal(spec["base_amount"], "base_amount"),
                _decimal(spec["base_index"], "base_index"),
                _decimal(spec["index"], "index"),
            )
        if kind == "per_resident":
            brackets = tuple(
                (int(bound), _decimal(rate, "rate")) for bound, rate in spec["brackets"]
            )
            return rules.PerResident(brackets, marginal=bool(spec.get("marginal")))
        if kind == "per_tier":
            return rules.PerTier(
                {tier: _decimal(amount, tier) for tier, amount in spec["amounts"].items()}
            )
        if kind == "exempt":
            return rules.Exempt()
    except (KeyError, TypeError) as exc:
        raise SpecError(f"the {kind} rule lacks {exc}") from exc
    except ValueError as exc:
        raise SpecError(str(exc)) from exc
    raise SpecError(f"unknown rule type {kind!r}")


def membership_model(schedule) -> rules.MembershipModel:
    """The engine's membership model for a MembershipFeeSchedule row."""
    return rules.MembershipModel(
        rule=membership_rule(schedule.rule),
        minimum=_optional(schedule.minimum, "minimum"),
        maximum=_optional(schedule.maximum, "maximum"),
        by_kind={kind: membership_rule(spec) for kind, spec in (schedule.by_kind or {}).items()},
        part_year=PartYearRule(schedule.part_year_method, schedule.part_year_refunds),
    )


def product_tariff(tariff, budget_amount: Decimal | None) -> rules.ProductTariff:
    """The engine's tariff for a ProductTariff row; a budget split needs the year's budget."""
    spec = tariff.pricing or {}
    kind = spec.get("type")
    if kind == "tier_table":
        pricing = rules.TierTable(
            {tier: _decimal(amount, tier) for tier, amount in spec.get("amounts", {}).items()}
        )
    elif kind == "budget_split":
        if budget_amount is None:
            raise SpecError(f"{tariff.product.slug} {tariff.year}: no budget to split")
        pricing = rules.BudgetSplit(
            budget=Decimal(budget_amount),
            method=spec.get("method", rules.EQUAL),
            tier_weights={
                tier: _decimal(weight, tier)
                for tier, weight in (spec.get("tier_weights") or {}).items()
            },
            equal_percentage=_optional(spec.get("equal_percentage"), "equal_percentage"),
            minimum=_optional(spec.get("minimum"), "minimum"),
            maximum=_optional(spec.get("maximum"), "maximum"),
        )
    else:
        raise SpecError(f"unknown pricing type {kind!r}")
    return rules.ProductTariff(
        product_key=tariff.product.slug,
        pricing=pricing,
        part_year=PartYearRule(tariff.part_year_method, tariff.part_year_refunds),
        first_year=tariff.first_year,
        entry_fee=_optional(tariff.entry_fee, "entry_fee"),
    )
