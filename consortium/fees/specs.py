"""JSON specs of fee rules (as kept in the database) to and from the engine's rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import SimpleNamespace

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
        part_year=PartYearRule(
            method=schedule.part_year_method, refunds=schedule.part_year_refunds
        ),
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
        part_year=PartYearRule(method=tariff.part_year_method, refunds=tariff.part_year_refunds),
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


# -- specs from typed values (the fee forms) and typed values from specs -----------------------


def _text(value: Decimal | str | None) -> str | None:
    return None if value is None else str(value)


def flat_spec(amount: Decimal | str) -> dict:
    """A flat amount a year."""
    return {"type": "flat", "amount": str(amount)}


def indexed_spec(
    base_amount: Decimal | str, base_index: Decimal | str, index: Decimal | str
) -> dict:
    """A flat amount regulated by an index."""
    return {
        "type": "indexed",
        "base_amount": str(base_amount),
        "base_index": str(base_index),
        "index": str(index),
    }


def per_resident_spec(brackets: list[list], marginal: bool) -> dict:
    """A rate per resident by bracket: brackets as [[lower bound, "rate"], ...]."""
    return {"type": "per_resident", "brackets": brackets, "marginal": marginal}


def per_tier_spec(amounts: dict[str, Decimal | str]) -> dict:
    """An amount a year per size tier."""
    return {"type": "per_tier", "amounts": {tier: str(value) for tier, value in amounts.items()}}


def exempt_spec() -> dict:
    """No membership fee (for a kind of organisation)."""
    return {"type": "exempt"}


def tier_table_spec(amounts: dict[str, Decimal | str]) -> dict:
    """A product tariff: an amount a year per size tier."""
    return {"type": "tier_table", "amounts": {tier: str(value) for tier, value in amounts.items()}}


def budget_split_spec(
    method: str,
    *,
    tier_weights: dict[str, Decimal | str],
    equal_percentage: Decimal | str | None,
    minimum: Decimal | str | None,
    maximum: Decimal | str | None,
) -> dict:
    """A product tariff that splits the year's budget among the participants."""
    return {
        "type": "budget_split",
        "method": method,
        "tier_weights": {tier: str(value) for tier, value in tier_weights.items()},
        "equal_percentage": _text(equal_percentage),
        "minimum": _text(minimum),
        "maximum": _text(maximum),
    }


def rule_values(spec: dict | None) -> dict:
    """A membership rule's spec as typed values: type, and amount, base_amount, base_index,
    index (Decimal), brackets ([(bound, "rate")]) and marginal, or amounts per tier (Decimal)."""
    spec = spec or {}
    kind = spec.get("type")
    values: dict = {"type": kind or "flat"}
    if kind == "flat":
        values["amount"] = Decimal(spec["amount"])
    elif kind == "indexed":
        for name in ("base_amount", "base_index", "index"):
            values[name] = Decimal(spec[name])
    elif kind == "per_resident":
        values["brackets"] = list(spec.get("brackets") or ())
        values["marginal"] = bool(spec.get("marginal"))
    elif kind == "per_tier":
        values["amounts"] = {
            tier: Decimal(value) for tier, value in spec.get("amounts", {}).items()
        }
    return values


def pricing_values(spec: dict | None) -> dict:
    """A product tariff's spec as typed values: type, amounts and tier_weights per tier, method,
    and equal_percentage, minimum and maximum (Decimal or None)."""
    spec = spec or {}
    return {
        "type": spec.get("type", "tier_table"),
        "amounts": {tier: Decimal(value) for tier, value in (spec.get("amounts") or {}).items()},
        "method": spec.get("method", engine.EQUAL),
        "tier_weights": {
            tier: Decimal(value) for tier, value in (spec.get("tier_weights") or {}).items()
        },
        **{
            name: None if spec.get(name) in (None, "") else Decimal(spec[name])
            for name in ("equal_percentage", "minimum", "maximum")
        },
    }


def check_tariff(
    pricing: dict,
    *,
    part_year_method: str,
    part_year_refunds: bool,
    first_year: int | None,
    entry_fee: Decimal | None,
) -> engine.TariffRule:
    """The engine's tariff for a pricing spec not yet stored (a budget split over nothing);
    raises SpecError or ValueError when the engine cannot use it."""
    row = SimpleNamespace(
        pricing=pricing,
        product=SimpleNamespace(slug="product"),
        year=0,
        part_year_method=part_year_method,
        part_year_refunds=part_year_refunds,
        first_year=first_year,
        entry_fee=entry_fee,
    )
    return product_tariff(row, Decimal("0"))
