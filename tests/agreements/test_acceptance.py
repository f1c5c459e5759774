"""Accepting a document: only a contact who may sign (or the supplier's contact), once, with
name, role, time, SHA-256 and version recorded and never changed; a signed scan recorded by the
secretariat instead; the name kept when the person is anonymised."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from consortium.agreements import queries, services
from consortium.agreements.models import AgreementDocument
from consortium.db import utcnow
from consortium.extensions import db
from consortium.privacy import services as privacy
from tests.conftest import login


def test_a_signing_contact_accepts_and_the_record_names_what_they_accepted(document, world):
    acceptance = services.accept(document, world.signer, role="Kommunaldirektør")
    db.session.commit()
    assert acceptance.signer_name == "Anna Jensen"
    assert acceptance.signer_role == "Kommunaldirektør"
    assert acceptance.sha256 == document.sha256
    assert acceptance.version_label == "participation-da-1"
    assert document.status == "accepted"
    assert queries.participation_state(world.participation) == "accepted"
    assert [event.kind for event in document.events] == ["made", "accepted"]


def test_a_contact_who_may_not_sign_is_refused(document, world):
    with pytest.raises(services.AgreementError) as refused:
        services.accept(document, world.other_contact)
    assert refused.value.code == "not_signer"
    with pytest.raises(services.AgreementError):
        services.accept(document, world.secretariat)  # the secretariat signs for nobody


def test_a_document_is_accepted_once(document, world):
    services.accept(document, world.signer)
    with pytest.raises(services.AgreementError) as refused:
        services.accept(document, world.signer)
    assert refused.value.code == "accepted"


def test_the_database_refuses_to_change_or_delete_an_acceptance(document, world):
    acceptance = services.accept(document, world.signer)
    db.session.commit()
    for statement in (
        "UPDATE agreement_acceptance SET signer_name = 'Someone else' WHERE id = :id",
        "DELETE FROM agreement_acceptance WHERE id = :id",
    ):
        with pytest.raises(DBAPIError), db.session.begin_nested():
            db.session.execute(text(statement), {"id": acceptance.id})


def test_a_replaced_document_cannot_be_accepted(document, world):
    services.make_document("participation", participation=world.participation)
    db.session.refresh(document)
    with pytest.raises(services.AgreementError) as refused:
        services.accept(document, world.signer)
    assert refused.value.code == "replaced"


def test_anonymising_the_signer_keeps_their_name_on_the_acceptance(document, world):
    services.accept(document, world.signer, role="Direktør")
    privacy.anonymise(world.signer, world.secretariat)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(AgreementDocument, document.id).acceptance
    assert kept.signer_name == "Anna Jensen"
    assert kept.signer_role == "Direktør"
    assert world.signer.name == ""


def test_the_supplier_contact_accepts_the_supplier_agreement(world):
    made = services.make_document("supplier", supplier=world.supplier)
    assert made.may_accept(world.supplier_contact.id)
    assert not made.may_accept(world.signer.id)
    acceptance = services.accept(made, world.supplier_contact)
    assert acceptance.signer_name == "Lene Berg"


PDF = b"%PDF-1.4\n% a signed scan\n"


@pytest.mark.parametrize(
    ("scan", "code"),
    [
        (b"", "scan_type"),
        (b"\x00\x00%PDF-1.4", "scan_type"),
        (b"<html>%PDF-", "scan_type"),
        (b"%PDF-" + b"x" * (10 * 1024 * 1024), "scan_size"),
    ],
)
def test_a_scan_that_is_no_pdf_or_too_big_is_refused(document, world, scan, code):
    with pytest.raises(services.AgreementError) as refused:
        services.record_scan(
            document,
            scan=scan,
            signer_name="Anna Jensen",
            signer_role="",
            signed_on=utcnow().date(),
            recorded_by=world.secretariat,
        )
    assert refused.value.code == code
    assert document.acceptance is None


def test_the_secretariat_records_a_signed_scan_on_the_page(client, document, world):
    login(client, "secretariat@example.org")
    answer = client.post(
        f"/agreements/documents/{document.id}/scan",
        data={
            "file": (io.BytesIO(PDF), "signed.pdf"),
            "signer_name": "Anna Jensen",
            "signer_role": "Borgmester",
            "signed_on": utcnow().date().isoformat(),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Anna Jensen, Borgmester" in page
    assert client.get(f"/agreements/documents/{document.id}/scan.pdf").data == PDF
    assert db.session.get(AgreementDocument, document.id).status == "accepted"


def test_a_scan_dated_in_the_future_or_of_no_pdf_is_shown_again_with_the_reason(
    client, document, world
):
    login(client, "secretariat@example.org")
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    for content, day in ((PDF, tomorrow), (b"GIF89a", utcnow().date().isoformat())):
        answer = client.post(
            f"/agreements/documents/{document.id}/scan",
            data={
                "file": (io.BytesIO(content), "x.pdf"),
                "signer_name": "Anna",
                "signer_role": "",
                "signed_on": day,
            },
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422
    assert db.session.get(AgreementDocument, document.id).acceptance is None
