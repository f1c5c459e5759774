"""Agreement documents and their acceptance: the secretariat reads every document; a contact
of an organisation or supplier reads its documents and who accepted them, as the pages show."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from sqlalchemy import or_, select
from sqlalchemy.orm import defer, selectinload

from consortium.agreements.models import (
    ACCEPTANCE_METHODS,
    DOCUMENT_STATUSES,
    KINDS,
    AgreementDocument,
)
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
from consortium.members.models import OrganisationContact
from consortium.suppliers.models import SupplierContact

bp = api_blueprint(
    "api-agreements",
    "Agreement documents (membership, participation, supplier) with their status and "
    "acceptance: every one for the secretariat, their own organisation's or supplier's for a "
    "contact.",
)

MAX_ID = 2**31 - 1


class AcceptanceSchema(ma.Schema):
    method = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ACCEPTANCE_METHODS),
        metadata={"description": "online (accepted on the page) or scan (a signed scan)."},
    )
    signer_name = ma.fields.String(required=True)
    signer_role = ma.fields.String(required=True)
    accepted_at = ma.fields.DateTime(required=True)
    version_label = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True, metadata={"description": "Of the PDF accepted."})


class AgreementSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(DOCUMENT_STATUSES))
    title = ma.fields.String(required=True)
    party_name = ma.fields.String(required=True)
    organisation_id = ma.fields.Integer(allow_none=True, required=True)
    supplier_id = ma.fields.Integer(allow_none=True, required=True)
    participation_id = ma.fields.Integer(allow_none=True, required=True)
    made_at = ma.fields.DateTime(required=True)
    accepted_at = ma.fields.DateTime(allow_none=True, required=True)


class AgreementSchema(AgreementSummarySchema):
    version_label = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    body = ma.fields.String(required=True, metadata={"description": "The document's text."})
    sha256 = ma.fields.String(required=True, metadata={"description": "Of the document's PDF."})
    sent_at = ma.fields.DateTime(allow_none=True, required=True)
    replaced_at = ma.fields.DateTime(allow_none=True, required=True)
    replaced_by_id = ma.fields.Integer(allow_none=True, required=True)
    acceptance = ma.fields.Nested(AcceptanceSchema, allow_none=True, required=True)
    may_accept = ma.fields.Boolean(
        required=True,
        metadata={"description": "Whether the caller may accept it now (on its page)."},
    )


class AgreementListArgs(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    status = ma.fields.String(validate=ma.validate.OneOf(DOCUMENT_STATUSES))
    organisation = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "An organisation's id."}
    )
    supplier = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "A supplier's id."}
    )
    sort = sort_field("-made_at", "made_at", "number")


def summary(document: AgreementDocument) -> dict:
    return {
        "id": document.id,
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "title": document.title,
        "party_name": document.party_name,
        "organisation_id": document.organisation_id,
        "supplier_id": document.supplier_id,
        "participation_id": document.participation_id,
        "made_at": document.made_at,
        "accepted_at": document.accepted_at,
    }


def representation(document: AgreementDocument) -> dict:
    acceptance = document.acceptance
    return summary(document) | {
        "version_label": document.version_label,
        "language": document.language,
        "body": document.body,
        "sha256": document.sha256,
        "sent_at": document.sent_at,
        "replaced_at": document.replaced_at,
        "replaced_by_id": document.replaced_by_id,
        "acceptance": None
        if acceptance is None
        else {
            "method": acceptance.method,
            "signer_name": acceptance.signer_name,
            "signer_role": acceptance.signer_role,
            "accepted_at": acceptance.accepted_at,
            "version_label": acceptance.version_label,
            "sha256": acceptance.sha256,
        },
        "may_accept": document.is_waiting and document.may_accept(g.api_user.id),
    }


_SORTS = {
    "made_at": (AgreementDocument.made_at, AgreementDocument.id),
    "-made_at": (AgreementDocument.made_at.desc(), AgreementDocument.id.desc()),
    "number": (AgreementDocument.number_year, AgreementDocument.number, AgreementDocument.id),
    "-number": (
        AgreementDocument.number_year.desc(),
        AgreementDocument.number.desc(),
        AgreementDocument.id.desc(),
    ),
}


@bp.route("/agreements")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(AgreementListArgs, location="query", as_kwargs=True)
@bp.response(200, AgreementSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_agreements(page, per_page, sort, kind="", status="", organisation=None, supplier=None):
    """Agreement documents: every one for the secretariat; those of the organisations and
    suppliers the caller is a contact of otherwise. Filter by kind, status, organisation and
    supplier.

    Scope: agreements:read."""
    require("agreements", READ, "agreements.mine")
    statement = select(AgreementDocument).options(
        defer(AgreementDocument.pdf),
        selectinload(AgreementDocument.organisation),
        selectinload(AgreementDocument.supplier),
    )
    if not may("agreements.manage"):
        user_id = g.api_user.id
        statement = statement.where(
            or_(
                AgreementDocument.organisation_id.in_(
                    select(OrganisationContact.organisation_id).where(
                        OrganisationContact.user_id == user_id
                    )
                ),
                AgreementDocument.supplier_id.in_(
                    select(SupplierContact.supplier_id).where(SupplierContact.user_id == user_id)
                ),
            )
        )
    if kind:
        statement = statement.where(AgreementDocument.kind == kind)
    if status:
        statement = statement.where(AgreementDocument.status == status)
    if organisation is not None:
        statement = statement.where(AgreementDocument.organisation_id == organisation)
    if supplier is not None:
        statement = statement.where(AgreementDocument.supplier_id == supplier)
    documents, headers = paginate(
        statement.order_by(*_SORTS[sort]), {"page": page, "per_page": per_page}
    )
    return [summary(document) for document in documents], 200, headers


@bp.route("/agreements/<int:document_id>")
@bp.response(200, AgreementSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_agreement(document_id: int):
    """An agreement document: its text, version, SHA-256, status and who accepted it when.

    Scope: agreements:read; the contacts of its organisation or supplier and the
    secretariat."""
    document = db.session.scalar(
        select(AgreementDocument)
        .options(defer(AgreementDocument.pdf), selectinload(AgreementDocument.acceptance))
        .where(AgreementDocument.id == document_id)
    )
    if document is None:
        problem(404)
    require("agreements", READ, "agreements.view", document)
    return representation(document)
