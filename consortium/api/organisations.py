"""The member register: organisations with populations, tiers, billing identities and
membership history; the public member list; a year's population figures."""

from __future__ import annotations

import csv
import io

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium.api import schemas
from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    may,
    paginate,
    problem,
    require,
    requires,
)
from consortium.api.tokens import READ, WRITE
from consortium.extensions import db
from consortium.members import queries, services, transfer
from consortium.members.models import BillingIdentity, Organisation, OrganisationContact
from consortium.public import queries as public_queries

bp = api_blueprint(
    "api-organisations",
    "Organisations: populations, tiers, billing identities and membership history. A contact "
    "sees their own organisations; the secretariat every one.",
)


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.scalar(
        select(Organisation)
        .options(
            selectinload(Organisation.populations),
            selectinload(Organisation.memberships),
            selectinload(Organisation.billing_identities),
        )
        .where(Organisation.id == organisation_id)
    )
    if organisation is None:
        problem(404)
    return organisation


def summary(organisation: Organisation, sets) -> dict:
    status = services.membership_status(organisation)
    tier = services.current_tier(organisation, sets)
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
        "registration_number": organisation.registration_number,
        "municipality_code": organisation.municipality_code,
        "membership_status": status.status if status else None,
        "tier": tier.__dict__ if tier else None,
    }


def representation(organisation: Organisation) -> dict:
    """The organisation as its page shows it to its contacts and the secretariat."""
    return summary(organisation, services.band_sets()) | {
        "vat_number": organisation.vat_number,
        "address": organisation.address,
        "email": organisation.email,
        "language": organisation.language,
        "populations": sorted(
            (
                {"year": f.year, "population": f.population, "source": f.source}
                for f in organisation.populations
            ),
            key=lambda figure: figure["year"],
        ),
        "memberships": [
            {"status": m.status, "status_on": m.status_on, "reason": m.reason}
            for m in organisation.memberships
        ],
        "billing_identities": [identity_representation(i) for i in organisation.billing_identities],
    }


def identity_representation(identity: BillingIdentity) -> dict:
    return {
        "id": identity.id,
        "name": identity.name,
        "gln": identity.gln,
        "peppol_id": identity.peppol_id,
        "invoice_reference": identity.invoice_reference,
        "invoice_email": identity.invoice_email,
        "is_default": identity.is_default,
    }


_SORTS = {
    "name": (Organisation.name, Organisation.id),
    "-name": (Organisation.name.desc(), Organisation.id.desc()),
    "id": (Organisation.id,),
    "-id": (Organisation.id.desc(),),
}


@bp.route("/organisations")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(schemas.OrganisationListArgs, location="query", as_kwargs=True)
@bp.response(200, schemas.OrganisationSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_organisations(page, per_page, q, sort, kind="", status="", country=""):
    """The organisations the caller may see: every one for the secretariat, a contact's own.

    Scope: register:read."""
    require("register", READ, "organisations.list")
    only_own = None if may("organisations.manage") else g.api_user.id
    statement = queries.OrganisationFilter(
        search=q.strip(), kind=kind, status=status, country=country.upper()
    ).statement(only_own)
    statement = statement.order_by(None).order_by(*_SORTS[sort])
    organisations, headers = paginate(statement, {"page": page, "per_page": per_page})
    sets = services.band_sets()
    return [summary(organisation, sets) for organisation in organisations], 200, headers


@bp.route("/organisations/<int:organisation_id>")
@bp.response(200, schemas.OrganisationSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_organisation(organisation_id: int):
    """An organisation with its populations, tier, billing identities and membership history.

    Scope: register:read; its contacts and the secretariat."""
    organisation = _organisation_or_404(organisation_id)
    require("register", READ, "organisations.view", organisation)
    return representation(organisation)


@bp.route("/organisations/<int:organisation_id>/billing-identities")
@bp.response(200, schemas.BillingIdentitySchema(many=True), headers=ETAG_HEADER)
@bp.problems(403, 404)
def list_billing_identities(organisation_id: int):
    """The organisation's billing identities (who invoices are addressed to).

    Scope: register:read; its contacts and the secretariat."""
    organisation = _organisation_or_404(organisation_id)
    require("register", READ, "organisations.view", organisation)
    return [identity_representation(identity) for identity in organisation.billing_identities]


# --- the public member list ---------------------------------------------------------------

public_bp = api_blueprint(
    "api-public",
    "What the public pages show, to anyone, with or without a token: the members, the "
    "approved suppliers.",
    "/public",
)


@public_bp.route("/members")
@public_bp.arguments(ListArgs, location="query", as_kwargs=True)
@public_bp.response(200, schemas.PublicMemberSchema(many=True), headers=LIST_HEADERS)
@public_bp.problems(422)
def public_members(page, per_page):
    """The organisations that are members now: name, kind and country only."""
    from consortium.api.core import page_headers

    members = public_queries.active_members()
    shown = members[(page - 1) * per_page : page * per_page]
    return (
        [m.__dict__ for m in shown],
        200,
        page_headers(len(members), page, per_page),
    )


# --- population figures -------------------------------------------------------------------


@bp.route("/populations/<int(min=1900, max=2200):year>", methods=["PUT"])
@requires("register", WRITE, "organisations.manage")
@bp.arguments(schemas.PopulationImportSchema)
@bp.response(200, schemas.PopulationImportResultSchema)
@bp.problems(403, 404, 422)
def import_population(body: dict, year: int):
    """Record a year's population (on 1 January) for many organisations at once: all the
    figures or, when one is wrong, none; the same checks and messages as `flask orgs
    import-population`.

    Scope: register:write; the secretariat."""
    figures = body["figures"]
    key = "registration_number" if "registration_number" in figures[0] else "municipality_code"
    errors = [
        {"location": "json", "field": f"figures.{index}.{key}", "reason": _missing_key()}
        for index, figure in enumerate(figures)
        if not figure.get(key)
    ]
    if errors:
        problem(422, errors=errors)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([key, "population"])
    for figure in figures:
        writer.writerow([figure[key], figure["population"]])
    report = transfer.import_population(
        buffer.getvalue().encode("utf-8"),
        f"API population {year}",
        year=year,
        source=body["source"],
        country=body.get("country"),
        skip_unknown=body["skip_unknown"],
        apply=not body["dry_run"],
    )
    if report.problems:
        problem(
            422,
            errors=[
                {
                    "location": "json",
                    "field": _figure_field(problem_.line, problem_.column),
                    "reason": str(problem_.message),
                }
                for problem_ in report.problems
            ],
        )
    return {
        "applied": report.applied,
        "updated": report.count("update"),
        "unchanged": report.count("unchanged"),
        "rows": [_row(row) for row in report.rows],
        "skipped": [_row(row) for row in report.skipped],
        "missing": [organisation.name for organisation in report.missing],
    }


def _missing_key() -> str:
    from flask_babel import gettext as _

    return _("Give every figure the same key: municipality_code or registration_number.")


def _figure_field(line: int, column: str) -> str:
    # Line 1 of the file the figures make is its header; figure 0 is line 2.
    if line < 2:
        return "figures"
    return f"figures.{line - 2}" + (f".{column}" if column else "")


def _row(row) -> dict:
    return {"index": max(row.line - 2, 0), "action": row.action, "name": row.name}


def contact_organisation_ids(user_id: int):
    return select(OrganisationContact.organisation_id).where(OrganisationContact.user_id == user_id)
