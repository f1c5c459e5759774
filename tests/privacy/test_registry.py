"""A person in the registry: point person, group chair, supplier contact, participation requests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.groups.models import Group, GroupMember
from consortium.members import services as members
from consortium.participation.models import ParticipationRequest
from consortium.products.models import LevelDecision, Product
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact
from tests.conftest import make_user

NAME, EMAIL = "Wilhelmina Quist", "Wilhelmina.Quist@example.org"
LAST_YEAR = date.today() - timedelta(days=365)


@pytest.fixture
def person(app, secretariat):
    """The point person of a product, chair of its steering committee and a supplier's contact."""
    person = make_user(EMAIL.lower(), name=NAME)
    person.publish_email = True
    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    product = Product(
        slug="os2forms",
        name="OS2forms",
        status="product",
        point_person_name=NAME,
        point_person_user_id=person.id,
    )
    group = Group(kind="steering_committee", name="OS2forms steering committee", product=product)
    supplier = Supplier(
        name="Magenta ApS",
        country="DK",
        registration_number="31000009",
        contact_name=NAME,
        contact_email=EMAIL,  # the case differs from the account's address
        status="approved",
    )
    agreement = SupplierAgreement(supplier=supplier, version="1.0", signed_on=LAST_YEAR)
    agreement.products = [product]
    db.session.add_all([product, group, supplier, agreement])
    db.session.flush()
    db.session.add_all(
        [
            GroupMember(
                group=group,
                user_id=person.id,
                organisation=organisation,
                role="chair",
                starts_on=LAST_YEAR,
            ),
            SupplierContact(supplier=supplier, user_id=person.id),
            ParticipationRequest(
                kind="join",
                organisation=organisation,
                product=product,
                phase="agreement",
                starts_on=date.today(),
                requested_by_user_id=person.id,
                decided_by_user_id=secretariat.id,
                status="approved",
            ),
            LevelDecision(
                product=product,
                level="N1",
                decided_by_body="secretariat",
                decided_on=LAST_YEAR,
                recorded_by_user_id=person.id,
            ),
        ]
    )
    db.session.commit()
    person.product_slug, person.supplier_id, person.group_id = product.slug, supplier.id, group.id
    return person


def _pages(person) -> list[str]:
    slug = person.product_slug
    return [
        f"/public/products/{slug}",
        f"/public/products/{slug}/publiccode.yml",
        "/public/suppliers",
        f"/products/{slug}",
        f"/products/{slug}/publiccode.yml",
        f"/suppliers/{person.supplier_id}",
        f"/groups/{person.group_id}",
    ]


def _shows_the_person(page: str) -> bool:
    return "Wilhelmina" in page or "Quist" in page or EMAIL.lower() in page.lower()


def test_the_pages_show_the_person_before(secretariat_client, person):
    shown = [path for path in _pages(person) if _shows_the_person(_get(secretariat_client, path))]
    # The public pages name the chair and the point person; the internal ones the contacts.
    assert f"/public/products/{person.product_slug}" in shown
    assert f"/public/products/{person.product_slug}/publiccode.yml" in shown
    assert f"/products/{person.product_slug}/publiccode.yml" in shown
    assert f"/suppliers/{person.supplier_id}" in shown


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_export_has_the_registry_sections(secretariat_client, person, secretariat):
    data = secretariat_client.get(f"/privacy/users/{person.id}/export").get_json()
    assert data["account"]["publish_email"] is True
    assert data["group_terms"] == [
        {
            "group": "OS2forms steering committee",
            "role": "chair",
            "starts_on": LAST_YEAR.isoformat(),
            "ends_on": None,
            "organisation": "Aarhus Kommune",
            "supplier": None,
        }
    ]
    assert data["supplier_contacts"] == [{"supplier": "Magenta ApS"}]
    assert data["supplier_contact_person"] == [
        {"supplier": "Magenta ApS", "contact_name": NAME, "contact_email": EMAIL}
    ]
    assert data["point_person_of_products"] == [
        {"product": "OS2forms", "slug": "os2forms", "point_person_name": NAME}
    ]
    [request] = data["participation_requests"]
    assert request["product"] == "OS2forms" and request["organisation"] == "Aarhus Kommune"
    assert request["requested_by_this_person"] is True
    assert request["decided_by_this_person"] is False
    # The secretary who decided finds the request in their own export.
    other = secretariat_client.get(f"/privacy/users/{secretariat.id}/export").get_json()
    [decided] = other["participation_requests"]
    assert decided["decided_by_this_person"] and not decided["requested_by_this_person"]


def test_the_confirmation_says_what_happens_to_the_registry(secretariat_client, person):
    page = _get(secretariat_client, f"/privacy/users/{person.id}/anonymise")
    assert "organisation and supplier contact links" in page
    assert "Products they are the point person of" in page
    assert "group memberships" in page


def test_anonymising_removes_the_person_from_the_registry(secretariat_client, person):
    user_id = person.id
    entries_before = db.session.scalar(
        select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)
    )
    response = secretariat_client.post(f"/privacy/users/{user_id}/anonymise", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    product = db.session.scalar(select(Product).where(Product.slug == person.product_slug))
    assert product.point_person_name == "" and product.point_person_user_id is None
    supplier = db.session.get(Supplier, person.supplier_id)
    assert supplier.status == "approved" and supplier.name == "Magenta ApS"
    assert supplier.contact_name == ""
    assert supplier.contact_email == f"former-user-{user_id}@anonymised.invalid"
    assert supplier.agreements  # the record stays whole
    links = select(SupplierContact).where(SupplierContact.user_id == user_id)
    assert db.session.scalars(links).all() == []
    # The records that must stay keep pointing to the placeholder.
    [term] = db.session.scalars(select(GroupMember).where(GroupMember.user_id == user_id))
    assert term.role == "chair" and term.ends_on is None
    [request] = db.session.scalars(select(ParticipationRequest))
    assert request.requested_by_user_id == user_id
    [decision] = db.session.scalars(select(LevelDecision))
    assert decision.recorded_by_user_id == user_id
    assert term.user.publish_email is False

    for path in _pages(person):
        assert not _shows_the_person(_get(secretariat_client, path)), path
    public = _get(secretariat_client, f"/public/products/{person.product_slug}")
    assert f"Former user #{user_id}" in public  # as the chair
    assert f"Former user #{user_id}" in _get(secretariat_client, f"/groups/{person.group_id}")

    # The entries the anonymisation wrote note the changes without the old values.
    written = db.session.scalars(select(AuditEntry).where(AuditEntry.id > entries_before)).all()
    trail = " ".join(str(entry.changes) for entry in written)
    assert "Wilhelmina" not in trail and "example.org" not in trail
    [product_entry] = [entry for entry in written if entry.record_type == "product"]
    assert product_entry.changes["point_person_name"] == {"personal": True}
    assert product_entry.changes["point_person_user_id"] == {"old": user_id, "new": None}

    data = secretariat_client.get(f"/privacy/users/{user_id}/export").get_json()
    assert data["point_person_of_products"] == [] and data["supplier_contacts"] == []
    assert data["supplier_contact_person"] == [
        {
            "supplier": "Magenta ApS",
            "contact_name": "",
            "contact_email": f"former-user-{user_id}@anonymised.invalid",
        }
    ]
    assert len(data["group_terms"]) == 1 and len(data["participation_requests"]) == 1
