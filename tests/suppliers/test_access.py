"""A supplier's contact sees and edits their own company, and nothing of another's."""

from __future__ import annotations

from datetime import date

import pytest

from consortium import permissions
from consortium.extensions import db
from consortium.suppliers import services
from consortium.suppliers.models import Supplier
from tests.conftest import login, make_user
from tests.suppliers.helpers import product, supplier


@pytest.fixture
def own(app):
    found = supplier("Magenta ApS", "31000009", contact_email="mads@magenta.example.dk")
    person = make_user("mads@magenta.example.dk", name="Mads Magenta")
    services.approve(found, None)
    os2mo = product("OS2mo")
    services.save_agreement(
        found,
        None,
        version="2026.1",
        signed_on=date(2026, 1, 1),
        valid_until=None,
        product_ids=[os2mo.id],
        code_of_conduct=True,
        floss_clause=True,
        copyright_transfer=False,
    )
    db.session.commit()
    return found, person


@pytest.fixture
def other(app):
    found = supplier("Other ApS", "31000017", contact_email="olga@other.example.dk")
    services.approve(found, None)
    services.save_agreement(
        found,
        None,
        version="other-agreement",
        signed_on=date(2026, 1, 1),
        valid_until=None,
        product_ids=[],
        code_of_conduct=True,
        floss_clause=True,
        copyright_transfer=False,
    )
    db.session.commit()
    return found


@pytest.fixture
def contact_client(client, own):
    assert login(client, "mads@magenta.example.dk").status_code == 302
    return client


def test_my_company_leads_to_the_own_page(contact_client, own):
    found, _person = own
    home = contact_client.get("/").get_data(as_text=True)
    assert "My company" in home
    response = contact_client.get("/suppliers/mine")
    assert response.headers["Location"].endswith(f"/suppliers/{found.id}")
    page = contact_client.get(f"/suppliers/{found.id}").get_data(as_text=True)
    assert "Magenta ApS" in page and "2026.1" in page and "OS2mo" in page
    assert "Edit the contact data" in page
    assert "/approve" not in page and "Add a supplier agreement" not in page


def test_a_contact_edits_the_contact_data_but_not_the_name_or_number(contact_client, own):
    found, _person = own
    found_id = found.id
    page = contact_client.get(f"/suppliers/{found_id}/edit").get_data(as_text=True)
    assert 'name="contact_email"' in page and 'name="name"' not in page
    response = contact_client.post(
        f"/suppliers/{found_id}/edit",
        data={
            "name": "Renamed ApS",
            "registration_number": "31000017",
            "status": "rejected",
            "address": "Ny adresse 1",
            "contact_name": "Mette Magenta",
            "contact_email": "mette@magenta.example.dk",
            "service_types": ["support"],
            "statement": "Now with support.",
            "language": "da",
        },
    )
    assert response.status_code == 302
    changed = db.session.get(Supplier, found_id)
    assert (changed.name, changed.registration_number, changed.status) == (
        "Magenta ApS",
        "31000009",
        "approved",
    )
    assert (changed.address, changed.contact_name, changed.contact_email) == (
        "Ny adresse 1",
        "Mette Magenta",
        "mette@magenta.example.dk",
    )
    assert (changed.service_types, changed.statement, changed.language) == (
        ["support"],
        "Now with support.",
        "da",
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/suppliers/{id}"),
        ("GET", "/suppliers/{id}/edit"),
        ("POST", "/suppliers/{id}/edit"),
        ("GET", "/suppliers/{id}/agreements/{agreement}"),
        ("POST", "/suppliers/{id}/approve"),
        ("POST", "/suppliers/{id}/reject"),
    ],
)
def test_another_suppliers_records_are_forbidden(contact_client, other, method, path):
    other_id = other.id
    url = path.format(id=other_id, agreement=other.agreements[0].id)
    data = {"contact_name": "Hijack", "reason": "x"} if method == "POST" else None
    response = contact_client.open(url, method=method, data=data)
    assert response.status_code == 403
    assert db.session.get(Supplier, other_id).contact_name == "Contact of Other ApS"


@pytest.mark.parametrize(
    "path", ["/suppliers/", "/suppliers/agreements/expiring", "/suppliers/{id}/agreements/new"]
)
def test_the_secretariats_pages_are_forbidden_to_a_contact(contact_client, own, path):
    url = path.format(id=own[0].id)
    assert contact_client.get(url).status_code == 403


def test_the_rules(app, own, other):
    found, person = own
    assert permissions.can(person, "suppliers.view", found)
    assert permissions.can(person, "suppliers.edit_contact_data", found)
    assert not permissions.can(person, "suppliers.manage", found)
    assert not permissions.can(person, "suppliers.view", other)
    assert not permissions.can(person, "suppliers.edit_contact_data", other)
    stranger = make_user("stranger@example.org")
    assert not permissions.can(stranger, "suppliers.view", found)


def test_a_user_without_a_company_sees_no_company(user_client):
    assert "My company" not in user_client.get("/").get_data(as_text=True)
    page = user_client.get("/suppliers/mine").get_data(as_text=True)
    assert "You are not the contact of a supplier." in page
