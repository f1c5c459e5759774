"""Accepting one document at the same moment, from several sessions of the signing contact
(a double click, two tabs): one acceptance, no server error, the late ones read that it has
been accepted already. Runs on both databases; on PostgreSQL the document's row is locked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from consortium.agreements import services
from consortium.agreements.models import AgreementAcceptance, AgreementEvent
from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.agreements.conftest import MEMBERSHIP_EN
from tests.conftest import make_user
from tests.races import assert_no_server_error, count_saying, fire_at_once, signed_in_clients

N = 6
SIGNER = "anna@syddjurs.example.dk"


@pytest.fixture
def race_document(committed_app):
    with committed_app.app_context():
        signer = make_user(SIGNER, name="Anna Jensen")
        organisation = members.create_organisation(
            name="Syddjurs Kommune", kind="municipality", country="DK"
        )
        members.add_contact(organisation, signer.id, "primary", may_sign=True)
        product = Product(slug="os2forms", name="OS2forms")
        db.session.add(product)
        db.session.flush()
        joined = participation.create_participation(
            organisation, product, phase="agreement", starts_on=date(2030, 1, 1)
        )
        services.publish_version("participation", "en", title="Participation", body=MEMBERSHIP_EN)
        document = services.make_document("participation", participation=joined)
        db.session.commit()
        yield committed_app, document.id


def test_accepting_at_once_records_one_acceptance(race_document):
    app, document_id = race_document
    clients = signed_in_clients(app, SIGNER, N)
    url = f"/agreements/documents/{document_id}/accept"
    outcomes = fire_at_once(
        N, lambda i: clients[i].post(url, data={"role": "Direktør"}, follow_redirects=True)
    )
    assert_no_server_error(outcomes)
    assert count_saying(outcomes, "You accepted agreement") == 1
    assert count_saying(outcomes, "This document has been accepted already.") == N - 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AgreementAcceptance.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(AgreementEvent.id)).where(AgreementEvent.kind == "accepted")
        )
        == 1
    )
