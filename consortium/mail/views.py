"""The secretariat reads the outbox: what was sent, what waits, what failed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from consortium import permissions
from consortium.extensions import db
from consortium.mail import bp, services
from consortium.mail.forms import RetryForm
from consortium.mail.models import OutboxMessage
from consortium.web import page_number


@bp.route("/")
@login_required
def index():
    """Every outgoing message with its state, newest first."""
    permissions.require("outbox.read")
    pagination = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    return render_template("mail/index.html", pagination=pagination, form=RetryForm())


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
