"""send_mail keeps the subject on one line, whatever a name in it contains."""

from __future__ import annotations

from sqlalchemy import select

from consortium.extensions import db
from consortium.mail import services
from consortium.mail.models import OutboxMessage
from consortium.suppliers.models import Supplier

TEMPLATE = "suppliers/mail/new_registration_subject.txt"


def _supplier(name: str) -> Supplier:
    return Supplier(name=name, country="DK", registration_number="31000009")


def test_line_breaks_in_the_subject_become_one_space(app):
    services.send_mail(
        "secretariat@example.org",
        TEMPLATE,
        "suppliers/mail/new_registration.txt",
        "en",
        supplier=_supplier("Evil ApS\r\nBcc: victim@example.org \t\n\n  Ltd"),
        link="http://localhost/suppliers/1",
    )
    message = db.session.scalar(select(OutboxMessage))
    assert "\r" not in message.subject and "\n" not in message.subject
    assert "Evil ApS Bcc: victim@example.org Ltd" in message.subject
    assert "  " not in message.subject
    assert message.subject == message.subject.strip()


def test_a_very_long_subject_fits_the_outbox(app):
    services.send_mail(
        "secretariat@example.org",
        TEMPLATE,
        "suppliers/mail/new_registration.txt",
        "en",
        supplier=_supplier("A" * 400),
        link="http://localhost/suppliers/1",
    )
    assert len(db.session.scalar(select(OutboxMessage)).subject) == 255


def test_smtp_gets_a_one_line_subject(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "locmem")
    services.send_mail(
        "secretariat@example.org",
        TEMPLATE,
        "suppliers/mail/new_registration.txt",
        "en",
        supplier=_supplier("Line\r\nBreak ApS"),
        link="http://localhost/suppliers/1",
    )
    assert services.send_due() == 1
    (sent,) = app.extensions["mailman"].outbox
    assert "Line Break ApS" in sent.subject
    assert "\r" not in sent.subject and "\n" not in sent.subject
    assert "Line Break ApS" in sent.message()["Subject"]
