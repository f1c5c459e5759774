"""Making agreement documents: numbered, filled in the party's language, rendered, sealed and
stored with their SHA-256; a newer one replaces the older; made by themselves when a join
request is approved, a membership becomes active or a supplier is approved, and never in the
way of an approval when no template exists."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from consortium.agreements import queries, services
from consortium.agreements.models import AgreementDocument, AgreementTemplate
from consortium.agreements.sealing import verify_seal
from consortium.db import utcnow
from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.participation.models import ParticipationRequest
from consortium.suppliers import services as suppliers
from consortium.suppliers.models import Supplier
from tests.agreements.conftest import YEAR, municipality
from tests.conftest import make_user


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_participation_agreement_is_made_in_danish_with_the_share_and_sealed(document):
    assert document.number == f"AGR-{utcnow().year}-00001"
    assert document.language == "da"
    assert document.version_label == "participation-da-1"
    assert document.status == "made"
    assert document.sha256 == hashlib.sha256(document.pdf).hexdigest()
    words = " ".join(pdf_text(document.pdf).split())
    assert "Syddjurs Kommune" in words
    assert "420.000,00 kr." in words
    assert document.number in words
    check = verify_seal(document.pdf)
    assert check.sealed and check.intact
    assert check.document_number == document.number
    assert check.version_label == "participation-da-1"
    assert [event.kind for event in document.events] == ["made"]


def test_numbers_run_without_a_gap(world):
    first = services.make_document("membership", organisation=world.organisation)
    second = services.make_document("supplier", supplier=world.supplier)
    year = utcnow().year
    assert (first.number, second.number) == (f"AGR-{year}-00001", f"AGR-{year}-00002")
    # The supplier reads German; there is only an English supplier template.
    assert second.language == "en"


def test_a_new_document_replaces_the_old_one_and_a_new_version_leaves_it_as_made(document, world):
    old_pdf, old_body = document.pdf, document.body
    services.publish_version(
        "participation",
        "da",
        title="Tilslutningsaftale",
        body="Ny tekst for {organisation.name}.",
        change_note="Kortere",
    )
    newer = services.make_document("participation", participation=world.participation)
    db.session.commit()
    db.session.expire_all()
    old = db.session.get(AgreementDocument, document.id)
    assert old.status == "replaced"
    assert old.replaced_by_id == newer.id
    assert (old.pdf, old.body) == (old_pdf, old_body)
    assert [event.kind for event in old.events] == ["made", "replaced"]
    assert newer.version_label == "participation-da-2"
    assert queries.current_document(world.participation) == newer


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_the_database_refuses_to_change_a_documents_pdf(document):
    with pytest.raises(DBAPIError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE agreement_document SET pdf = :pdf WHERE id = :id"),
            {"pdf": b"%PDF-forged", "id": document.id},
        )


def test_approving_a_join_request_makes_the_participation_agreement(world):
    skanderborg = municipality("Skanderborg Kommune", 60_000)
    request = participation.request_join(
        skanderborg,
        world.product,
        world.other_contact,
        phase="agreement",
        starts_on=date(YEAR, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    joined = participation.approve(request, world.secretariat)
    made = queries.current_document(joined)
    assert made is not None
    assert made.kind == "participation"
    assert made.organisation_id == skanderborg.id
    assert made.made_by_user_id == world.secretariat.id
    assert queries.participation_state(joined) == "waiting"


def test_approvals_without_templates_succeed_and_wait_for_an_agreement(app):
    secretariat = make_user("secretariat@example.org", secretariat=True)
    organisation = municipality("Norddjurs Kommune", 37_000)
    from consortium.products.models import Product

    product = Product(slug="os2rollekatalog", name="OS2rollekatalog")
    db.session.add(product)
    db.session.flush()
    request = participation.request_join(
        organisation,
        product,
        secretariat,
        phase="agreement",
        starts_on=date(YEAR, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    joined = participation.approve(request, secretariat)
    supplier = Supplier(
        name="Nordlys ApS",
        country="DK",
        registration_number="55133018",
        contact_name="Henrik",
        contact_email="henrik@nordlys.example.dk",
    )
    db.session.add(supplier)
    db.session.flush()
    suppliers.approve(supplier, None)
    assert db.session.scalar(select(func.count(AgreementDocument.id))) == 0
    assert db.session.get(ParticipationRequest, request.id).status == "approved"
    assert supplier.status == "approved"
    waiting = {(each.kind, each.name) for each in queries.without_document(utcnow().date())}
    assert ("participation", "Norddjurs Kommune – OS2rollekatalog") in waiting
    assert ("membership", "Norddjurs Kommune") in waiting
    assert ("supplier", "Nordlys ApS") in waiting
    assert queries.participation_state(joined) == "none"


def test_a_membership_becoming_active_makes_the_membership_agreement(world):
    organisation = members.create_organisation(
        name="Favrskov Kommune", kind="municipality", country="DK", language="cs"
    )
    members.change_membership(organisation, "applied", date(YEAR - 1, 3, 1))
    assert (
        db.session.scalar(
            select(func.count(AgreementDocument.id)).where(
                AgreementDocument.organisation_id == organisation.id
            )
        )
        == 0
    )
    members.change_membership(organisation, "active", date(YEAR - 1, 4, 1))
    made = db.session.scalar(
        select(AgreementDocument).where(AgreementDocument.organisation_id == organisation.id)
    )
    assert made.kind == "membership"
    assert made.language == "en"  # no Czech template: English
    assert "Favrskov Kommune" in pdf_text(made.pdf)


def test_approving_a_supplier_makes_the_supplier_agreement(world):
    supplier = Supplier(
        name="Skyhavn Hosting A/S",
        country="DK",
        registration_number="55133018",
        contact_name="Thomas",
        contact_email="thomas@skyhavn.example.dk",
        language="da",
    )
    supplier.products_wanted = [world.product]
    db.session.add(supplier)
    db.session.flush()
    suppliers.approve(supplier, world.secretariat)
    made = db.session.scalar(
        select(AgreementDocument).where(AgreementDocument.supplier_id == supplier.id)
    )
    assert made.kind == "supplier"
    words = " ".join(pdf_text(made.pdf).split())
    assert "Skyhavn Hosting A/S" in words
    assert "OS2forms" in words


def test_participations_agreed_outside_the_system_count_as_accepted(world):
    world.participation.agreed_outside_system = True
    assert queries.participation_state(world.participation) == "outside"
    assert world.participation.id not in {
        each.participation_id for each in queries.without_document(utcnow().date())
    }


def test_a_template_of_an_unknown_kind_is_never_looked_up_by_another_name(world):
    assert (
        db.session.scalar(
            select(func.count(AgreementTemplate.id)).where(AgreementTemplate.kind == "nda")
        )
        == 0
    )
    with pytest.raises(services.AgreementError) as refused:
        services.make_document("nda", organisation=world.organisation)
    assert refused.value.code == "no_template"
