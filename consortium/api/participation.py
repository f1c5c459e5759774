"""Participations and the requests to join or leave a product: a contact reads their own
organisations' and asks to join or gives notice for them; the secretariat reads every one and
approves or declines requests, through the same services as the pages (the same checks, locks,
mails and audit)."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import g
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    check_if_match,
    if_match_parameter,
    may,
    paginate,
    problem,
    require,
    requires_on,
)
from consortium.api.organisations import contact_organisation_ids
from consortium.api.schemas import Money, plain_text, sort_field
from consortium.api.tokens import READ, WRITE
from consortium.extensions import db
from consortium.members.models import BillingIdentity, Organisation
from consortium.participation import services
from consortium.participation.labels import error_text
from consortium.participation.models import (
    PHASES,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    Participation,
    ParticipationRequest,
)
from consortium.participation.rules import MAX_AMOUNT
from consortium.products.models import Product

bp = api_blueprint(
    "api-participation",
    "Participations in products and the requests to join or leave one. A contact reads their "
    "own organisations' and asks for them; the secretariat reads every one and decides.",
)

MAX_ID = 2**31 - 1


# --- schemas ------------------------------------------------------------------------------


class ParticipationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    organisation_id = ma.fields.Integer(required=True)
    organisation_name = ma.fields.String(required=True)
    product_slug = ma.fields.String(required=True)
    product_name = ma.fields.String(required=True)
    phase = ma.fields.String(required=True, validate=ma.validate.OneOf(PHASES))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(allow_none=True, required=True)
    notice_months = ma.fields.Integer(required=True)
    ends_at_year_end = ma.fields.Boolean(required=True)
    notice_given_on = ma.fields.Date(allow_none=True, required=True)
    agreement_version = ma.fields.String(required=True)
    amount_per_year = Money(
        allow_none=True, required=True, metadata={"description": "A commitment's pledge per year."}
    )
    billing_identity_id = ma.fields.Integer(allow_none=True, required=True)


class ParticipationRequestSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(REQUEST_KINDS))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(REQUEST_STATUSES))
    organisation_id = ma.fields.Integer(required=True)
    organisation_name = ma.fields.String(required=True)
    product_slug = ma.fields.String(required=True)
    product_name = ma.fields.String(required=True)
    phase = ma.fields.String(allow_none=True, required=True)
    starts_on = ma.fields.Date(allow_none=True, required=True)
    billing_identity_id = ma.fields.Integer(allow_none=True, required=True)
    amount_per_year = Money(allow_none=True, required=True)
    participation_id = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "For notice to leave: the participation it ends."},
    )
    message = ma.fields.String(required=True)
    requested_at = ma.fields.DateTime(required=True)
    decided_at = ma.fields.DateTime(allow_none=True, required=True)
    decision_reason = ma.fields.String(
        required=True, metadata={"description": "Why a request was declined."}
    )


class ParticipationListArgs(ma.Schema):
    organisation = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "An organisation's id."}
    )
    product = ma.fields.String(
        validate=plain_text(100), metadata={"description": "A product's slug."}
    )
    current = ma.fields.Boolean(
        metadata={"description": "Only those in force today (true) or only the others (false)."}
    )
    sort = sort_field("product", "product", "organisation", "starts_on")


class RequestListArgs(ma.Schema):
    organisation = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "An organisation's id."}
    )
    product = ma.fields.String(
        validate=plain_text(100), metadata={"description": "A product's slug."}
    )
    status = ma.fields.String(validate=ma.validate.OneOf(REQUEST_STATUSES))
    kind = ma.fields.String(validate=ma.validate.OneOf(REQUEST_KINDS))
    sort = sort_field("-requested_at", "requested_at")


class JoinRequestBody(ma.Schema):
    product = ma.fields.String(
        required=True,
        validate=[*plain_text(100), ma.validate.Length(min=1)],
        metadata={"description": "The product's slug."},
    )
    phase = ma.fields.String(required=True, validate=ma.validate.OneOf(PHASES))
    starts_on = ma.fields.Date(required=True)
    billing_identity_id = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(1, MAX_ID),
        metadata={"description": "One of the organisation's billing identities."},
    )
    amount_per_year = ma.fields.Decimal(
        allow_none=True,
        places=2,
        as_string=True,
        validate=ma.validate.Range(0, MAX_AMOUNT),
        metadata={
            "description": 'For a commitment: the pledge per year, as a string ("12500.00") or '
            "a number.",
            "minimum": 0,
            "maximum": float(MAX_AMOUNT),
        },
    )
    message = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))


class LeaveRequestBody(ma.Schema):
    message = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))


class DeclineBody(ma.Schema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=5000),
        metadata={"description": "The reason the contact reads."},
    )


# --- representations ----------------------------------------------------------------------


def participation_representation(participation: Participation) -> dict:
    return {
        "id": participation.id,
        "organisation_id": participation.organisation_id,
        "organisation_name": participation.organisation.name,
        "product_slug": participation.product.slug,
        "product_name": participation.product.name,
        "phase": participation.phase,
        "starts_on": participation.starts_on,
        "ends_on": participation.ends_on,
        "notice_months": participation.notice_months,
        "ends_at_year_end": participation.ends_at_year_end,
        "notice_given_on": participation.notice_given_on,
        "agreement_version": participation.agreement_version,
        "amount_per_year": participation.amount_per_year,
        "billing_identity_id": participation.billing_identity_id,
    }


def request_representation(item: ParticipationRequest) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "status": item.status,
        "organisation_id": item.organisation_id,
        "organisation_name": item.organisation.name,
        "product_slug": item.product.slug,
        "product_name": item.product.name,
        "phase": item.phase,
        "starts_on": item.starts_on,
        "billing_identity_id": item.billing_identity_id,
        "amount_per_year": item.amount_per_year,
        "participation_id": item.participation_id,
        "message": item.message,
        "requested_at": item.requested_at,
        "decided_at": item.decided_at,
        "decision_reason": item.decision_reason,
    }


# --- reading ------------------------------------------------------------------------------

_PARTICIPATION_SORTS = {
    "product": (Product.name, Organisation.name, Participation.starts_on, Participation.id),
    "-product": (Product.name.desc(), Organisation.name.desc(), Participation.id.desc()),
    "organisation": (Organisation.name, Product.name, Participation.starts_on, Participation.id),
    "-organisation": (Organisation.name.desc(), Product.name.desc(), Participation.id.desc()),
    "starts_on": (Participation.starts_on, Participation.id),
    "-starts_on": (Participation.starts_on.desc(), Participation.id.desc()),
}


def _only_own(statement: Select, column) -> Select:
    """The secretariat reads every record; anyone else their own organisations' only."""
    if may("participations.manage"):
        return statement
    return statement.where(column.in_(contact_organisation_ids(g.api_user.id)))


@bp.route("/participations")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(ParticipationListArgs, location="query", as_kwargs=True)
@bp.response(200, ParticipationSchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_participations(page, per_page, sort, organisation=None, product="", current=None):
    """Participations in products: every one for the secretariat, a contact's own
    organisations' otherwise. Filter by organisation, product and whether in force today.

    Scope: participation:read."""
    require("participation", READ, "participations.mine")
    statement = (
        select(Participation)
        .join(Product, Participation.product_id == Product.id)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .options(
            selectinload(Participation.product),
            selectinload(Participation.organisation),
        )
    )
    statement = _only_own(statement, Participation.organisation_id)
    if organisation is not None:
        statement = statement.where(Participation.organisation_id == organisation)
    if product:
        statement = statement.where(Product.slug == product)
    if current is not None:
        from consortium.db import in_force_on

        in_force = in_force_on(Participation.starts_on, Participation.ends_on, date.today())
        statement = statement.where(in_force if current else ~in_force)
    rows, headers = paginate(
        statement.order_by(*_PARTICIPATION_SORTS[sort]), {"page": page, "per_page": per_page}
    )
    return [participation_representation(row) for row in rows], 200, headers


def _participation_or_404(participation_id: int) -> Participation:
    participation = db.session.get(Participation, participation_id)
    if participation is None:
        problem(404)
    return participation


@bp.route("/participations/<int:participation_id>")
@bp.response(200, ParticipationSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_participation(participation_id: int):
    """A participation, as the organisation's page shows it.

    Scope: participation:read; the organisation's contacts and the secretariat."""
    participation = _participation_or_404(participation_id)
    require("participation", READ, "participations.view", participation.organisation)
    return participation_representation(participation)


@bp.route("/participation-requests")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(RequestListArgs, location="query", as_kwargs=True)
@bp.response(200, ParticipationRequestSchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_requests(page, per_page, sort, organisation=None, product="", status="", kind=""):
    """Requests to join or leave a product: every one for the secretariat, a contact's own
    organisations' otherwise. Filter by organisation, product, status and kind.

    Scope: participation:read."""
    require("participation", READ, "participations.mine")
    statement = (
        select(ParticipationRequest)
        .join(Product, ParticipationRequest.product_id == Product.id)
        .options(
            selectinload(ParticipationRequest.product),
            selectinload(ParticipationRequest.organisation),
        )
    )
    statement = _only_own(statement, ParticipationRequest.organisation_id)
    if organisation is not None:
        statement = statement.where(ParticipationRequest.organisation_id == organisation)
    if product:
        statement = statement.where(Product.slug == product)
    if status:
        statement = statement.where(ParticipationRequest.status == status)
    if kind:
        statement = statement.where(ParticipationRequest.kind == kind)
    order = ParticipationRequest.requested_at, ParticipationRequest.id
    if sort.startswith("-"):
        order = tuple(column.desc() for column in order)
    rows, headers = paginate(statement.order_by(*order), {"page": page, "per_page": per_page})
    return [request_representation(row) for row in rows], 200, headers


def _request_or_404(request_id: int) -> ParticipationRequest:
    item = db.session.get(ParticipationRequest, request_id)
    if item is None:
        problem(404)
    return item


@bp.route("/participation-requests/<int:request_id>")
@bp.response(200, ParticipationRequestSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_request(request_id: int):
    """A request with its decision. Its ETag is the one approving or declining names in
    If-Match.

    Scope: participation:read; the organisation's contacts and the secretariat."""
    item = _request_or_404(request_id)
    require("participation", READ, "participations.view", item.organisation)
    return request_representation(item)


def _organisation_of_join(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        problem(404)
    return organisation


def _organisation_of_participation(participation_id: int) -> Organisation:
    return _participation_or_404(participation_id).organisation


def _organisation_of_request(request_id: int) -> Organisation:
    return _request_or_404(request_id).organisation


# --- asking -------------------------------------------------------------------------------

# The body field a refusal of the services is about.
_FIELDS = {
    "before_membership": "starts_on",
    "dates": "starts_on",
    "already_participating": "starts_on",
    "amount_required": "amount_per_year",
    "amount": "amount_per_year",
    "billing_identity": "billing_identity_id",
    "phase": "phase",
    "retired": "product",
    "not_a_member": "product",
    "pending_request": "product",
    "reason_required": "reason",
}
# Refusals about the record's state rather than what was sent.
_CONFLICTS = {"not_pending", "not_current", "pending_request"}


def _refuse(error: services.ParticipationError) -> None:
    reason = error_text(error)
    field = _FIELDS.get(error.code)
    errors = [{"location": "json", "field": field, "reason": reason}] if field else []
    problem(409 if error.code in _CONFLICTS else 422, reason, errors=errors)


@bp.route("/organisations/<int:organisation_id>/join-requests", methods=["POST"])
@requires_on("participation", WRITE, "participations.request", _organisation_of_join)
@bp.arguments(JoinRequestBody)
@bp.response(201, ParticipationRequestSchema)
@bp.problems(403, 404, 409, 422)
def ask_to_join(body: dict, organisation_id: int):
    """Ask for the organisation to join a product; the secretariat is told by mail. The same
    checks as the page: a member organisation, a product not retired and not taken part in,
    one pending request per product.

    Scope: participation:write; the organisation's contacts and the secretariat."""
    organisation = _organisation_of_join(organisation_id)
    product = db.session.scalar(select(Product).where(Product.slug == body["product"]))
    if product is None:
        problem(
            422,
            errors=[
                {"location": "json", "field": "product", "reason": _("There is no such product.")}
            ],
        )
    identity = None
    if body.get("billing_identity_id") is not None:
        identity = db.session.get(BillingIdentity, body["billing_identity_id"])
        if identity is None:
            _refuse(services.ParticipationError("billing_identity"))
    try:
        item = services.request_join(
            organisation,
            product,
            g.api_user,
            phase=body["phase"],
            starts_on=body["starts_on"],
            billing_identity=identity,
            amount_per_year=body.get("amount_per_year"),
            message=body["message"].strip(),
        )
    except services.ParticipationError as error:
        _refuse(error)
    return request_representation(item), 201


@bp.route("/participations/<int:participation_id>/leave-requests", methods=["POST"])
@requires_on("participation", WRITE, "participations.request", _organisation_of_participation)
@bp.arguments(LeaveRequestBody)
@bp.response(201, ParticipationRequestSchema)
@bp.problems(403, 404, 409, 422)
def give_notice(body: dict, participation_id: int):
    """Give notice to leave a current participation; the secretariat is told by mail.

    Scope: participation:write; the organisation's contacts and the secretariat."""
    participation = _participation_or_404(participation_id)
    try:
        item = services.request_leave(participation, g.api_user, body["message"].strip())
    except services.ParticipationError as error:
        _refuse(error)
    return request_representation(item), 201


# --- deciding -----------------------------------------------------------------------------


def _decidable(request_id: int) -> ParticipationRequest:
    item = _request_or_404(request_id)
    check_if_match(request_representation(item), ParticipationRequestSchema())
    return item


@bp.route("/participation-requests/<int:request_id>/approve", methods=["POST"])
@requires_on("participation", WRITE, "participations.manage", _organisation_of_request)
@bp.response(200, ParticipationRequestSchema)
@bp.doc(parameters=[if_match_parameter("request")])
@bp.problems(403, 404, 409, 412, 422)
def approve_request(request_id: int):
    """Approve a pending request: the participation is made (or the notice recorded) and the
    contact told, as on the page. 409 when it has been decided already.

    Scope: participation:write; the secretariat."""
    item = _decidable(request_id)
    try:
        services.approve(item, g.api_user)
    except services.ParticipationError as error:
        _refuse(error)
    return request_representation(item)


@bp.route("/participation-requests/<int:request_id>/decline", methods=["POST"])
@requires_on("participation", WRITE, "participations.manage", _organisation_of_request)
@bp.arguments(DeclineBody)
@bp.response(200, ParticipationRequestSchema)
@bp.doc(parameters=[if_match_parameter("request")])
@bp.problems(403, 404, 409, 412, 422)
def decline_request(body: dict, request_id: int):
    """Decline a pending request with the reason the contact reads; the contact is told.

    Scope: participation:write; the secretariat."""
    item = _decidable(request_id)
    try:
        services.decline(item, g.api_user, body["reason"])
    except services.ParticipationError as error:
        _refuse(error)
    return request_representation(item)
