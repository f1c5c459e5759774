"""Products' backlogs and prioritisation rounds with their results, for those the backlog
pages let in: contacts of participating organisations, members of the product's groups,
suppliers with a valid agreement, and the secretariat."""

from __future__ import annotations

import marshmallow as ma
from sqlalchemy import select

from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    page_headers,
    problem,
    require,
)
from consortium.api.schemas import DecimalText, Money, plain_text
from consortium.api.tokens import READ
from consortium.backlog import queries, services
from consortium.backlog.models import (
    ITEM_STATUSES,
    ITEM_TYPES,
    ROUND_METHODS,
    ROUND_STATUSES,
    Backlog,
    BacklogItem,
    PrioritisationRound,
)
from consortium.backlog.queries import SORTS, ItemFilter
from consortium.extensions import db
from consortium.products.models import Product

bp = api_blueprint(
    "api-backlog",
    "A product's backlog and its prioritisation rounds with their results, for the contacts "
    "of participating organisations, the members of its groups, its suppliers and the "
    "secretariat.",
)

MAX_ID = 2**31 - 1
SLUG_PARAMETER = {
    "in": "path",
    "name": "slug",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "pattern": r"^[^\x00-\x1f\x7f-\x9f]*$"},
}


class LinkSchema(ma.Schema):
    label = ma.fields.String(required=True)
    url = ma.fields.String(required=True)


class BacklogItemSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    product_slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(ITEM_TYPES))
    category = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(ITEM_STATUSES))
    organisation = ma.fields.String(
        required=True, metadata={"description": "The organisation that submitted it."}
    )
    estimate = Money(allow_none=True, required=True)
    estimate_currency = ma.fields.String(allow_none=True, required=True)
    estimate_hours = DecimalText(allow_none=True, required=True)
    priority_rank = ma.fields.Integer(allow_none=True, required=True)
    created_at = ma.fields.DateTime(required=True)


class BacklogItemSchema(BacklogItemSummarySchema):
    description = ma.fields.String(required=True, metadata={"description": "Markdown."})
    estimate_note = ma.fields.String(required=True)
    rejection_reason = ma.fields.String(required=True)
    links = ma.fields.List(ma.fields.Nested(LinkSchema), required=True)


class ItemListArgs(ma.Schema):
    q = ma.fields.String(
        load_default="",
        validate=plain_text(200),
        metadata={"description": "Words in the title or description."},
    )
    type = ma.fields.String(validate=ma.validate.OneOf(ITEM_TYPES))
    status = ma.fields.String(validate=ma.validate.OneOf(ITEM_STATUSES))
    category = ma.fields.String(validate=plain_text(services.CATEGORY_LIMIT))
    organisation = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID),
        metadata={"description": "The submitting organisation's id."},
    )
    sort = ma.fields.String(
        load_default="newest",
        validate=ma.validate.OneOf(SORTS),
        metadata={"description": "The order, as on the backlog page."},
    )


class RoundSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    product_slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(ROUND_METHODS))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(ROUND_STATUSES))
    opens_at = ma.fields.DateTime(required=True)
    closes_at = ma.fields.DateTime(required=True)
    closed_at = ma.fields.DateTime(allow_none=True, required=True)


class WeightSchema(ma.Schema):
    organisation = ma.fields.String(required=True)
    weight = DecimalText(required=True)
    source = ma.fields.String(required=True)
    basis = ma.fields.String(required=True)


class ResultRowSchema(ma.Schema):
    rank = ma.fields.Integer(required=True)
    item_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    score = ma.fields.String(
        required=True, metadata={"description": "Points, votes or Borda score, as text."}
    )
    funded = ma.fields.Boolean(
        allow_none=True, required=True, metadata={"description": "For a budget round."}
    )


class RoundResultSchema(RoundSummarySchema):
    weighting = ma.fields.String(required=True)
    points_total = ma.fields.Integer(allow_none=True, required=True)
    max_per_item = ma.fields.Integer(allow_none=True, required=True)
    budget = Money(allow_none=True, required=True)
    budget_left = Money(allow_none=True, required=True)
    currency = ma.fields.String(required=True)
    decision_code = ma.fields.String(allow_none=True, required=True)
    voted = ma.fields.List(ma.fields.String(), required=True)
    not_voted = ma.fields.List(ma.fields.String(), required=True)
    weights = ma.fields.List(ma.fields.Nested(WeightSchema), required=True)
    result = ma.fields.List(ma.fields.Nested(ResultRowSchema), required=True)


def _product_backlog(slug: str) -> Product:
    """The product, when the caller may see its backlog (404, 403 otherwise)."""
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        problem(404)
    require("backlog", READ, "backlog.view", Backlog(product))
    return product


def _item_summary(item: BacklogItem) -> dict:
    return {
        "id": item.id,
        "product_slug": item.product.slug,
        "title": item.title,
        "type": item.type,
        "category": item.category,
        "status": item.status,
        "organisation": item.organisation.name if item.organisation is not None else "",
        "estimate": item.estimate,
        "estimate_currency": item.estimate_currency,
        "estimate_hours": item.estimate_hours,
        "priority_rank": item.priority_rank,
        "created_at": item.created_at,
    }


def _round_summary(round_: PrioritisationRound) -> dict:
    return {
        "id": round_.id,
        "product_slug": round_.product.slug,
        "title": round_.title,
        "method": round_.method,
        "status": round_.status,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "closed_at": round_.closed_at,
    }


@bp.route("/products/<slug>/backlog")
@bp.doc(parameters=[SLUG_PARAMETER])
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(ItemListArgs, location="query", as_kwargs=True)
@bp.response(200, BacklogItemSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 404, 422)
def list_backlog_items(
    slug, page, per_page, q, sort, type="", status="", category="", organisation=None
):  # noqa: A002
    """The product's backlog, filtered, searched and sorted as on its page.

    Scope: backlog:read."""
    product = _product_backlog(slug)
    items = queries.items(
        product,
        ItemFilter(
            search=q,
            type=type,
            status=status,
            category=category,
            organisation_id=organisation,
            sort=sort,
        ),
    )
    shown = items[(page - 1) * per_page : page * per_page]
    return [_item_summary(item) for item in shown], 200, page_headers(len(items), page, per_page)


@bp.route("/backlog-items/<int:item_id>")
@bp.response(200, BacklogItemSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_backlog_item(item_id: int):
    """A backlog item with its description, estimate, status and links.

    Scope: backlog:read."""
    item = queries.item(item_id)
    if item is None:
        problem(404)
    require("backlog", READ, "backlog.view", item)
    return _item_summary(item) | {
        "description": item.description,
        "estimate_note": item.estimate_note,
        "rejection_reason": item.rejection_reason,
        "links": [{"label": link.label, "url": link.url} for link in item.links],
    }


@bp.route("/products/<slug>/rounds")
@bp.doc(parameters=[SLUG_PARAMETER])
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.response(200, RoundSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 404, 422)
def list_rounds(slug, page, per_page):
    """The product's prioritisation rounds, as its backlog page lists them.

    Scope: backlog:read."""
    rounds = queries.rounds_of(_product_backlog(slug))
    shown = rounds[(page - 1) * per_page : page * per_page]
    return [_round_summary(each) for each in shown], 200, page_headers(len(rounds), page, per_page)


@bp.route("/rounds/<int:round_id>/result")
@bp.response(200, RoundResultSchema, headers=ETAG_HEADER)
@bp.problems(403, 404, 409)
def get_round_result(round_id: int):
    """A closed round's result: its settings, who voted, the weights, each item's rank and
    score, and the decision recording it. 409 while the round has not closed.

    Scope: backlog:read."""
    from flask_babel import gettext as _

    found = queries.round_(round_id)
    if found is None:
        problem(404)
    require("backlog", READ, "backlog.view", found)
    # As on the round's page: a round whose closing time has come is closed first.
    if services.close_if_due(found):
        db.session.commit()
    if not found.is_closed:
        problem(409, _("The result is there once the round has closed."))
    turnout = queries.turnout(found)
    return _round_summary(found) | {
        "weighting": found.weighting,
        "points_total": found.points_total,
        "max_per_item": found.max_per_item,
        "budget": found.budget,
        "budget_left": found.budget_left,
        "currency": found.currency,
        "decision_code": found.decision.code if found.decision is not None else None,
        "voted": [organisation.name for organisation in turnout.voted],
        "not_voted": [organisation.name for organisation in turnout.not_voted],
        "weights": [
            {
                "organisation": weight.organisation.name,
                "weight": weight.weight,
                "source": weight.source,
                "basis": weight.basis,
            }
            for weight in found.weights
        ],
        "result": [
            {
                "rank": row.rank,
                "item_id": row.item_id,
                "title": row.item.title,
                "score": row.score,
                "funded": row.funded,
            }
            for row in found.results
        ],
    }
