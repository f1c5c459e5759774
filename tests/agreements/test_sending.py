"""Sending a document and reminding: a message in each recipient's language with the PDF
attached, put in the outbox; the history says so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consortium.agreements import services
from consortium.agreements.models import AgreementDocument
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from tests.conftest import login


def _messages(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_the_signing_contact_gets_the_pdf_in_danish_and_then_a_reminder(client, document):
    login(client, "secretariat@example.org")
    client.post(f"/agreements/documents/{document.id}/send")
    client.post(f"/agreements/documents/{document.id}/send")
    sent, reminder = _messages("anna@syddjurs.example.dk")
    assert document.number in sent.subject
    assert "Aftale" in sent.subject or "aftale" in sent.subject
    assert "Påmindelse" in reminder.subject
    (attachment,) = sent.attachments
    assert attachment.filename == f"{document.number}.pdf"
    assert attachment.content == document.pdf
    assert _messages("jens@syddjurs.example.dk") == []  # may not sign: not asked to
    document = db.session.get(AgreementDocument, document.id)
    assert document.status == "sent"
    assert [event.kind for event in document.events] == ["made", "sent", "reminded"]


def test_an_accepted_document_is_not_sent_again(document, world):
    services.accept(document, world.signer)
    with pytest.raises(services.AgreementError) as refused:
        services.send_document(document, world.secretariat)
    assert refused.value.code == "accepted"


def test_the_supplier_contact_is_written_to_in_german(world):
    made = services.make_document("supplier", supplier=world.supplier)
    (message,) = services.send_document(made, world.secretariat)
    assert message.recipient == "lene@fjordkode.example.dk"
    assert "Vereinbarung" in message.subject
