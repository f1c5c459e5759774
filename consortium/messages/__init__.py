"""Writing to many people at once: the contacts of organisations, a product's participants or
a group's members, each in their own language, through the outbox; and the record of what was
sent to whom."""

from flask import Blueprint, Flask

bp = Blueprint("messages", __name__)


def register(app: Flask) -> None:
    """The message pages at /messages and the trail's words for a message's source."""
    from consortium.messages import views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/messages")
    _register_audit_values()


def _register_audit_values() -> None:
    from consortium.audit.labels import labelled, register_value_formatter
    from consortium.messages.labels import SOURCE_LABELS

    register_value_formatter("bulk_message", "source", labelled(SOURCE_LABELS))
