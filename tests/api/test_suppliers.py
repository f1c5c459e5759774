"""Suppliers through the API: the secretariat reads every supplier in full and filters by
vetting status; a supplier's contact reads their own supplier only; the public list shows the
approved ones without their contact data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consortium.extensions import db
from consortium.products.models import Product
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


@pytest.fixture
def suppliers(app):
    """An approved supplier with a valid agreement for OS2forms, a pending one, and a contact
    of the approved one."""
    product = Product(slug="os2forms", name="OS2forms")
    approved = Supplier(
        name="Magenta ApS",
        country="DK",
        registration_number="25052943",
        contact_name="Mads Magenta",
        contact_email="mads@magenta.example.dk",
        service_types=["development"],
        statement="We build OS2forms.",
        status="approved",
    )
    pending = Supplier(
        name="Pending ApS",
        country="DK",
        registration_number="29189757",
        contact_name="Pia Pending",
        contact_email="pia@pending.example.dk",
    )
    agreement = SupplierAgreement(
        supplier=approved,
        version="2026-1",
        signed_on=date.today() - timedelta(days=30),
        valid_until=date.today() + timedelta(days=300),
        code_of_conduct=True,
        products=[product],
    )
    db.session.add_all([product, approved, pending, agreement])
    db.session.flush()
    person = make_user("mads@magenta.example.dk", name="Mads Magenta")
    db.session.add(SupplierContact(supplier_id=approved.id, user_id=person.id))
    db.session.commit()
    return approved.id, pending.id, person


def test_the_secretariat_reads_every_supplier_in_full(client, suppliers, secretariat):
    approved, pending, _person = suppliers
    token = token_for(secretariat)
    every = client.get("/api/v1/suppliers", headers=bearer(token)).json
    assert [row["name"] for row in every] == ["Magenta ApS", "Pending ApS"]
    waiting = client.get("/api/v1/suppliers?status=pending", headers=bearer(token)).json
    assert [row["id"] for row in waiting] == [pending]
    full = client.get(f"/api/v1/suppliers/{approved}", headers=bearer(token)).json
    assert full["contact_email"] == "mads@magenta.example.dk"
    (agreement,) = full["agreements"]
    assert agreement["products"] == ["os2forms"] and agreement["valid_today"] is True


def test_a_suppliers_contact_reads_their_own_supplier_only(client, suppliers):
    approved, pending, person = suppliers
    token = token_for(person)
    assert [row["id"] for row in client.get("/api/v1/suppliers", headers=bearer(token)).json] == [
        approved
    ]
    assert client.get(f"/api/v1/suppliers/{approved}", headers=bearer(token)).status_code == 200
    refused = client.get(f"/api/v1/suppliers/{pending}", headers=bearer(token))
    assert refused.status_code == 403


def test_a_user_who_is_no_ones_contact_reads_no_supplier(client, suppliers, user):
    approved, _pending, _person = suppliers
    token = token_for(user)
    assert client.get("/api/v1/suppliers", headers=bearer(token)).json == []
    assert client.get(f"/api/v1/suppliers/{approved}", headers=bearer(token)).status_code == 403


def test_the_public_reads_approved_suppliers_without_contact_data(client, suppliers):
    public = client.get("/api/v1/public/suppliers").json
    assert [row["name"] for row in public] == ["Magenta ApS"]
    assert "mads@magenta.example.dk" not in str(public)
    assert client.get("/api/v1/suppliers").status_code == 401
