"""The year-end settlement of a product: its actual cost against its frozen budget.

The secretariat enters what a product actually cost in a year once the year has been invoiced
(its budget frozen). The difference is split over the participants in proportion to the shares
of the budget recorded when it was approved (:mod:`consortium.invoicing.settlement_split`), and
kept as a draft that the participants' contacts see before anything is issued. Issuing it makes,
for each organisation, an extra invoice (its part is more than zero) or a credit note of part of
the year's product share on its invoice (its part is less than zero); a part that rounds to zero
becomes nothing. All of them are issued and sent at once, or none is.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium.db import utcnow
from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.i18n import money
from consortium.invoicing.credit_notes import credit_part_of_line, left_to_credit
from consortium.invoicing.documents import SETTLEMENT_RULE
from consortium.invoicing.models import (
    INVOICE,
    NUMBERED_STATUSES,
    SETTLEMENT_DRAFT,
    SETTLEMENT_ISSUED,
    Invoice,
    InvoiceLine,
    ProductSettlement,
    SettlementShare,
)
from consortium.invoicing.services import InvoicingError, add_line, create_draft, issue
from consortium.invoicing.settlement_split import NothingToSplitBy, split_difference
from consortium.members.models import Organisation
from consortium.members.services import default_billing_identity
from consortium.once import load_locked, unique
from consortium.products.models import Product
from consortium.settings.models import PRODUCT
from consortium.settings.services import get_settings

# The largest actual cost a settlement takes: far above any product's year, and within the
# amount columns.
ACTUAL_COST_LIMIT = Decimal("1000000000")
CENT = Decimal("0.01")

NOT_A_DRAFT = _l("This settlement has been issued already; an issued settlement never changes.")
GONE = _l("This settlement has been discarded.")


def settlement_for(product: Product, year: int) -> ProductSettlement | None:
    """The product's settlement of the year, draft or issued."""
    return db.session.scalar(
        select(ProductSettlement).where(
            ProductSettlement.product_id == product.id, ProductSettlement.year == year
        )
    )


def _frozen_budget(product: Product, year: int) -> ProductBudget:
    budget = db.session.scalar(
        select(ProductBudget).where(
            ProductBudget.product_id == product.id, ProductBudget.year == year
        )
    )
    if budget is None or budget.status != "frozen":
        raise InvoicingError(
            _l(
                "The budget %(year)s of %(product)s is not frozen: a product's year is settled "
                "once it has been invoiced, against the budget its invoices were made from.",
                year=year,
                product=product.name,
            )
        )
    if not any(share.amount for share in budget.shares):
        raise InvoicingError(
            _l(
                "The budget %(year)s of %(product)s has no recorded shares to split the "
                "difference by: only a budget split among the participants can be settled.",
                year=year,
                product=product.name,
            )
        )
    return budget


def _checked_cost(actual_cost: Decimal) -> Decimal:
    actual_cost = Decimal(actual_cost)
    if not actual_cost.is_finite() or actual_cost < 0 or actual_cost >= ACTUAL_COST_LIMIT:
        raise InvoicingError(
            _l(
                "The actual cost must be zero or more and below %(limit)s.",
                limit=format_decimal(ACTUAL_COST_LIMIT),
            )
        )
    if actual_cost != actual_cost.quantize(CENT):
        raise InvoicingError(_l("The actual cost is given in whole cents."))
    return actual_cost.quantize(CENT)


def _settled_already(product: Product, year: int) -> Any:
    return _l(
        "%(product)s %(year)s has a settlement already; change or discard it.",
        product=product.name,
        year=year,
    )


def draft_settlement(
    product: Product, year: int, actual_cost: Decimal, user_id: int | None
) -> ProductSettlement:
    """A draft settlement of the product's year: the actual cost against the frozen budget and
    each participant's part of the difference, for members to see before it is issued.

    Refused with an :class:`InvoicingError` unless the year's budget is frozen (the year was
    invoiced) with recorded shares, for an actual cost below zero or too large, and when the
    product's year has a settlement already."""
    actual_cost = _checked_cost(actual_cost)
    budget = _frozen_budget(product, year)
    if settlement_for(product, year) is not None:
        raise InvoicingError(_settled_already(product, year))
    with unique(InvoicingError(_settled_already(product, year))):
        settlement = ProductSettlement(
            product=product,
            year=year,
            currency=get_settings().currency,
            budget_amount=budget.amount,
            actual_cost=actual_cost,
            difference=actual_cost - budget.amount,
            status=SETTLEMENT_DRAFT,
            created_by_user_id=user_id,
        )
        db.session.add(settlement)
        _split(settlement, budget)
    return settlement


def change_actual_cost(settlement: ProductSettlement, actual_cost: Decimal) -> ProductSettlement:
    """A draft settlement with another actual cost, its parts split again."""
    actual_cost = _checked_cost(actual_cost)
    settlement = _locked_draft(settlement)
    budget = _frozen_budget(settlement.product, settlement.year)
    settlement.actual_cost = actual_cost
    settlement.budget_amount = budget.amount
    settlement.difference = actual_cost - budget.amount
    _split(settlement, budget)
    return settlement


def discard(settlement: ProductSettlement) -> None:
    """Delete a draft settlement; the product's year can be settled anew."""
    settlement = _locked_draft(settlement)
    db.session.delete(settlement)
    db.session.flush()


def _locked_draft(settlement: ProductSettlement) -> ProductSettlement:
    locked = load_locked(ProductSettlement, settlement.id)
    if locked is None:
        raise InvoicingError(GONE)
    if not locked.is_draft:
        raise InvoicingError(NOT_A_DRAFT)
    return locked


def _split(settlement: ProductSettlement, budget: ProductBudget) -> None:
    """Each participant's part of the difference, kept on the settlement (changed in place,
    so that a part's row keeps its history in the audit trail)."""
    try:
        parts = split_difference(
            Decimal(settlement.difference),
            [(share.organisation_id, Decimal(share.amount)) for share in budget.shares],
            settlement.currency,
        )
    except (NothingToSplitBy, ValueError) as error:
        raise InvoicingError(
            _l(
                "The budget %(year)s of %(product)s has no recorded shares to split the "
                "difference by: only a budget split among the participants can be settled.",
                year=settlement.year,
                product=settlement.product.name,
            )
        ) from error
    existing = {share.organisation_id: share for share in settlement.shares}
    for part in parts:
        share = existing.pop(part.key, None)
        if share is None:
            share = SettlementShare(organisation_id=part.key)
            settlement.shares.append(share)
        share.budget_share = part.budget_share
        share.share_percent = part.percent
        share.amount = part.amount
        share.credited_line = (
            share_line(part.key, settlement.product.id, settlement.year, -part.amount)
            if part.is_credit
            else None
        )
    for share in existing.values():
        settlement.shares.remove(share)
    db.session.flush()


def share_line(
    organisation_id: int, product_id: int, year: int, at_least: Decimal | None = None
) -> InvoiceLine | None:
    """The issued invoice line of the organisation's product share of the year (the run's
    first), with at least ``at_least`` left to credit when that is given."""
    lines = db.session.scalars(
        select(InvoiceLine)
        .join(Invoice, InvoiceLine.invoice_id == Invoice.id)
        .where(
            Invoice.organisation_id == organisation_id,
            Invoice.series == INVOICE,
            Invoice.status.in_(NUMBERED_STATUSES),
            Invoice.period_start_on >= date(year, 1, 1),
            Invoice.period_start_on <= date(year, 12, 31),
            InvoiceLine.component == PRODUCT,
            InvoiceLine.product_id == product_id,
        )
        .order_by(Invoice.run_id.is_(None), InvoiceLine.id)
    ).all()
    for line in lines:
        if (line.explanation or {}).get("rule") == SETTLEMENT_RULE:
            continue
        if at_least is None or left_to_credit(line) >= at_least:
            return line
    return None


def settlement_explanation(settlement: ProductSettlement, share: SettlementShare) -> dict:
    """Why the part is what it is, as kept on its invoice or credit note line and worded in
    the buyer's language on its documents."""
    return {
        "rule": SETTLEMENT_RULE,
        "year": settlement.year,
        "actual_cost": str(settlement.actual_cost),
        "budget": str(settlement.budget_amount),
        "difference": str(settlement.difference),
        "share_percent": str(share.share_percent),
    }


def _line_description(settlement: ProductSettlement, language: str) -> str:
    with force_locale(language):
        return _(
            "%(product)s %(year)s: year-end settlement",
            product=settlement.product.name,
            year=settlement.year,
        )


def _credit_description(settlement: ProductSettlement, line: InvoiceLine) -> str:
    invoice = line.invoice
    with force_locale(invoice.language):
        return _(
            "%(product)s %(year)s: year-end settlement, credited against line %(position)s of "
            "invoice %(number)s",
            product=settlement.product.name,
            year=settlement.year,
            position=line.position,
            number=invoice.number,
        )


def _buyer(share: SettlementShare) -> str:
    return share.organisation.name


def issue_settlement(
    settlement: ProductSettlement,
    user_id: int | None,
    *,
    on: date | None = None,
    progress: Callable[[Invoice], None] | None = None,
) -> list[Invoice]:
    """Issue a draft settlement: an extra invoice to each organisation whose part is more than
    zero, a credit note of part of its product share line to each whose part is less, nothing
    to the others; each issued (numbered, its PDF and e-invoice validated) and put in the
    outbox to its buyer, in the buyer's language. All or nothing: any failure undoes
    everything and names the organisation. Asked for twice at once, it is issued once."""
    from consortium.invoicing.sending import send_invoice

    settlement = _locked_draft(settlement)
    issued: list[Invoice] = []
    savepoint = db.session.begin_nested()
    try:
        shares = sorted(settlement.shares, key=lambda share: (_buyer(share), share.id))
        for share in shares:
            if not share.amount:
                continue
            try:
                document = _issue_share(settlement, share, user_id, on)
            except InvoicingError as error:
                raise InvoicingError(
                    _l(
                        "Nothing was issued: the settlement of %(organisation)s could not be "
                        "issued: %(reason)s",
                        organisation=_buyer(share),
                        reason=error.message,
                    )
                ) from error
            share.invoice = document
            issued.append(document)
            if progress is not None:
                progress(document)
        settlement.status = SETTLEMENT_ISSUED
        settlement.issued_by_user_id = user_id
        settlement.issued_at = utcnow()
        db.session.flush()
        for document in issued:
            send_invoice(document)
        savepoint.commit()
    except BaseException:
        savepoint.rollback()
        raise
    return issued


def _issue_share(
    settlement: ProductSettlement, share: SettlementShare, user_id: int | None, on: date | None
) -> Invoice:
    """The share's extra invoice or credit note, issued."""
    explanation = settlement_explanation(settlement, share)
    if share.is_credit:
        line = share.credited_line
        amount = -Decimal(share.amount)
        if line is None or left_to_credit(line) < amount:
            line = share_line(share.organisation_id, settlement.product.id, settlement.year, amount)
        if line is None:
            raise InvoicingError(
                _l(
                    "%(organisation)s has no issued invoice of %(year)s with a share of "
                    "%(product)s left to credit %(amount)s of.",
                    organisation=share.organisation.name,
                    year=settlement.year,
                    product=settlement.product.name,
                    amount=money(amount, settlement.currency),
                )
            )
        share.credited_line = line
        credit_note = credit_part_of_line(
            line,
            amount,
            user_id,
            description=_credit_description(settlement, line),
            explanation=explanation,
        )
        return issue(credit_note, on=on)
    organisation: Organisation = share.organisation
    original = share_line(share.organisation_id, settlement.product.id, settlement.year)
    identity = (
        original.invoice.billing_identity
        if original is not None and original.invoice.billing_identity is not None
        else default_billing_identity(organisation)
    )
    invoice = create_draft(
        organisation,
        identity,
        currency=settlement.currency,
        period_start_on=date(settlement.year, 1, 1),
        period_end_on=date(settlement.year, 12, 31),
    )
    invoice.created_by_user_id = user_id
    add_line(
        invoice,
        PRODUCT,
        _line_description(settlement, invoice.language),
        Decimal(share.amount),
        product=settlement.product,
        explanation=explanation,
    )
    return issue(invoice, on=on)


def settlements_of(organisation_ids: list[int]) -> list[tuple[ProductSettlement, SettlementShare]]:
    """The settlements (draft and issued) that concern the organisations, with each one's
    part, newest year first."""
    if not organisation_ids:
        return []
    rows = db.session.execute(
        select(ProductSettlement, SettlementShare)
        .join(SettlementShare, SettlementShare.settlement_id == ProductSettlement.id)
        .join(Product, ProductSettlement.product_id == Product.id)
        .where(SettlementShare.organisation_id.in_(organisation_ids))
        .order_by(ProductSettlement.year.desc(), Product.name, SettlementShare.organisation_id)
    ).all()
    return [(settlement, share) for settlement, share in rows]
