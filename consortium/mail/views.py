"""The secretariat reads the outbox that development mail is kept in."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from consortium import permissions
from consortium.extensions import db
from consortium.mail import bp
from consortium.mail.models import OutboxMessage
from consortium.web import page_number


@bp.route("/")
@login_required
def index():
    """The messages kept instead of sent, newest first."""
    permissions.require("outbox.read")
    pagination = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    return render_template("mail/index.html", pagination=pagination)


@bp.route("/<int:message_id>")
@login_required
def message(message_id: int):
    """One kept message, as the recipient would read it."""
    found = db.get_or_404(OutboxMessage, message_id)
    permissions.require("outbox.read", found)
    return render_template("mail/message.html", message=found)
