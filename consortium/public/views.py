"""Public pages, open to anyone without signing in: load, render."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from consortium.i18n import country_name, current_language
from consortium.listing import Column, Listing
from consortium.members.labels import KIND_LABELS
from consortium.products import publiccode
from consortium.products.queries import description_for
from consortium.public import bp, queries
from consortium.public.labels import (
    GROUP_KIND_LABELS,
    LEVEL_LABELS,
    PRODUCT_STATUS_LABELS,
    SERVICE_TYPE_LABELS,
)
from consortium.public.minutes import published as published_minutes
from consortium.settings.services import get_settings
from consortium.web import page_number


def _labels() -> dict:
    return {
        "status_labels": PRODUCT_STATUS_LABELS,
        "level_labels": LEVEL_LABELS,
        "group_kind_labels": GROUP_KIND_LABELS,
        "service_type_labels": SERVICE_TYPE_LABELS,
        "kind_labels": KIND_LABELS,
    }


@bp.route("/products")
def products():
    """The product catalogue: search, filters by status, level and licence, a page at a time."""
    catalogue_filter = queries.CatalogueFilter(
        search=request.args.get("q", ""),
        status=request.args.get("status", ""),
        level=request.args.get("level", ""),
        licence=request.args.get("licence", ""),
    )
    pagination = queries.catalogue(catalogue_filter, page_number())
    language = current_language()
    rows = [(product, description_for(product, language)) for product in pagination.items]
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "public/products.html",
        rows=rows,
        pagination=pagination,
        filter=catalogue_filter,
        licences=queries.licences_in_use(),
        args=args,
        **_labels(),
    )


@bp.route("/products/<slug>")
def product(slug: str):
    """A product: its description, level, links, participants, suppliers and groups."""
    found = queries.product_by_slug(slug)
    if found is None:
        abort(404)
    today = date.today()
    return render_template(
        "public/product.html",
        product=found,
        description=description_for(found, current_language()),
        organisations=queries.participating_organisations(found, today),
        suppliers=queries.approved_suppliers(today, product=found),
        groups=queries.product_groups(found, today),
        minutes=published_minutes(found),
        publiccode_url=url_for("public.publiccode_yml", slug=found.slug),
        **_labels(),
    )


@bp.route("/products/<slug>/publiccode.yml")
def publiccode_yml(slug: str):
    """The product's publiccode.yml, built by the products package from public facts only."""
    found = queries.product_by_slug(slug)
    if found is None:
        abort(404)
    today = date.today()
    facts = publiccode.ExportFacts(
        owner=get_settings().name,
        organisations=queries.participating_organisations(found, today),
        contractors=queries.contractors(found, today),
    )
    return Response(
        publiccode.dump(publiccode.build(found, facts)),
        mimetype="application/yaml",
        headers={"Content-Disposition": "inline; filename=publiccode.yml"},
    )


@bp.route("/members")
def members():
    """The organisations that are members now: name, kind and country only, sorted by a
    column, paged and exported as shown."""
    columns = _member_columns()
    listing = Listing("public.members", columns, default_sort="name")
    rows = queries.active_members()
    if listing.exporting:
        return listing.export(listing.sort_rows(rows), "members")
    pagination = listing.paginate_rows(rows)
    return render_template(
        "public/members.html",
        members=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=columns,
        **_labels(),
    )


def _kind(member: queries.PublicMember) -> str:
    return str(KIND_LABELS.get(member.kind, member.kind))


def _member_columns() -> list[Column]:
    """The member list's columns, sorting the rows as the page shows them (kind and country in
    the reader's language): what each sorts by and how a member reads in the export."""
    return [
        Column("name", _l("Name"), lambda member: member.name.casefold(), lambda m: m.name),
        Column("kind", _l("Kind"), lambda member: _kind(member).casefold(), _kind),
        Column(
            "country",
            _l("Country"),
            lambda member: country_name(member.country).casefold(),
            lambda member: country_name(member.country),
        ),
    ]


@bp.route("/suppliers")
def suppliers():
    """The approved suppliers, their services, statement and the products they may work on."""
    return render_template(
        "public/suppliers.html", suppliers=queries.approved_suppliers(date.today()), **_labels()
    )
