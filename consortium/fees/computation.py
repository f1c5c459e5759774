"""Computing a year's fees from the database.

compute_year() is what every screen and the command line use: it loads the year's schedule,
tariffs and budgets, builds the engine's inputs from the register and returns the charges
(approved and frozen budgets keep the shares recorded when they were approved).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.fees import engine, register_inputs, specs
from consortium.fees.engine import (
    PRODUCT_SHARE,
    CapsCannotMeetBudget,
    Charge,
    FeeError,
    MissingPopulation,
    MissingTier,
    ParticipationTerm,
    to_minor,
)
from consortium.fees.explanations import explanation_from_json
from consortium.fees.models import BudgetShare, ProductBudget, ProductTariff
from consortium.fees.queries import budgets_for, schedule_for, tariff_for, tariffs_for
from consortium.participation.models import Participation
from consortium.products.models import Product


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
        key = register_inputs.organisation_key(organisation_id)
        return [charge for charge in self.charges if charge.organisation_key == key]


def compute_year(
    year: int,
    *,
    product_slug: str | None = None,
    membership: bool = True,
    extra_participations: tuple[ParticipationTerm, ...] = (),
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
    extra_participations: tuple[ParticipationTerm, ...],
    recorded: bool,
) -> YearResult:
    schedule = schedule_for(year)
    offset = schedule.population_offset if schedule else 1
    what_if = {participation.product_key for participation in extra_participations}
    product_ids = None
    if product_slug:
        # One product's charges depend on its participants only: the rest is not loaded.
        product_ids = list(
            db.session.scalars(select(Product.id).where(Product.slug == product_slug))
        )
    try:
        fee_year = register_inputs.fee_year(
            year,
            population_offset=offset,
            extra_participations=extra_participations,
            product_ids=product_ids,
        )
        result = YearResult(year=year, currency=fee_year.currency.code)
        result.non_members = tuple(
            int(key) for key in fee_year.non_members_taking_part(product_slug)
        )
        if membership and schedule is not None and not product_slug:
            result.membership = fee_year.membership_fees(specs.membership_model(schedule))
        tariffs = tariffs_for(year, product_slug)
        budgets = budgets_for(year, [tariff.product_id for tariff in tariffs])
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
            result.products.append(
                ProductResult(product=tariff.product, tariff=tariff, budget=budget, charges=charges)
            )
    except (FeeError, specs.SpecError) as exc:
        raise FeeSetupError(str(exc), _reason(exc)) from exc
    return result


def compute_for_organisation(year: int, organisation_id: int) -> YearResult:
    """One organisation's charges in the year: the same as
    ``compute_year(year).for_organisation(organisation_id)``, computed from what they depend on.

    The membership fee, tier tariffs, pledges and entry fees from the organisation's own
    records; a share of a budget approved or frozen as recorded at its approval; a share of a
    draft budget from the product's participants. Nothing is kept between calls, so a new
    population, participation or approval shows at once. Raises FeeSetupError as
    compute_year() does when what the organisation's charges depend on is incomplete.
    """
    schedule = schedule_for(year)
    offset = schedule.population_offset if schedule else 1
    key = register_inputs.organisation_key(organisation_id)
    try:
        own = register_inputs.fee_year(
            year, population_offset=offset, organisation_id=organisation_id
        )
        result = YearResult(year=year, currency=own.currency.code)
        if schedule is not None:
            result.membership = own.membership_fees(specs.membership_model(schedule))
        taking_part = set(
            db.session.scalars(
                select(Participation.product_id).where(
                    Participation.organisation_id == organisation_id
                )
            )
        )
        tariffs = [tariff for tariff in tariffs_for(year) if tariff.product_id in taking_part]
        budgets = _budgets_without_shares(year, [tariff.product_id for tariff in tariffs])
        slugs = {tariff.product_id: tariff.product.slug for tariff in tariffs}
        recorded = _recorded_shares(organisation_id, budgets.values(), slugs, own.currency.code)
        first_years = _first_years(
            [
                tariff.product_id
                for tariff in tariffs
                if tariff.entry_fee is not None and tariff.first_year is None
            ]
        )
        # A draft budget's split depends on every participant of the product: the products
        # with one are read together, whatever their number.
        drafts = [
            tariff.product_id
            for tariff in tariffs
            if tariff.pricing.get("type") == "budget_split"
            and not _recorded(budgets.get(tariff.product_id))
        ]
        shared = (
            register_inputs.fee_year(year, population_offset=offset, product_ids=drafts)
            if drafts
            else None
        )
        for tariff in tariffs:
            budget = budgets.get(tariff.product_id)
            engine_tariff = specs.product_tariff(tariff, budget.amount if budget else None)
            if engine_tariff.entry_fee is not None and engine_tariff.first_year is None:
                # The product's first year is that of its first participation of anyone's.
                first_year = first_years.get(tariff.product_id)
                engine_tariff = replace(engine_tariff, first_year=first_year)
            split = tariff.pricing.get("type") == "budget_split"
            if split and _recorded(budget):
                charges = _product_charges(
                    own,
                    engine_tariff,
                    recorded.get(budget.id, ()) + own.pledges_and_entry_fees(engine_tariff),
                )
            elif split and shared is not None:
                charges = shared.product_charges(engine_tariff)
            else:
                charges = own.product_charges(engine_tariff)
            charges = replace(charges, charges=charges.for_organisation(key))
            result.products.append(
                ProductResult(product=tariff.product, tariff=tariff, budget=budget, charges=charges)
            )
    except (FeeError, specs.SpecError) as exc:
        raise FeeSetupError(str(exc), _reason(exc)) from exc
    return result


def _recorded(budget: ProductBudget | None) -> bool:
    """Whether the budget's shares are the ones recorded at its approval."""
    return budget is not None and budget.status in ("approved", "frozen")


def _product_charges(
    fee_year: engine.FeeYear, tariff: engine.TariffRule, charges: tuple[Charge, ...]
) -> engine.ProductCharges:
    budget = tariff.pricing.budget if isinstance(tariff.pricing, engine.BudgetSplit) else None
    return engine.ProductCharges(
        product_key=tariff.product_key,
        year=fee_year.year,
        currency=fee_year.currency.code,
        budget_minor=None if budget is None else to_minor(budget, fee_year.currency),
        charges=charges,
    )


def _budgets_without_shares(year: int, product_ids: list[int]) -> dict[int, ProductBudget]:
    """The year's budgets of the products by product id, without loading their shares."""
    if not product_ids:
        return {}
    budgets = db.session.scalars(
        select(ProductBudget).where(
            ProductBudget.year == year, ProductBudget.product_id.in_(product_ids)
        )
    )
    return {budget.product_id: budget for budget in budgets}


def _recorded_shares(
    organisation_id: int,
    budgets: Iterable[ProductBudget],
    product_slugs: dict[int, str],
    currency: str,
) -> dict[int, tuple[Charge, ...]]:
    """The organisation's shares recorded for the budgets, as charges, by budget id."""
    slugs = {budget.id: product_slugs[budget.product_id] for budget in budgets}
    if not slugs:
        return {}
    found: dict[int, list[Charge]] = {}
    rows = db.session.execute(
        select(BudgetShare.budget_id, BudgetShare.amount, BudgetShare.explanation).where(
            BudgetShare.budget_id.in_(list(slugs)), BudgetShare.organisation_id == organisation_id
        )
    )
    for budget_id, amount, explanation in rows:
        found.setdefault(budget_id, []).append(
            Charge(
                organisation_key=register_inputs.organisation_key(organisation_id),
                kind=PRODUCT_SHARE,
                amount_minor=to_minor(amount, currency),
                currency=currency,
                explanation=explanation_from_json(explanation),
                product_key=slugs[budget_id],
            )
        )
    return {budget_id: tuple(charges) for budget_id, charges in found.items()}


def _first_years(product_ids: list[int]) -> dict[int, int]:
    """The year of each product's first participation of anyone's, by product id."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        select(Participation.product_id, func.min(Participation.starts_on))
        .where(Participation.product_id.in_(product_ids))
        .group_by(Participation.product_id)
    )
    return {product_id: first.year for product_id, first in rows}


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


def _with_recorded_shares(
    charges: engine.ProductCharges, budget: ProductBudget
) -> engine.ProductCharges:
    """The live charges with the shares replaced by the ones recorded for the budget."""
    shares = sorted(
        (
            Charge(
                organisation_key=register_inputs.organisation_key(share.organisation_id),
                kind=PRODUCT_SHARE,
                amount_minor=to_minor(share.amount, charges.currency),
                currency=charges.currency,
                explanation=explanation_from_json(share.explanation),
                product_key=charges.product_key,
            )
            for share in budget.shares
        ),
        key=lambda charge: charge.organisation_key,
    )
    others = [charge for charge in charges.charges if charge.kind != PRODUCT_SHARE]
    return engine.ProductCharges(
        product_key=charges.product_key,
        year=charges.year,
        currency=charges.currency,
        budget_minor=charges.budget_minor,
        charges=tuple(shares + others),
    )


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
            changes.append(ShareChange(organisation_id=organisation_id, recorded=old, live=new))
    return changes
