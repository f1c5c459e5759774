"""The demo's suppliers: every vetting state, valid numbers, contacts who can sign in."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from consortium import demo
from consortium.auth.passwords import password_problem
from consortium.extensions import db
from consortium.products.models import Product
from consortium.suppliers import numbers, queries
from consortium.suppliers.demo import load_demo
from consortium.suppliers.models import Supplier
from tests.conftest import login


def test_the_demo_has_suppliers_in_every_state(in_demo):
    client = in_demo.test_client()
    os2mo = db.session.scalar(select(Product).where(Product.slug == "os2mo"))
    logins = [login for login in demo.all_logins() if login.role == "supplier contact"]
    suppliers = list(db.session.scalars(select(Supplier)))
    assert Counter(s.status for s in suppliers) == {"approved": 3, "pending": 2, "rejected": 1}
    assert {s.country for s in suppliers} == {"DK", "DE"}
    for supplier in suppliers:
        assert numbers.compact(supplier.country, supplier.registration_number) == (
            supplier.registration_number
        )
        assert len(supplier.contacts) == (1 if supplier.status == "approved" else 0)
    assert next(s for s in suppliers if s.status == "rejected").decision_reason
    assert len(queries.expiring_agreements()) == 1
    assert [s.name for s in queries.suppliers_with_valid_agreement(os2mo)]
    assert len(logins) == 3
    db.session.rollback()  # the sign-ins write in their own transactions
    for demo_login in logins:
        assert password_problem(demo_login.password, demo_login.email) is None
        assert login(client, demo_login.email, demo_login.password).status_code == 302
        client.post("/sign-out")


def test_the_demo_copes_without_products(app):
    assert len(load_demo()) == 3
    assert all(not s.products_wanted for s in db.session.scalars(select(Supplier)))
