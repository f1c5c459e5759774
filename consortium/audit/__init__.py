"""The audit trail."""

from flask import Blueprint, Flask

bp = Blueprint("audit", __name__)


def register(app: Flask) -> None:
    """The audit pages at /audit, the listener that writes the trail, and the filters that show
    entries in words."""
    from consortium.audit import labels, services, views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/audit")
    services.install()
    app.jinja_env.filters.update(
        record_type_label=labels.record_type_label,
        action_label=labels.action_label,
        field_label=labels.field_label,
        value_label=labels.value_label,
        actor_name=labels.actor_name,
        source_label=labels.source_label,
        record_name=labels.record_name,
    )
    app.jinja_env.globals.update(change_hidden=labels.change_hidden)
