"""Changing the fee settings: schedules, tariffs, budgets and the budgets' lifecycle.

Every function flushes and leaves the commit to the request (or the command). A budget's state
changes lock its row (consortium/once.py) so that an approval and a tariff change never cross.
"""

from __future__ import annotations

from decimal import Decimal

from consortium.db import utcnow
from consortium.extensions import db
from consortium.fees import specs
from consortium.fees.computation import live_shares
from consortium.fees.explanations import explanation_to_json
from consortium.fees.models import (
    BudgetShare,
    MembershipFeeSchedule,
    ProductBudget,
    ProductTariff,
)
from consortium.fees.queries import budget_for, schedule_for, tariff_for, tariffs_for
from consortium.fees.specs import regulate, regulated_rule
from consortium.once import lock, unique
from consortium.products.models import Product


class TariffError(ValueError):
    """A change the fee settings refuse; ``code`` names the reason for the view to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def save_schedule(year: int, **fields) -> MembershipFeeSchedule:
    """Create or change the membership fee schedule of a year (fields as the model's columns)."""
    specs.membership_rule(fields.get("rule"))  # a stored rule is always one the engine can use
    for spec in (fields.get("by_kind") or {}).values():
        specs.membership_rule(spec)
    schedule = schedule_for(year)
    if schedule is None:
        schedule = MembershipFeeSchedule(year=year, by_kind={}, note="")
        db.session.add(schedule)
    for key, value in fields.items():
        setattr(schedule, key, value)
    db.session.flush()
    return schedule


def copy_schedule(
    schedule: MembershipFeeSchedule,
    new_index: Decimal,
    *,
    old_index: Decimal | None = None,
    copy_tariffs: bool = True,
    regulate_tariffs: bool = False,
) -> MembershipFeeSchedule:
    """Next year's schedule from this one, regulated by new_index / this year's index.

    The general rule and the flat rules by kind are regulated (see regulated_rule); product
    tariffs of the year are copied too when asked, their tier-table amounts regulated when
    regulate_tariffs. Budget splits are copied as they are (the budget is decided each year).
    """
    old_index = old_index if old_index is not None else schedule.index_value
    if old_index is None or old_index <= 0:
        raise TariffError("no_index")
    if new_index <= 0:
        raise TariffError("no_index")
    year = schedule.year + 1
    if schedule_for(year) is not None:
        raise TariffError("year_exists")
    new = save_schedule(
        year,
        rule=regulated_rule(schedule.rule, old_index, new_index),
        minimum=schedule.minimum,
        maximum=schedule.maximum,
        by_kind={
            kind: regulated_rule(spec, old_index, new_index)
            for kind, spec in (schedule.by_kind or {}).items()
        },
        part_year_method=schedule.part_year_method,
        part_year_refunds=schedule.part_year_refunds,
        population_offset=schedule.population_offset,
        index_value=new_index,
        note="",
    )
    if copy_tariffs:
        for tariff in tariffs_for(schedule.year):
            if tariff_for(tariff.product_id, year) is not None:
                continue
            next_budget = budget_for(tariff.product_id, year)
            if next_budget is not None and next_budget.status != "draft":
                continue
            pricing = dict(tariff.pricing)
            if regulate_tariffs and pricing.get("type") == "tier_table":
                pricing["amounts"] = {
                    tier: str(regulate(value, old_index, new_index))
                    for tier, value in pricing.get("amounts", {}).items()
                }
            save_tariff(
                tariff.product,
                year,
                pricing=pricing,
                part_year_method=tariff.part_year_method,
                part_year_refunds=tariff.part_year_refunds,
                first_year=tariff.first_year,
                entry_fee=tariff.entry_fee,
            )
    return new


def save_tariff(product: Product, year: int, **fields) -> ProductTariff:
    """Create or change a product's tariff for a year (fields as the model's columns).

    Refused while the year's budget is approved or frozen: its recorded shares (and a frozen
    year's invoices) were computed with the tariff as it is.
    """
    budget = budget_for(product.id, year)
    if budget is not None:
        # Approving the budget waits for this change, or this change for the approval.
        lock(budget)
        if budget.status != "draft":
            raise TariffError("tariff_locked")
    tariff = tariff_for(product.id, year)
    with unique(TariffError("saved_meanwhile")):
        if tariff is None:
            tariff = ProductTariff(product=product, year=year)
            db.session.add(tariff)
        for key, value in fields.items():
            setattr(tariff, key, value)
    return tariff


def save_budget(product: Product, year: int, lines: list[dict]) -> ProductBudget:
    """Create or change a draft budget; the amount is the sum of its lines.

    An approved or frozen budget is refused (set an approved one back to draft first).
    """
    budget = budget_for(product.id, year)
    if budget is None:
        budget = ProductBudget(product=product, year=year, status="draft")
        with unique(TariffError("saved_meanwhile")):
            db.session.add(budget)
    elif lock(budget).status != "draft":
        raise TariffError("budget_not_draft")
    budget.lines = [
        {
            "purpose": line["purpose"],
            "amount": str(amount(line["amount"])),
            "note": line.get("note", "") or "",
        }
        for line in lines
    ]
    budget.amount = sum((amount(line["amount"]) for line in lines), Decimal("0.00"))
    db.session.flush()
    return budget


def record_shares(budget: ProductBudget) -> list[BudgetShare]:
    """Record every participant's share as the engine computes it now (replacing any before)."""
    shares = live_shares(budget)
    for share in list(budget.shares):
        budget.shares.remove(share)
    db.session.flush()
    # The budget's row lock keeps a second recording out; the constraint is the last word.
    with unique(TariffError("budget_transition")):
        for organisation_id, charge in sorted(shares.items()):
            budget.shares.append(
                BudgetShare(
                    organisation_id=organisation_id,
                    amount=charge.amount,
                    explanation=explanation_to_json(charge.explanation),
                )
            )
    return list(budget.shares)


def approve_budget(budget: ProductBudget, user_id: int | None) -> ProductBudget:
    """draft → approved, recording every participant's share when the tariff splits the budget.

    The year needs its tariff first; while the budget is approved the tariff is locked, so a
    split's recorded shares always add up to the budget and a tier table stays as approved.
    """
    lock(budget)
    if budget.status != "draft":
        raise TariffError(
            "already_approved" if budget.status == "approved" else "budget_transition"
        )
    tariff = tariff_for(budget.product_id, budget.year)
    if tariff is None:
        raise TariffError("no_tariff")
    if (tariff.pricing or {}).get("type") == "budget_split":
        record_shares(budget)
    budget.status = "approved"
    budget.approved_at = utcnow()
    budget.approved_by_user_id = user_id
    db.session.flush()
    return budget


def budget_to_draft(budget: ProductBudget) -> ProductBudget:
    """approved → draft (a frozen budget stays frozen); the recorded shares are dropped."""
    lock(budget)
    if budget.status != "approved":
        raise TariffError("already_draft" if budget.status == "draft" else "budget_transition")
    for share in list(budget.shares):
        budget.shares.remove(share)
    budget.status = "draft"
    budget.approved_at = None
    budget.approved_by_user_id = None
    db.session.flush()
    return budget


def freeze_budget(budget: ProductBudget) -> ProductBudget:
    """approved → frozen: the year is invoiced, its shares never change again."""
    lock(budget)
    if budget.status != "approved":
        raise TariffError("already_frozen" if budget.status == "frozen" else "budget_transition")
    budget.status = "frozen"
    budget.frozen_at = utcnow()
    db.session.flush()
    return budget


def confirm_shares(budget: ProductBudget) -> list[BudgetShare]:
    """Record an approved budget's shares again after a late joiner; a frozen one is refused."""
    lock(budget)
    if budget.status != "approved":
        raise TariffError("budget_frozen")
    return record_shares(budget)


def amount(value: Decimal | str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
