"""JSON specs of fee rules (as kept in the database) to and from the engine's rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from consortium.fees import engine
from consortium.fees.engine import PartYearRule


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
            return engine.Flat(_decimal(spec["amount"], "amount"))
        if kind == "indexed":
            return engine.IndexedFlat(
                _decimal(spec["base_amount"], "base_amount"),
                _decimal(spec["base_index"], "base_index"),
                _decimal(spec["index"], "index"),
            )
        if kind == "per_resident":
            brackets = tuple(
                (int(bound), _decimal(rate, "rate")) for bound, rate in spec["brackets"]
            )
            return engine.PerResident(brackets, marginal=bool(spec.get("marginal")))
        if kind == "per_tier":
            return engine.PerTier(
                {tier: _decimal(amount, tier) for tier, amount in spec["amounts"].items()}
            )
        if kind == "exempt":
            return engine.Exempt()
    except (KeyError, TypeError) as exc:
        raise SpecError(f"the {kind} rule lacks {exc}") from exc
    except ValueError as exc:
        raise SpecError(str(exc)) from exc
    raise SpecError(f"unknown rule type {kind!r}")


def membership_model(schedule) -> engine.MembershipModel:
    """The engine's membership model for a MembershipFeeSchedule row."""
    return engine.MembershipModel(
        rule=membership_rule(schedule.rule),
        minimum=_optional(schedule.minimum, "minimum"),
        maximum=_optional(schedule.maximum, "maximum"),
        by_kind={kind: membership_rule(spec) for kind, spec in (schedule.by_kind or {}).items()},
        part_year=PartYearRule(schedule.part_year_method, schedule.part_year_refunds),
    )


def product_tariff(tariff, budget_amount: Decimal | None) -> engine.TariffRule:
    """The engine's tariff for a ProductTariff row; a budget split needs the year's budget."""
    spec = tariff.pricing or {}
    kind = spec.get("type")
    if kind == "tier_table":
        pricing = engine.TierTable(
            {tier: _decimal(amount, tier) for tier, amount in spec.get("amounts", {}).items()}
        )
    elif kind == "budget_split":
        if budget_amount is None:
            raise SpecError(f"{tariff.product.slug} {tariff.year}: no budget to split")
        pricing = engine.BudgetSplit(
            budget=Decimal(budget_amount),
            method=spec.get("method", engine.EQUAL),
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
    return engine.TariffRule(
        product_key=tariff.product.slug,
        pricing=pricing,
        part_year=PartYearRule(tariff.part_year_method, tariff.part_year_refunds),
        first_year=tariff.first_year,
        entry_fee=_optional(tariff.entry_fee, "entry_fee"),
    )


def regulate(value: Decimal | str, old_index: Decimal, new_index: Decimal) -> Decimal:
    """An amount regulated by an index: value × new / old, rounded half up to the cent."""
    return (Decimal(value) * new_index / old_index).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def full_year_amount(spec: dict) -> Decimal | None:
    """The full-year amount of a flat or indexed rule."""
    if spec.get("type") == "flat":
        return Decimal(spec["amount"])
    if spec.get("type") == "indexed":
        return regulate(spec["base_amount"], Decimal(spec["base_index"]), Decimal(spec["index"]))
    return None


def regulated_rule(spec: dict, old_index: Decimal, new_index: Decimal) -> dict:
    """Next year's rule: a flat (or indexed) amount becomes an indexed rule whose base is this
    year's amount; amounts per tier are regulated and rounded to the cent; rates per resident
    and exemptions are copied as they are."""
    amount = full_year_amount(spec)
    if amount is not None:
        return {
            "type": "indexed",
            "base_amount": str(amount),
            "base_index": str(old_index),
            "index": str(new_index),
        }
    if spec.get("type") == "per_tier":
        return {
            "type": "per_tier",
            "amounts": {
                tier: str(regulate(value, old_index, new_index))
                for tier, value in spec["amounts"].items()
            },
        }
    return dict(spec)
