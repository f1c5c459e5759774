"""Sending mail: through SMTP when a mail server is configured, else into the outbox."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

from consortium.extensions import db
from consortium.mail.models import OutboxMessage


def send_mail(
    recipient: str, subject_template: str, body_template: str, language: str, **context
) -> None:
    """Render a message in the recipient's language and send or keep it.

    Both templates are rendered with the recipient's locale, so an invitation written by a
    Danish secretary to a German colleague arrives in German. Every run of whitespace in the
    subject, line breaks included, becomes one space.
    """
    with force_locale(language):
        # One line: a line break from a name (or the template) would break the mail header.
        subject = " ".join(render_template(subject_template, **context).split())
        body = render_template(body_template, **context)
    if current_app.config["MAIL_OUTBOX"]:
        db.session.add(OutboxMessage(recipient=recipient, subject=subject[:255], body=body))
        db.session.flush()
        return
    EmailMessage(subject=subject, body=body, to=[recipient]).send()
