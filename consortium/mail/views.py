"""The secretariat reads the outbox: what was sent, what waits, what failed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from flask_login import login_required
from sqlalchemy import func, select

from consortium import permissions
from consortium.extensions import db
from consortium.listing import Column, Listing, in_order
from consortium.mail import bp, services
from consortium.mail.forms import RetryForm
from consortium.mail.models import OutboxMessage


@bp.route("/")
@login_required
def index():
    """Every outgoing message with its state, newest first."""
    permissions.require("outbox.read")
    listing = Listing(
        "mail.index",
        _outbox_columns(),
        default_sort="when",
        default_descending=True,
        tie_breakers=(OutboxMessage.id.desc(),),
    )
    if listing.exporting:
        messages = db.session.scalars(listing.order(select(OutboxMessage)))
        return listing.export(messages, "outbox")
    pagination = listing.paginate(select(OutboxMessage))
    return render_template(
        "mail/index.html", pagination=pagination, listing=listing, form=RetryForm()
    )


def _status_text(message: OutboxMessage) -> str:
    """A message's state in words, as the outbox page shows it."""
    if message.status == "kept":
        return _("Kept, not sent")
    if message.status == "queued":
        return _("Waiting for another attempt") if message.attempts else _("Waiting to be sent")
    return {"sent": _("Sent"), "failed": _("Failed")}.get(message.status, message.status)


def _outbox_columns() -> list[Column]:
    """The outbox's columns: what each sorts by and how it reads in the export."""
    return [
        Column(
            "when",
            _l("When"),
            OutboxMessage.id,
            lambda message: message.created_at.isoformat(timespec="seconds"),
            descending_first=True,
        ),
        Column(
            "to",
            pgettext_l("recipient of a message", "To"),
            func.lower(OutboxMessage.recipient),
            lambda message: message.recipient,
        ),
        Column("subject", _l("Subject"), OutboxMessage.subject, lambda message: message.subject),
        Column(
            "state",
            _l("State"),
            in_order(OutboxMessage.status, ("queued", "failed", "kept", "sent")),
            _status_text,
        ),
        Column(
            "attempts",
            _l("Attempts"),
            OutboxMessage.attempts,
            lambda message: message.attempts,
            descending_first=True,
            css_class="number",
        ),
        Column("error", _l("Last error"), None, lambda message: message.last_error or ""),
    ]


@bp.route("/<int:message_id>")
@login_required
def message(message_id: int):
    """One message, as the recipient reads it, with its sending state."""
    found = db.get_or_404(OutboxMessage, message_id)
    permissions.require("outbox.read", found)
    return render_template("mail/message.html", message=found, form=RetryForm())


@bp.route("/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int):
    """Queue a failed message for a new series of attempts."""
    found = db.get_or_404(OutboxMessage, message_id)
    permissions.require("outbox.retry", found)
    if RetryForm().validate_on_submit() and services.retry(found):
        flash(_("The message to %(email)s will be sent again.", email=found.recipient), "success")
    else:
        flash(_("Only a message that failed can be sent again."), "error")
    return redirect(url_for("mail.message", message_id=found.id))
