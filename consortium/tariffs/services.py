"""Computing a year's fees from the database, and the settings' lifecycle.

compute_year() is what every screen and the command line use: it loads the year's schedule,
tariffs and budgets, builds the engine's inputs from the register and returns the charges
(approved and frozen budgets keep the shares recorded when they were approved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.db import utcnow
from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.explain import PRODUCT_SHARE, Charge, Explanation
from consortium.fees.inputs import CapsCannotMeetBudget, FeeError, MissingPopulation, MissingTier
from consortium.fees.inputs import Participation as EngineParticipation
from consortium.fees.money import to_minor
from consortium.once import lock, unique
from consortium.products.models import Product
from consortium.tariffs import inputs, specs
from consortium.tariffs.models import (
    BudgetShare,
    MembershipFeeSchedule,
    ProductBudget,
    ProductTariff,
)


class FeeSetupError(ValueError):
    """The year cannot be computed: a missing population, a tariff without budget, caps…

    str() is the engine's English text (for the command line and logs); ``reason`` says it in
    the reader's language where the cause is a known one.
    """

    def __init__(self, text: str, reason=None):
        super().__init__(text)
        self.reason = reason if reason is not None else text


@dataclass
class ProductResult:
    product: Product
    tariff: ProductTariff
    budget: ProductBudget | None
    charges: engine.ProductCharges


@dataclass
class YearResult:
    year: int
    currency: str
    membership: tuple[Charge, ...] = ()
    products: list[ProductResult] = field(default_factory=list)
    # Organisations taking part in products in the year without being members (ids).
    non_members: tuple[int, ...] = ()

    @property
    def charges(self) -> list[Charge]:
        result = list(self.membership)
        for product in self.products:
            result.extend(product.charges.charges)
        return result

    def for_organisation(self, organisation_id: int) -> list[Charge]:
        key = inputs.organisation_key(organisation_id)
        return [charge for charge in self.charges if charge.organisation_key == key]


def schedule_for(year: int) -> MembershipFeeSchedule | None:
    return db.session.scalar(
        select(MembershipFeeSchedule).where(MembershipFeeSchedule.year == year)
    )


def tariffs_for(year: int, product_slug: str | None = None) -> list[ProductTariff]:
    query = (
        select(ProductTariff)
        .join(Product)
        .where(ProductTariff.year == year)
        .options(selectinload(ProductTariff.product))
        .order_by(Product.name)
    )
    if product_slug:
        query = query.where(Product.slug == product_slug)
    return list(db.session.scalars(query))


def budget_for(product_id: int, year: int) -> ProductBudget | None:
    return db.session.scalar(
        select(ProductBudget).where(
            ProductBudget.product_id == product_id, ProductBudget.year == year
        )
    )


def compute_year(
    year: int,
    *,
    product_slug: str | None = None,
    membership: bool = True,
    extra_participations: tuple[EngineParticipation, ...] = (),
) -> YearResult:
    """Every charge of the year as the engine computes it from the register now.

    The shares of an approved or frozen budget are the ones recorded when it was approved (or
    when the secretariat last confirmed a late joiner's effect), not a new computation; pledges
    and entry fees are computed as always. A what-if participation (extra_participations) in a
    product whose budget is approved, not frozen, shows the live split of that product.

    Raises FeeSetupError with a message naming the organisation, product and year when the
    inputs are incomplete (a missing population is never taken as zero).
    """
    return _compute(
        year,
        product_slug=product_slug,
        membership=membership,
        extra_participations=extra_participations,
        recorded=True,
    )


def _compute(
    year: int,
    *,
    product_slug: str | None,
    membership: bool,
    extra_participations: tuple[EngineParticipation, ...],
    recorded: bool,
) -> YearResult:
    schedule = schedule_for(year)
    offset = schedule.population_offset if schedule else 1
    what_if = {participation.product_key for participation in extra_participations}
    try:
        fee_year = inputs.fee_year(
            year, population_offset=offset, extra_participations=extra_participations
        )
        result = YearResult(year, fee_year.currency.code)
        result.non_members = tuple(
            int(key) for key in fee_year.non_members_taking_part(product_slug)
        )
        if membership and schedule is not None and not product_slug:
            result.membership = fee_year.membership_fees(specs.membership_model(schedule))
        tariffs = tariffs_for(year, product_slug)
        budgets = _budgets_for(year, [tariff.product_id for tariff in tariffs])
        for tariff in tariffs:
            budget = budgets.get(tariff.product_id)
            engine_tariff = specs.product_tariff(tariff, budget.amount if budget else None)
            charges = fee_year.product_charges(engine_tariff)
            if (
                recorded
                and budget is not None
                and budget.status in ("approved", "frozen")
                and tariff.pricing.get("type") == "budget_split"
                and (budget.status == "frozen" or tariff.product.slug not in what_if)
            ):
                charges = _with_recorded_shares(charges, budget)
            result.products.append(ProductResult(tariff.product, tariff, budget, charges))
    except (FeeError, specs.SpecError) as exc:
        raise FeeSetupError(str(exc), _reason(exc)) from exc
    return result


def _reason(exc: Exception):
    """Why the engine refused, in the reader's language where the cause is one we know."""
    if isinstance(exc, MissingPopulation):
        return _l(
            "no population on 1 January %(year)s is recorded for %(name)s",
            year=exc.year,
            name=exc.organisation_name,
        )
    if isinstance(exc, MissingTier):
        return _l(
            "%(name)s has no size tier: none set by the secretariat and no tier bands in force in %(year)s",
            name=exc.organisation_name,
            year=exc.year,
        )
    if isinstance(exc, CapsCannotMeetBudget):
        message = (
            _l(
                "the minimum and maximum shares of %(product)s leave %(amount)s of the %(year)s budget unpaid",
                product=exc.product_key,
                amount=format_decimal(exc.gap),
                year=exc.year,
            )
            if exc.gap > 0
            else _l(
                "the minimum shares of %(product)s exceed the %(year)s budget by %(amount)s",
                product=exc.product_key,
                amount=format_decimal(-exc.gap),
                year=exc.year,
            )
        )
        return message
    return str(exc)


def _budgets_for(year: int, product_ids: list[int]) -> dict[int, ProductBudget]:
    if not product_ids:
        return {}
    budgets = db.session.scalars(
        select(ProductBudget)
        .where(ProductBudget.year == year, ProductBudget.product_id.in_(product_ids))
        .options(selectinload(ProductBudget.shares))
    )
    return {budget.product_id: budget for budget in budgets}


def _with_recorded_shares(
    charges: engine.ProductCharges, budget: ProductBudget
) -> engine.ProductCharges:
    """The live charges with the shares replaced by the ones recorded for the budget."""
    shares = sorted(
        (
            Charge(
                inputs.organisation_key(share.organisation_id),
                PRODUCT_SHARE,
                to_minor(share.amount, charges.currency),
                charges.currency,
                explanation_from_json(share.explanation),
                charges.product_key,
            )
            for share in budget.shares
        ),
        key=lambda charge: charge.organisation_key,
    )
    others = [charge for charge in charges.charges if charge.kind != PRODUCT_SHARE]
    return engine.ProductCharges(
        charges.product_key,
        charges.year,
        charges.currency,
        charges.budget_minor,
        tuple(shares + others),
    )


# -- explanations as JSON ---------------------------------------------------------------------

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


def _number(value):
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
        (item[0], _number(item[1])) if isinstance(item, list) and len(item) == 2 else item
        for item in values.get("details") or ()
    )
    values.setdefault("rule", "")
    return Explanation(**values)


# -- writing ----------------------------------------------------------------------------------


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


def tariff_for(product_id: int, year: int) -> ProductTariff | None:
    return db.session.scalar(
        select(ProductTariff).where(
            ProductTariff.product_id == product_id, ProductTariff.year == year
        )
    )


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


def live_shares(budget: ProductBudget) -> dict[int, Charge]:
    """The shares of the budget as the engine computes them from the register now.

    Empty when the product's tariff of the year is not a budget split (nothing to record).
    Raises FeeSetupError when the year cannot be computed.
    """
    tariff = tariff_for(budget.product_id, budget.year)
    if tariff is None or (tariff.pricing or {}).get("type") != "budget_split":
        return {}
    result = _compute(
        budget.year,
        product_slug=budget.product.slug,
        membership=False,
        extra_participations=(),
        recorded=False,
    )
    return {
        int(charge.organisation_key): charge
        for product in result.products
        for charge in product.charges.charges
        if charge.kind == PRODUCT_SHARE
    }


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


@dataclass(frozen=True)
class ShareChange:
    organisation_id: int
    recorded: Decimal | None
    live: Decimal | None


def share_changes(budget: ProductBudget) -> list[ShareChange]:
    """Whose share would change if the shares were recorded again now (a late joiner, a leaver,
    a new population), by organisation id; empty when nothing changes."""
    if budget.status not in ("approved", "frozen"):
        return []
    live = live_shares(budget)
    recorded = {share.organisation_id: share.amount for share in budget.shares}
    changes = []
    for organisation_id in sorted(set(live) | set(recorded)):
        new = live[organisation_id].amount if organisation_id in live else None
        old = recorded.get(organisation_id)
        if new != old:
            changes.append(ShareChange(organisation_id, old, new))
    return changes


def confirm_shares(budget: ProductBudget) -> list[BudgetShare]:
    """Record an approved budget's shares again after a late joiner; a frozen one is refused."""
    lock(budget)
    if budget.status != "approved":
        raise TariffError("budget_frozen")
    return record_shares(budget)


def amount(value: Decimal | str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
