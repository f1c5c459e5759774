"""The product catalogue and each product's publiccode.yml, as the public pages show them;
and the approved suppliers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func

from consortium.api import schemas
from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    page_headers,
    paginate,
    problem,
)
from consortium.api.organisations import public_bp
from consortium.i18n import current_language
from consortium.products import publiccode
from consortium.products.models import Product
from consortium.products.queries import description_for
from consortium.public import queries as public_queries
from consortium.settings.services import get_settings

bp = api_blueprint(
    "api-products",
    "The product catalogue, as the public pages show it, to anyone: descriptions, maturity "
    "level, participating organisations and publiccode.yml.",
)

_SORTS = {
    "name": (func.lower(Product.name), Product.id),
    "-name": (func.lower(Product.name).desc(), Product.id.desc()),
    "created": (Product.created_at, Product.id),
    "-created": (Product.created_at.desc(), Product.id.desc()),
}


def _summary(product: Product, language: str) -> dict:
    description = description_for(product, language)
    return {
        "slug": product.slug,
        "name": product.name,
        "status": product.status,
        "level": product.level,
        "licence": product.licence,
        "short_description": description.short_description if description else "",
    }


@bp.route("/products")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(schemas.ProductListArgs, location="query", as_kwargs=True)
@bp.response(200, schemas.ProductSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(422)
def list_products(page, per_page, q, sort, status="", level="", licence=""):
    """The catalogue: search, filter by status, level and licence; retired products only when
    the status asks for them. The short description in the language of Accept-Language."""
    catalogue = public_queries.CatalogueFilter(
        search=q, status=status, level=level, licence=licence
    )
    statement = catalogue.statement().order_by(None).order_by(*_SORTS[sort])
    products, headers = paginate(statement, {"page": page, "per_page": per_page})
    language = current_language()
    return [_summary(product, language) for product in products], 200, headers


@bp.route("/products/<slug>")
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
@bp.response(200, schemas.ProductSchema, headers=ETAG_HEADER)
@bp.problems(404)
def get_product(slug: str):
    """A product: its descriptions in every language, level, links, the organisations taking
    part and its publiccode.yml."""
    product = public_queries.product_by_slug(slug)
    if product is None:
        problem(404)
    today = date.today()
    organisations = public_queries.participating_organisations(product, today)
    facts = publiccode.ExportFacts(
        owner=get_settings().name,
        organisations=organisations,
        contractors=public_queries.contractors(product, today),
    )
    return _summary(product, current_language()) | {
        "repository_url": product.repository_url,
        "issue_tracker_url": product.issue_tracker_url,
        "website_url": product.website_url,
        "software_type": product.software_type,
        "platforms": [str(item) for item in product.platforms or []],
        "categories": [str(item) for item in product.categories or []],
        "descriptions": [
            {
                "language": d.language,
                "short_description": d.short_description,
                "long_description": d.long_description,
                "features": d.features,
            }
            for d in sorted(product.descriptions, key=lambda d: d.language)
        ],
        "participating_organisations": organisations,
        "groups": [
            {
                "name": group.name,
                "kind": group.kind,
                "chairs": [{"name": c.name, "email": c.email} for c in group.chairs],
            }
            for group in public_queries.product_groups(product, today)
        ],
        "publiccode_yml": publiccode.dump(publiccode.build(product, facts)),
    }


@public_bp.route("/suppliers")
@public_bp.arguments(ListArgs, location="query", as_kwargs=True)
@public_bp.response(200, schemas.PublicSupplierSchema(many=True), headers=LIST_HEADERS)
@public_bp.problems(422)
def public_suppliers(page, per_page):
    """The approved suppliers, their services, statement and the products they may work on."""
    suppliers = public_queries.approved_suppliers(date.today())
    shown = suppliers[(page - 1) * per_page : page * per_page]
    return (
        [
            {
                "name": supplier.name,
                "service_types": [str(item) for item in supplier.service_types],
                "statement": supplier.statement,
                "products": [product.slug for product in supplier.products],
            }
            for supplier in shown
        ],
        200,
        page_headers(len(suppliers), page, per_page),
    )
