"""Computing a year's fees from the database.

compute_year() is what every screen and the command line use: it loads the year's schedule,
tariffs and budgets, builds the engine's inputs from the register and returns the charges
(approved and frozen budgets keep the shares recorded when they were approved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

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
from consortium.fees.models import ProductBudget, ProductTariff
from consortium.fees.queries import budgets_for, schedule_for, tariff_for, tariffs_for
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
    try:
        fee_year = register_inputs.fee_year(
            year, population_offset=offset, extra_participations=extra_participations
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
