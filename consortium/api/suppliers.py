"""Suppliers in full: the secretariat reads every supplier with its registration, vetting and
agreements; a supplier's contact reads their own supplier. The approved suppliers as the public
sees them are under /public/suppliers."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    may,
    paginate,
    problem,
    require,
)
from consortium.api.schemas import sort_field
from consortium.api.tokens import READ
from consortium.extensions import db
from consortium.suppliers import queries
from consortium.suppliers.models import (
    VETTING_STATUSES,
    Supplier,
    SupplierAgreement,
    SupplierContact,
)

bp = api_blueprint(
    "api-suppliers",
    "Suppliers with their registration, vetting and agreements: every one for the "
    "secretariat, their own for a supplier's contacts.",
)


class SupplierAgreementSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.String(required=True)
    signed_on = ma.fields.Date(required=True)
    valid_until = ma.fields.Date(allow_none=True, required=True)
    valid_today = ma.fields.Boolean(required=True)
    code_of_conduct = ma.fields.Boolean(required=True)
    floss_clause = ma.fields.Boolean(required=True)
    copyright_transfer = ma.fields.Boolean(required=True)
    products = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "The products' slugs."}
    )


class SupplierSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    country = ma.fields.String(required=True)
    registration_number = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(VETTING_STATUSES))
    service_types = ma.fields.List(ma.fields.String(), required=True)


class SupplierSchema(SupplierSummarySchema):
    vat_number = ma.fields.String(required=True)
    address = ma.fields.String(required=True)
    contact_name = ma.fields.String(required=True)
    contact_email = ma.fields.String(required=True)
    statement = ma.fields.String(required=True)
    language = ma.fields.String(allow_none=True, required=True)
    code_of_conduct_accepted_at = ma.fields.DateTime(allow_none=True, required=True)
    decided_at = ma.fields.DateTime(allow_none=True, required=True)
    decision_reason = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    products_wanted = ma.fields.List(ma.fields.String(), required=True)
    agreements = ma.fields.List(ma.fields.Nested(SupplierAgreementSchema), required=True)


class SupplierListArgs(ma.Schema):
    status = ma.fields.String(
        validate=ma.validate.OneOf(VETTING_STATUSES),
        metadata={"description": "The vetting status (default: every status)."},
    )
    sort = sort_field("name", "name", "created")


def summary(supplier: Supplier) -> dict:
    return {
        "id": supplier.id,
        "name": supplier.name,
        "country": supplier.country,
        "registration_number": supplier.registration_number,
        "status": supplier.status,
        "service_types": [str(item) for item in supplier.service_types or []],
    }


def _agreement(agreement: SupplierAgreement) -> dict:
    return {
        "id": agreement.id,
        "version": agreement.version,
        "signed_on": agreement.signed_on,
        "valid_until": agreement.valid_until,
        "valid_today": queries.is_valid(agreement),
        "code_of_conduct": agreement.code_of_conduct,
        "floss_clause": agreement.floss_clause,
        "copyright_transfer": agreement.copyright_transfer,
        "products": sorted(product.slug for product in agreement.products),
    }


def representation(supplier: Supplier) -> dict:
    return summary(supplier) | {
        "vat_number": supplier.vat_number,
        "address": supplier.address,
        "contact_name": supplier.contact_name,
        "contact_email": supplier.contact_email,
        "statement": supplier.statement,
        "language": supplier.language,
        "code_of_conduct_accepted_at": supplier.code_of_conduct_accepted_at,
        "decided_at": supplier.decided_at,
        "decision_reason": supplier.decision_reason,
        "created_at": supplier.created_at,
        "products_wanted": sorted(product.slug for product in supplier.products_wanted),
        "agreements": [
            _agreement(agreement)
            for agreement in sorted(supplier.agreements, key=lambda a: (a.signed_on, a.id))
        ],
    }


_SORTS = {
    "name": (func.lower(Supplier.name), Supplier.id),
    "-name": (func.lower(Supplier.name).desc(), Supplier.id.desc()),
    "created": (Supplier.created_at, Supplier.id),
    "-created": (Supplier.created_at.desc(), Supplier.id.desc()),
}


@bp.route("/suppliers")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(SupplierListArgs, location="query", as_kwargs=True)
@bp.response(200, SupplierSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_suppliers(page, per_page, sort, status=""):
    """Every supplier for the secretariat, filtered by vetting status as on its page; a
    supplier's contact their own suppliers.

    Scope: suppliers:read."""
    require("suppliers", READ, "suppliers.mine")
    statement = select(Supplier)
    if not may("suppliers.manage"):
        statement = statement.where(
            Supplier.id.in_(
                select(SupplierContact.supplier_id).where(SupplierContact.user_id == g.api_user.id)
            )
        )
    if status:
        statement = statement.where(Supplier.status == status)
    rows, headers = paginate(
        statement.order_by(*_SORTS[sort]), {"page": page, "per_page": per_page}
    )
    return [summary(row) for row in rows], 200, headers


@bp.route("/suppliers/<int:supplier_id>")
@bp.response(200, SupplierSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_supplier(supplier_id: int):
    """A supplier with its registration, vetting decision, products of interest and
    agreements, as its page shows it.

    Scope: suppliers:read; its contacts and the secretariat."""
    supplier = db.session.scalar(
        select(Supplier)
        .options(
            selectinload(Supplier.agreements).selectinload(SupplierAgreement.products),
            selectinload(Supplier.products_wanted),
        )
        .where(Supplier.id == supplier_id)
    )
    if supplier is None:
        problem(404)
    require("suppliers", READ, "suppliers.view", supplier)
    return representation(supplier)
