"""Agreement documents through the API: a contact reads their organisation's documents and
who accepted them, never another organisation's; the secretariat reads and filters every one."""

from __future__ import annotations

import pytest

from consortium.agreements import services
from consortium.agreements.models import AgreementDocument
from consortium.extensions import db
from consortium.members import services as members
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


def _document(organisation, version, number: str) -> AgreementDocument:
    # A small stored file instead of a sealed PDF: these tests read records, not documents.
    document = AgreementDocument(
        number=number,
        number_year=2099,
        kind="membership",
        organisation=organisation,
        template_version=version,
        version_label=version.label,
        language="en",
        title="Membership",
        body=f"{organisation.name} is a member.",
        pdf=b"%PDF-1.7",
        sha256="a" * 64,
    )
    db.session.add(document)
    db.session.flush()
    return document


@pytest.fixture
def documents(app):
    """A membership document of Aarhus and one of Odder, and Aarhus's contact who may sign."""
    aarhus, odder = (
        members.create_organisation(name=name, kind="municipality", country="DK")
        for name in ("Aarhus Kommune", "Odder Kommune")
    )
    version = services.publish_version(
        "membership", "en", title="Membership", body="{organisation.name} is a member."
    )
    own = _document(aarhus, version, "AGR-2099-00001")
    other = _document(odder, version, "AGR-2099-00002")
    signer = make_user("kim@aarhus.example.dk", name="Kim Signer")
    members.add_contact(aarhus, signer.id, "primary", may_sign=True)
    db.session.commit()
    return own.id, other.id, signer


def test_a_contact_reads_their_organisations_documents_only(client, documents):
    own, other, signer = documents
    token = token_for(signer)
    listed = client.get("/api/v1/agreements", headers=bearer(token)).json
    assert [row["number"] for row in listed] == ["AGR-2099-00001"]
    document = client.get(f"/api/v1/agreements/{own}", headers=bearer(token)).json
    assert document["body"] == "Aarhus Kommune is a member."
    assert document["acceptance"] is None and document["may_accept"] is True
    refused = client.get(f"/api/v1/agreements/{other}", headers=bearer(token))
    assert refused.status_code == 403


def test_an_acceptance_is_read_with_its_signer(client, documents):
    own, _other, signer = documents
    services.accept(db.session.get(AgreementDocument, own), db.session.merge(signer), role="Mayor")
    db.session.commit()
    document = client.get(f"/api/v1/agreements/{own}", headers=bearer(token_for(signer))).json
    assert document["status"] == "accepted" and document["may_accept"] is False
    acceptance = document["acceptance"]
    assert (acceptance["signer_name"], acceptance["signer_role"], acceptance["method"]) == (
        "Kim Signer",
        "Mayor",
        "online",
    )
    assert acceptance["sha256"] == "a" * 64


def test_the_secretariat_filters_every_document(client, documents, secretariat):
    own, other, _signer = documents
    token = token_for(secretariat)
    every = client.get("/api/v1/agreements?sort=number", headers=bearer(token)).json
    assert [row["id"] for row in every] == [own, other]
    odder = client.get(f"/api/v1/agreements/{other}", headers=bearer(token)).json
    filtered = client.get(
        f"/api/v1/agreements?organisation={odder['organisation_id']}&status=made",
        headers=bearer(token),
    ).json
    assert [row["id"] for row in filtered] == [other]
    assert client.get("/api/v1/agreements?status=accepted", headers=bearer(token)).json == []
    assert client.get("/api/v1/agreements").status_code == 401
