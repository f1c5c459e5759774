"""Records the product tests need, made directly so these tests follow only the data model."""

from __future__ import annotations

from datetime import date
from itertools import count

from consortium.extensions import db
from consortium.groups.models import Group, GroupMember
from consortium.members import services as members
from consortium.participation.models import Participation
from consortium.products import services
from consortium.suppliers.models import Supplier, SupplierAgreement
from tests.conftest import make_user


def product(name="OS2forms", slug=None, **fields):
    values = {"name": name, "slug": slug or name.lower().replace(" ", "-")} | fields
    return services.create_product(**values)


def organisation(name):
    return members.create_organisation(name=name, kind="municipality", country="DK")


def participation(
    product, organisation, phase="agreement", starts_on=date(2025, 1, 1), ends_on=None
):
    record = Participation(
        organisation=organisation,
        product=product,
        phase=phase,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(record)
    db.session.flush()
    return record


def group(kind, product=None, name=None):
    record = Group(kind=kind, name=name or kind, product_id=product.id if product else None)
    db.session.add(record)
    db.session.flush()
    return record


def member(group, user, starts_on=date(2025, 1, 1), ends_on=None):
    record = GroupMember(group=group, user_id=user.id, starts_on=starts_on, ends_on=ends_on)
    db.session.add(record)
    db.session.flush()
    return record


def user(email):
    return make_user(email)


_numbers = count(10000000)


def supplier_agreement(
    products,
    name="Magenta ApS",
    signed_on=date(2025, 1, 1),
    valid_until=None,
    status="approved",
):
    supplier = Supplier(
        name=name,
        country="DK",
        registration_number=f"{next(_numbers):08d}",
        contact_name="Kim",
        contact_email="kim@supplier.example.dk",
        status=status,
    )
    agreement = SupplierAgreement(
        supplier=supplier, version="1.0", signed_on=signed_on, valid_until=valid_until
    )
    agreement.products = list(products)
    db.session.add_all([supplier, agreement])
    db.session.flush()
    return agreement
