"""Files put in the outbox with a message reach the recipient attached to it."""

from __future__ import annotations

from consortium.extensions import db
from consortium.mail import services


def test_the_worker_sends_the_attachments(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "locmem")
    services.queue_message(
        "faktura@aarhus.example.dk",
        "Faktura 2027-00001",
        "Vedhæftet er faktura 2027-00001.",
        [
            ("2027-00001.pdf", "application/pdf", b"%PDF-1.7 invoice"),
            ("2027-00001.xml", "application/xml", b"<Invoice/>"),
        ],
    )
    db.session.commit()

    assert services.send_due() == 1

    outbox = app.extensions["mailman"].outbox
    sent = outbox[-1]
    outbox.clear()  # the test mail server is shared by the app's tests
    assert sent.to == ["faktura@aarhus.example.dk"]
    assert [(name, content, kind) for name, content, kind in sent.attachments] == [
        ("2027-00001.pdf", b"%PDF-1.7 invoice", "application/pdf"),
        ("2027-00001.xml", b"<Invoice/>", "application/xml"),
    ]
