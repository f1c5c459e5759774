"""Reading the supplier register, also for other domains' pages.

Other engineers: ``valid_agreements(product, on=...)`` and ``suppliers_with_valid_agreement(
product, on=...)`` answer "which suppliers may work on this product today?".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import selectinload

from consortium import periods
from consortium.db import in_force_on
from consortium.extensions import db
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact

EXPIRY_WARNING_DAYS = 90


def product_choices(include_ids: Iterable[int] = ()) -> list[tuple[int, str]]:
    """Products one may choose: those not retired, and any already chosen."""
    include_ids = list(include_ids)
    condition = Product.status != "retired"
    if include_ids:
        condition = or_(condition, Product.id.in_(include_ids))
    products = db.session.scalars(select(Product).where(condition).order_by(Product.name))
    return [(product.id, product.name) for product in products]


def products_by_ids(ids: Iterable[int]) -> list[Product]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Product).where(Product.id.in_(ids))))


def find_registered(
    country: str, registration_number: str, *, for_update: bool = False
) -> Supplier | None:
    """The supplier with that country and registration number, whatever its status.

    With ``for_update`` the row is locked (where the database can) and read afresh, so two
    registrations of the same company at once do not both reopen it.
    """
    statement = select(Supplier).where(
        Supplier.country == country.upper(),
        Supplier.registration_number == registration_number,
    )
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(statement)


def suppliers(status: str | None = None) -> list[Supplier]:
    """Suppliers by name, optionally only those of one vetting status."""
    return list(db.session.scalars(suppliers_statement(status).order_by(Supplier.name)))


def suppliers_statement(status: str | None = None):
    """The suppliers, optionally only those of one vetting status, unsorted."""
    statement = select(Supplier).options(selectinload(Supplier.agreements))
    if status:
        statement = statement.where(Supplier.status == status)
    return statement


def suppliers_of_contact(user) -> list[Supplier]:
    """The suppliers the user is a contact of."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            select(Supplier)
            .join(SupplierContact, SupplierContact.supplier_id == Supplier.id)
            .where(SupplierContact.user_id == user.id)
            .order_by(Supplier.name)
        )
    )


def _valid_on(on: date):
    return (in_force_on(SupplierAgreement.signed_on, SupplierAgreement.valid_until, on),)


def is_valid(agreement: SupplierAgreement, on: date | None = None) -> bool:
    """Whether the agreement is in force on the day (today when not given)."""
    on = on or date.today()
    return periods.in_force_on(agreement.signed_on, agreement.valid_until, on)


def valid_agreements(product: Product, on: date | None = None) -> list[SupplierAgreement]:
    """The agreements of approved suppliers that cover the product on the day (default today)."""
    on = on or date.today()
    return list(
        db.session.scalars(
            select(SupplierAgreement)
            .join(Supplier, SupplierAgreement.supplier_id == Supplier.id)
            .where(
                Supplier.status == "approved",
                SupplierAgreement.products.any(Product.id == product.id),
                *_valid_on(on),
            )
            .order_by(Supplier.name, SupplierAgreement.signed_on)
            .options(selectinload(SupplierAgreement.supplier))
        )
    )


def suppliers_with_valid_agreement(product: Product, on: date | None = None) -> list[Supplier]:
    """The approved suppliers with an agreement covering the product on the day, by name."""
    seen: dict[int, Supplier] = {}
    for agreement in valid_agreements(product, on):
        seen.setdefault(agreement.supplier_id, agreement.supplier)
    return list(seen.values())


def expiring(
    first: date | ColumnElement[date], last: date | ColumnElement[date]
) -> ColumnElement[bool]:
    """The condition of an agreement whose last valid day is between the two days (today and
    the end of the warning period; dates, or parameters of a larger statement)."""
    return and_(SupplierAgreement.valid_until >= first, SupplierAgreement.valid_until <= last)


def expiring_agreements(
    today: date | None = None, days: int = EXPIRY_WARNING_DAYS
) -> list[SupplierAgreement]:
    """Agreements whose last valid day is between today and `days` days from today."""
    today = today or date.today()
    return list(
        db.session.scalars(
            select(SupplierAgreement)
            .where(expiring(today, today + timedelta(days=days)))
            .order_by(SupplierAgreement.valid_until)
            .options(
                selectinload(SupplierAgreement.supplier),
                selectinload(SupplierAgreement.products),
            )
        )
    )
