"""Computing a year's fees from the database, and the settings' lifecycle.

compute_year() is what every screen and the command line use: it loads the year's schedule,
tariffs and budgets, builds the engine's inputs from the register and returns the charges
(approved and frozen budgets keep the shares recorded when they were approved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.explain import Charge
from consortium.fees.inputs import FeeError
from consortium.fees.inputs import Participation as EngineParticipation
from consortium.products.models import Product
from consortium.tariffs import inputs, specs
from consortium.tariffs.models import MembershipFeeSchedule, ProductBudget, ProductTariff


class FeeSetupError(ValueError):
    """The year cannot be computed: a missing population, a tariff without budget, caps…"""


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

    Raises FeeSetupError with a message naming the organisation, product and year when the
    inputs are incomplete (a missing population is never taken as zero).
    """
    schedule = schedule_for(year)
    offset = schedule.population_offset if schedule else 1
    try:
        fee_year = inputs.fee_year(
            year, population_offset=offset, extra_participations=extra_participations
        )
        result = YearResult(year, fee_year.currency.code)
        if membership and schedule is not None and not product_slug:
            result.membership = fee_year.membership_fees(specs.membership_model(schedule))
        for tariff in tariffs_for(year, product_slug):
            budget = budget_for(tariff.product_id, year)
            engine_tariff = specs.product_tariff(tariff, budget.amount if budget else None)
            result.products.append(
                ProductResult(
                    tariff.product, tariff, budget, fee_year.product_charges(engine_tariff)
                )
            )
    except (FeeError, specs.SpecError) as exc:
        raise FeeSetupError(str(exc)) from exc
    return result


def amount(value: Decimal | str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
