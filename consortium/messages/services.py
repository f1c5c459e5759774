"""Sending a message to many people: recorded, and each recipient's mail put in the outbox in
their language, in the request's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from consortium.auth.models import User
from consortium.extensions import db
from consortium.mail.services import queue_message
from consortium.messages.models import BulkMessage, BulkMessageRecipient, BulkMessageText
from consortium.messages.queries import Source, by_token
from consortium.messages.recipients import Plan
from consortium.once import unique
from consortium.settings.services import get_settings


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


class MessageError(ValueError):
    """The message was not sent; ``code`` says why (see labels.ERROR_MESSAGES)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class AlreadySent(Exception):
    """The form with this token was sent before; ``message`` is what it sent."""

    def __init__(self, message: BulkMessage | None) -> None:
        super().__init__("already sent")
        self.message = message


def _mail_body(text: Text, sender: User, association: str, language: str) -> str:
    with force_locale(language):
        return render_template(
            "messages/mail/message.txt", text=text, sender=sender, association=association
        )


def send(
    source: Source,
    plan: Plan,
    texts: dict[str, Text],
    *,
    sender: User,
    token: str,
    one_language: str | None = None,
) -> BulkMessage:
    """Record the message and queue one mail for each recipient in the language the plan gives
    them. Sent with a token that was used before (the same form sent twice, also at the same
    moment), nothing is sent again: AlreadySent names the message that was.
    """
    if not plan.recipients:
        raise MessageError("no_recipients")
    if any(language not in texts for language in plan.languages):
        raise MessageError("missing_text")
    earlier = by_token(token)
    if earlier is not None:
        raise AlreadySent(earlier)
    message = BulkMessage(
        token=token,
        sender_user_id=sender.id,
        source=source.kind,
        product_id=source.product.id if source.product is not None else None,
        group_id=source.group.id if source.group is not None else None,
        organisation_ids=[organisation.id for organisation in source.organisations],
        one_language=one_language,
        recipient_count=len(plan.recipients),
    )
    try:
        # Inserted first: a second request with the same token waits here for the first to
        # commit, and is then refused.
        with unique(AlreadySent(None)):
            db.session.add(message)
    except AlreadySent:
        raise AlreadySent(by_token(token)) from None
    for language in plan.languages:
        db.session.add(
            BulkMessageText(
                message=message,
                language=language,
                subject=texts[language].subject,
                body=texts[language].body,
            )
        )
    association = get_settings().name
    bodies = {
        language: _mail_body(texts[language], sender, association, language)
        for language in plan.languages
    }
    for recipient in plan.recipients:
        mail = queue_message(
            recipient.email, texts[recipient.language].subject, bodies[recipient.language]
        )
        db.session.add(
            BulkMessageRecipient(
                message=message,
                user_id=recipient.user_id,
                language=recipient.language,
                represents=", ".join(recipient.represents)[:1000],
                outbox_message_id=mail.id,
            )
        )
    db.session.flush()
    return message
