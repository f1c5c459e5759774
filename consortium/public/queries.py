"""Reading what the public may see: the catalogue, a product's page, the members, the suppliers.

The pages get plain dataclasses, never a User: a person appears by name, and by email only
when they chose to publish it, so a template cannot show more by mistake.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from consortium.auth.models import User
from consortium.db import in_force_on
from consortium.extensions import db
from consortium.groups.models import Group, GroupMember
from consortium.members.models import Membership, Organisation
from consortium.participation.models import Participation
from consortium.products.models import LEVELS, PRODUCT_STATUSES, Product, ProductDescription
from consortium.suppliers.models import Supplier, SupplierAgreement, agreement_product

PAGE_SIZE = 20


@dataclass
class CatalogueFilter:
    """The catalogue's search and filters; unknown values are ignored, not an error.

    Retired products are left out unless the status filter asks for them.
    """

    search: str = ""
    status: str = ""
    level: str = ""
    licence: str = ""

    def __post_init__(self) -> None:
        self.search = self.search.strip()[:200]
        if self.status not in PRODUCT_STATUSES:
            self.status = ""
        if self.level not in LEVELS:
            self.level = ""

    def statement(self) -> Select:
        query = select(Product).options(selectinload(Product.descriptions))
        if self.status:
            query = query.where(Product.status == self.status)
        else:
            query = query.where(Product.status != "retired")
        if self.level:
            query = query.where(Product.level == self.level)
        if self.licence:
            query = query.where(Product.licence == self.licence)
        if self.search:
            query = query.where(
                or_(
                    Product.name.icontains(self.search, autoescape=True),
                    Product.descriptions.any(
                        or_(
                            ProductDescription.short_description.icontains(
                                self.search, autoescape=True
                            ),
                            ProductDescription.long_description.icontains(
                                self.search, autoescape=True
                            ),
                        )
                    ),
                )
            )
        return query.order_by(func.lower(Product.name), Product.id)


def catalogue(catalogue_filter: CatalogueFilter, page: int):
    return db.paginate(catalogue_filter.statement(), page=page, per_page=PAGE_SIZE, error_out=False)


def licences_in_use() -> list[str]:
    return list(
        db.session.scalars(
            select(Product.licence)
            .where(Product.licence != "")
            .distinct()
            .order_by(Product.licence)
        )
    )


def product_by_slug(slug: str) -> Product | None:
    return db.session.scalar(
        select(Product).options(selectinload(Product.descriptions)).where(Product.slug == slug)
    )


def participating_organisations(product: Product, day: date) -> list[str]:
    """Names of the organisations whose commitment or agreement runs on the day."""
    return list(
        db.session.scalars(
            select(Organisation.name)
            .join(Participation, Participation.organisation_id == Organisation.id)
            .where(
                Participation.product_id == product.id,
                in_force_on(Participation.starts_on, Participation.ends_on, day),
            )
            .distinct()
            .order_by(Organisation.name)
        )
    )


def _valid_agreement_products(day: date) -> Select:
    """(supplier id, product id) of every supplier agreement in force on the day."""
    return (
        select(SupplierAgreement.supplier_id, agreement_product.c.product_id)
        .join(agreement_product, agreement_product.c.agreement_id == SupplierAgreement.id)
        .where(in_force_on(SupplierAgreement.signed_on, SupplierAgreement.valid_until, day))
    )


@dataclass
class PublicSupplier:
    id: int
    name: str
    service_types: list[str]
    statement: str
    products: list[Product] = field(default_factory=list)


def approved_suppliers(day: date, product: Product | None = None) -> list[PublicSupplier]:
    """Approved suppliers with the products their agreements in force cover.

    With a product, only the suppliers whose agreement in force covers it.
    """
    suppliers = select(Supplier).where(Supplier.status == "approved").order_by(Supplier.name)
    if product is not None:
        covering = _valid_agreement_products(day).subquery()
        suppliers = suppliers.where(
            Supplier.id.in_(
                select(covering.c.supplier_id).where(covering.c.product_id == product.id)
            )
        )
    rows = list(db.session.scalars(suppliers))
    covered = _valid_agreement_products(day).subquery()
    pairs = db.session.execute(
        select(covered.c.supplier_id, Product)
        .join(Product, Product.id == covered.c.product_id)
        .where(covered.c.supplier_id.in_([supplier.id for supplier in rows]))
        .order_by(func.lower(Product.name), Product.id)
    ).all()
    products_of: dict[int, list[Product]] = defaultdict(list)
    for supplier_id, covered_product in pairs:
        if covered_product not in products_of[supplier_id]:
            products_of[supplier_id].append(covered_product)
    return [
        PublicSupplier(
            id=supplier.id,
            name=supplier.name,
            service_types=list(supplier.service_types or []),
            statement=supplier.statement,
            products=products_of[supplier.id],
        )
        for supplier in rows
    ]


def contractors(product: Product, day: date) -> list[tuple[str, date | None]]:
    """(name, valid until) of the approved suppliers whose agreement in force covers the product.

    Of a supplier's several agreements the one that runs longest counts (None: open-ended).
    """
    rows = db.session.execute(
        select(Supplier.name, SupplierAgreement.valid_until)
        .join(SupplierAgreement, SupplierAgreement.supplier_id == Supplier.id)
        .join(agreement_product, agreement_product.c.agreement_id == SupplierAgreement.id)
        .where(
            Supplier.status == "approved",
            agreement_product.c.product_id == product.id,
            in_force_on(SupplierAgreement.signed_on, SupplierAgreement.valid_until, day),
        )
        .order_by(Supplier.name)
    )
    until: dict[str, date | None] = {}
    for name, valid_until in rows:
        if name not in until:
            until[name] = valid_until
        elif until[name] is not None and (valid_until is None or valid_until > until[name]):
            until[name] = valid_until
    return list(until.items())


@dataclass
class PublicPerson:
    """A person as the public sees them: a name, and an email only if they published it."""

    name: str
    email: str = ""


def public_person(user: User) -> PublicPerson:
    published = user.email if user.publish_email and not user.is_anonymised else ""
    if user.is_anonymised:
        return PublicPerson(user.placeholder_name)
    # Never fall back to the email address as the name (as display_name does).
    return PublicPerson(user.name or published or _("Name not published"), published)


@dataclass
class PublicGroup:
    name: str
    kind: str
    chairs: list[PublicPerson]


def product_groups(product: Product, day: date) -> list[PublicGroup]:
    """The product's groups, each with its chairs whose term runs on the day."""
    groups = list(
        db.session.scalars(
            select(Group).where(Group.product_id == product.id).order_by(Group.name, Group.id)
        )
    )
    chairs = db.session.scalars(
        select(GroupMember)
        .options(selectinload(GroupMember.user))
        .where(
            GroupMember.group_id.in_([group.id for group in groups]),
            GroupMember.role == "chair",
            in_force_on(GroupMember.starts_on, GroupMember.ends_on, day),
        )
        .order_by(GroupMember.starts_on, GroupMember.id)
    )
    chairs_of: dict[int, list[PublicPerson]] = defaultdict(list)
    for chair in chairs:
        chairs_of[chair.group_id].append(public_person(chair.user))
    return [PublicGroup(group.name, group.kind, chairs_of[group.id]) for group in groups]


@dataclass
class PublicMember:
    name: str
    kind: str
    country: str


def active_members() -> list[PublicMember]:
    """Organisations whose latest membership step is "active", by name: nothing else of them."""
    latest = (
        select(Membership.organisation_id, func.max(Membership.id).label("latest_id"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation.name, Organisation.kind, Organisation.country)
        .join(latest, latest.c.organisation_id == Organisation.id)
        .join(Membership, Membership.id == latest.c.latest_id)
        .where(Membership.status == "active")
        .order_by(Organisation.name, Organisation.id)
    )
    return [PublicMember(name, kind, country) for name, kind, country in rows]
