"""Participation: organisations' commitments and participation agreements for products."""

from flask import Blueprint, Flask

# `flask participations import` lives on this blueprint.
bp = Blueprint("participation", __name__, cli_group="participations")


def register(app: Flask) -> None:
    """The participation pages at /participation, `flask participations`, the maturity checks
    the participations answer and the participations a product's page shows."""
    from consortium.participation import checks, cli, queries, views  # noqa: F401 - views and cli attach
    from consortium.products import related

    app.register_blueprint(bp, url_prefix="/participation")
    checks.register()
    related.register(
        related.PARTICIPATIONS,
        lambda product, today: queries.current_participations(product, on=today),
    )
    related.register(related.PARTICIPANT_NAMES, queries.participant_names)
    related.register(related.PARTICIPANT_PAGE, views.product_participants)
    _register_audit_values()


def _register_audit_values() -> None:
    """The audit trail names phases, kinds of request and their states in words."""
    from consortium.audit.labels import labelled, register_value_formatter
    from consortium.participation.labels import KIND_LABELS, PHASE_LABELS, STATUS_LABELS

    for record_type in ("participation", "participation_request"):
        register_value_formatter(record_type, "phase", labelled(PHASE_LABELS))
    register_value_formatter("participation_request", "kind", labelled(KIND_LABELS))
    register_value_formatter("participation_request", "status", labelled(STATUS_LABELS))
