"""Product backlogs and prioritisation rounds."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("backlog", __name__)


def register(app: Flask) -> None:
    """Wire the backlog into the application: the pages at /backlog, `flask backlog tally`,
    and the words the audit trail shows for its fixed choices."""
    from consortium.audit import labels as audit_labels
    from consortium.backlog import labels, views  # noqa: F401 - views attach the routes
    from consortium.backlog.cli import backlog_cli

    app.register_blueprint(bp, url_prefix="/backlog")
    app.cli.add_command(backlog_cli)
    for record_type, field, choices in (
        ("backlog_item", "status", labels.STATUS_LABELS),
        ("backlog_item", "type", labels.TYPE_LABELS),
        ("backlog_round", "status", labels.ROUND_STATUS_LABELS),
        ("backlog_round", "method", labels.METHOD_LABELS),
        ("backlog_round", "weighting", labels.WEIGHTING_LABELS),
    ):
        audit_labels.register_value_formatter(record_type, field, audit_labels.labelled(choices))
