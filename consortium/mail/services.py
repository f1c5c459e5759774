"""Sending mail: every message goes into the outbox in the request's transaction; a worker
sends the queued ones through SMTP.

A message is written with the change it is about, so it is sent only when that change is
committed, and a request never waits for a mail server. `send_due` is the worker: it claims
due messages (safely when several workers run), sends them, and records the outcome: sent, or
tried again later with a doubling pause, or failed after the last attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage
from sqlalchemy import select, update

from consortium.db import utcnow
from consortium.extensions import db, mail
from consortium.mail.models import FAILED, KEPT, QUEUED, SENT, OutboxAttachment, OutboxMessage

# The most messages one round of the worker claims at a time.
BATCH_SIZE = 20
ERROR_LENGTH = 1000


def send_mail(
    recipient: str, subject_template: str, body_template: str, language: str, **context
) -> OutboxMessage:
    """Render a message in the recipient's language and put it in the outbox.

    Both templates are rendered with the recipient's locale, so an invitation written by a
    Danish secretary to a German colleague arrives in German. Every run of whitespace in the
    subject, line breaks included, becomes one space. With a mail server the message is queued
    for the worker; without one it is kept, unsent, for developers to read.
    """
    with force_locale(language):
        # One line: a line break from a name (or the template) would break the mail header.
        subject = " ".join(render_template(subject_template, **context).split())
        body = render_template(body_template, **context)
    return queue_message(recipient, subject, body)


def queue_message(
    recipient: str,
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> OutboxMessage:
    """Put a written message in the outbox, with its attachments as (filename, content type,
    bytes). With a mail server it is queued for the worker; without one it is kept."""
    kept = current_app.config["MAIL_OUTBOX"]
    message = OutboxMessage(
        recipient=recipient,
        subject=" ".join(subject.split())[:255],
        body=body,
        status=KEPT if kept else QUEUED,
        next_attempt_at=None if kept else utcnow(),
    )
    for filename, content_type, content in attachments:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, content=content)
        )
    db.session.add(message)
    db.session.flush()
    return message


def retry(message: OutboxMessage) -> bool:
    """Queue a failed message again for a new series of attempts; False if it had not failed."""
    if message.status != FAILED:
        return False
    message.status = QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
    return True


def _claim(limit: int) -> list[int]:
    """Claim up to ``limit`` due messages for this worker and commit the claim.

    PostgreSQL hands each worker rows no other worker has locked (FOR UPDATE SKIP LOCKED); the
    conditional update then claims a row only while it is still due, so on any database two
    workers never both claim one message. A claim lasts MAIL_CLAIM_SECONDS: if the worker dies
    while sending, another one sends the message after that.
    """
    now = utcnow()
    claim_until = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == QUEUED,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=claim_until, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _describe_error(error: Exception) -> str:
    """What went wrong, for the Outbox page: never the SMTP password."""
    text = f"{type(error).__name__}: {error}"
    for secret in (current_app.config.get("MAIL_PASSWORD"),):
        if secret:
            text = text.replace(secret, "***")
    return text[:ERROR_LENGTH]


def _send_one(message: OutboxMessage, connection) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        connection=connection,
    )
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.content_type)
    email.send()


def send_due(limit: int = BATCH_SIZE) -> int:
    """Send the queued messages that are due; returns how many were sent.

    Commits as it goes (this runs as a command or a thread, never inside a request).
    """
    if current_app.config["MAIL_OUTBOX"]:
        return 0  # no mail server: messages are kept, never sent
    config = current_app.config
    claimed = _claim(limit)
    if not claimed:
        return 0
    sent = 0
    connection = mail.get_connection(backend=config.get("MAIL_BACKEND"), fail_silently=False)
    for message_id in claimed:
        # As the claim left it (attempts counted), not as an earlier read in this session saw it.
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None or message.status != QUEUED:
            continue
        try:
            _send_one(message, connection)
        except Exception as error:  # any failure is recorded and tried again
            message.last_error = _describe_error(error)
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.status = FAILED
                message.next_attempt_at = None
            else:
                pause = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (message.attempts - 1)
                message.next_attempt_at = utcnow() + timedelta(seconds=pause)
            current_app.logger.warning(
                "Sending message %s failed (attempt %s): %s",
                message.id,
                message.attempts,
                message.last_error,
            )
        else:
            message.status = SENT
            message.sent_at = utcnow()
            # Delivered: the outbox keeps who, what and when, not the text, which may hold a
            # personal link (a password reset, an invitation).
            message.body = ""
            message.next_attempt_at = None
            sent += 1
        db.session.commit()
    return sent
