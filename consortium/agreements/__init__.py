"""Agreements: versioned templates, sealed agreement documents and their acceptance."""

from flask import Blueprint, Flask

bp = Blueprint("agreements", __name__, cli_group="agreements")


def register(app: Flask) -> None:
    """The agreement pages at /agreements, `flask agreements`, the agreements made when a join
    request is approved, a membership becomes active or a supplier is approved, and the audit
    trail's words for agreements."""
    from consortium.agreements import cli, hooks, views  # noqa: F401 - views and cli attach

    app.register_blueprint(bp, url_prefix="/agreements")
    hooks.register()
    _register_audit_values()


def _register_audit_values() -> None:
    """The trail shows an agreement's status, kind and acceptance method in words."""
    from consortium.agreements.labels import KIND_LABELS, METHOD_LABELS, STATUS_LABELS
    from consortium.audit import labels

    labels.register_value_formatter("agreement_document", "status", labels.labelled(STATUS_LABELS))
    for record_type in ("agreement_document", "agreement_template"):
        labels.register_value_formatter(record_type, "kind", labels.labelled(KIND_LABELS))
    labels.register_value_formatter(
        "agreement_acceptance", "method", labels.labelled(METHOD_LABELS)
    )
