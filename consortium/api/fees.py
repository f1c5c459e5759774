"""Fees: one organisation's expected fees, as its contacts see them on their page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from consortium.api import schemas
from consortium.api.core import ETAG_HEADER, api_blueprint, problem, require
from consortium.api.tokens import READ
from consortium.extensions import db
from consortium.fees.member_views import expected_fees
from consortium.members.models import Organisation

bp = api_blueprint(
    "api-fees",
    "Fees: an organisation's expected fees this year and next, line by line, with why; the "
    "year's preview and a product's budget shares for the secretariat.",
)


@bp.route("/organisations/<int:organisation_id>/expected-fees")
@bp.arguments(schemas.YearArgs, location="query", as_kwargs=True)
@bp.response(200, schemas.ExpectedFeesSchema, headers=ETAG_HEADER)
@bp.problems(403, 404, 422)
def get_expected_fees(organisation_id: int, year: int | None = None):
    """The organisation's fees in the year (default: next year) and the year before, line by
    line, with the change and the reason for each amount.

    Scope: fees:read; the organisation's contacts and the secretariat."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        problem(404)
    require("fees", READ, "fees.view_own", organisation)
    fees = expected_fees(organisation, year or date.today().year + 1)
    zero = Decimal("0.00")
    return {
        "organisation_id": organisation.id,
        "year": fees.year,
        "currency": fees.currency,
        "lines": [
            {
                "label": str(line.label),
                "previous_year_amount": line.amounts.get(fees.previous_year, zero),
                "amount": line.amounts.get(fees.year, zero),
                "change": fees.change(line),
                "explanation": line.explanation,
            }
            for line in fees.lines
        ],
        "previous_year_total": fees.total(fees.previous_year),
        "total": fees.total(fees.year),
        "problems": [str(text) for text in fees.problems],
    }


@bp.route("/fees/preview")
@bp.arguments(schemas.YearArgs, location="query", as_kwargs=True)
@bp.response(200, schemas.FeePreviewSchema, headers=ETAG_HEADER)
@bp.problems(403, 422)
def get_fee_preview(year: int | None = None):
    """Every organisation's charges of the year (default: next year) as the fee engine
    computes them from the register now, each with why; 422 names what is missing when the
    year cannot be computed yet.

    Scope: fees:read; the secretariat."""
    require("fees", READ, "fees.manage")
    from consortium.fees.computation import FeeSetupError, compute_year
    from consortium.fees.explanations import component_label, describe_charge

    chosen = year or date.today().year + 1
    try:
        result = compute_year(chosen)
    except FeeSetupError as error:
        problem(422, str(error.reason))
    charges = sorted(result.charges, key=lambda c: (int(c.organisation_key), c.product_key or ""))
    return {
        "year": chosen,
        "currency": result.currency,
        "charges": [
            {
                "organisation_id": int(charge.organisation_key),
                "component": str(component_label(charge)),
                "product_slug": charge.product_key,
                "kind": charge.kind,
                "amount": charge.amount,
                "explanation": describe_charge(charge),
            }
            for charge in charges
        ],
        "total": sum((charge.amount for charge in charges), Decimal("0.00")),
    }


@bp.route("/products/<slug>/shares/<int(min=1900, max=9999):year>")
@bp.doc(
    parameters=[
        {
            "in": "path",
            "name": "slug",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "pattern": schemas.NO_CONTROL_PATTERN},
        }
    ]
)
@bp.response(200, schemas.ProductSharesSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_product_shares(slug: str, year: int):
    """A product's budget of the year and each participant's recorded share of it, as the
    product's fee page shows them; and, for an approved or frozen budget, whose share would
    change if recorded again now (a late joiner, a leaver, a new population). 404 when the
    product has no budget that year.

    Scope: fees:read; the secretariat."""
    require("fees", READ, "fees.manage")
    from sqlalchemy import select

    from consortium.fees import computation, queries
    from consortium.products.models import Product

    product = db.session.scalar(select(Product).where(Product.slug == slug))
    budget = queries.budget_for(product.id, year) if product is not None else None
    if budget is None:
        problem(404)
    names = {
        row.id: row.name
        for row in db.session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_([share.organisation_id for share in budget.shares])
            )
        )
    }
    changes, reason = [], None
    if budget.status in ("approved", "frozen"):
        try:
            changes = computation.share_changes(budget)
        except computation.FeeSetupError as error:
            reason = str(error.reason)
    shares = sorted(budget.shares, key=lambda share: names.get(share.organisation_id, ""))
    return {
        "product_slug": product.slug,
        "year": year,
        "status": budget.status,
        "amount": budget.amount,
        "shares": [
            {
                "organisation_id": share.organisation_id,
                "organisation_name": names.get(share.organisation_id, ""),
                "amount": share.amount,
                "recorded_at": share.recorded_at,
            }
            for share in shares
        ],
        "total": sum((share.amount for share in budget.shares), Decimal("0.00")),
        "changes": [
            {"organisation_id": c.organisation_id, "recorded": c.recorded, "live": c.live}
            for c in changes
        ],
        "changes_problem": reason,
    }
