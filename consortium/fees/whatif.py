"""What an organisation would pay for a product if it joined: every share before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import register_inputs
from consortium.fees.computation import compute_year
from consortium.fees.engine import (
    AGREEMENT,
    COMMITMENT_PLEDGE,
    ENTRY_FEE,
    PRODUCT_SHARE,
    PRODUCT_TARIFF,
    ParticipationTerm,
    from_minor,
)
from consortium.fees.explanations import component_label, describe_charge
from consortium.members.models import Organisation
from consortium.products.models import Product

SHARE_KINDS = (PRODUCT_SHARE, PRODUCT_TARIFF)
KIND_ORDER = {PRODUCT_SHARE: 0, PRODUCT_TARIFF: 0, COMMITMENT_PLEDGE: 1, ENTRY_FEE: 2}


@dataclass
class ShareRow:
    organisation_key: str
    name: str
    before: Decimal
    after: Decimal
    explanation: str
    own: bool = False

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass
class WhatIf:
    """The organisation's charges if it joined, and every participant's share before and after."""

    currency: str
    own_charges: list[tuple[str, Decimal, str]]
    rows: list[ShareRow]
    budget: Decimal | None
    already_participating: bool

    @property
    def own_total(self) -> Decimal:
        return sum((amount for _label, amount, _text in self.own_charges), Decimal(0))

    @property
    def total_before(self) -> Decimal:
        return sum((row.before for row in self.rows), Decimal(0))

    @property
    def total_after(self) -> Decimal:
        return sum((row.after for row in self.rows), Decimal(0))


def what_if(
    organisation: Organisation, product: Product, year: int, starts_on: date
) -> WhatIf | None:
    """Compare the product's charges of the year without and with the organisation joining on
    the day; None when the product has no tariff for the year. FeeSetupError when incomplete."""
    key = register_inputs.organisation_key(organisation.id)
    before = compute_year(year, product_slug=product.slug)
    if not before.products:
        return None
    joining = ParticipationTerm(
        organisation_key=key, product_key=product.slug, phase=AGREEMENT, starts_on=starts_on
    )
    after = compute_year(year, product_slug=product.slug, extra_participations=(joining,))
    before_charges = before.products[0].charges
    after_charges = after.products[0].charges
    currency = after.currency
    names = {
        register_inputs.organisation_key(item.id): item.name
        for item in db.session.scalars(select(Organisation))
    }

    shares: dict[str, dict] = {}
    for index, result in enumerate((before_charges, after_charges)):
        for charge in result.charges:
            if charge.kind not in SHARE_KINDS:
                continue
            entry = shares.setdefault(charge.organisation_key, {"amounts": [0, 0], "text": ""})
            entry["amounts"][index] += charge.amount_minor
            if index == 1:
                entry["text"] = describe_charge(charge)
    rows = [
        ShareRow(
            organisation_key=item_key,
            name=names.get(item_key, item_key),
            before=from_minor(entry["amounts"][0], currency),
            after=from_minor(entry["amounts"][1], currency),
            explanation=entry["text"],
            own=item_key == key,
        )
        for item_key, entry in shares.items()
    ]
    rows.sort(key=lambda row: (not row.own, row.name.casefold(), row.organisation_key))
    product_names = {product.slug: product.name}
    own = sorted(
        after_charges.for_organisation(key), key=lambda charge: KIND_ORDER.get(charge.kind, 9)
    )
    budget = (
        None
        if after_charges.budget_minor is None
        else from_minor(after_charges.budget_minor, currency)
    )
    already = any(charge.kind in SHARE_KINDS for charge in before_charges.for_organisation(key))
    return WhatIf(
        currency=currency,
        own_charges=[
            (component_label(charge, product_names), charge.amount, describe_charge(charge))
            for charge in own
        ],
        rows=rows,
        budget=budget,
        already_participating=already,
    )
