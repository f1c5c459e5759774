"""Suppliers: registration, vetting by the secretariat and supplier agreements."""

from flask import Blueprint, Flask

bp = Blueprint("suppliers", __name__)


def register(app: Flask) -> None:
    """The supplier pages at /suppliers; the maturity check and the agreements a product's page
    shows; services and status in the audit trail."""
    from consortium.products import related
    from consortium.suppliers import checks, queries, views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/suppliers")
    checks.register()
    related.register(
        related.SUPPLIER_AGREEMENTS,
        lambda product, today: queries.valid_agreements(product, on=today),
    )
    _register_audit_values()


def _register_audit_values() -> None:
    """The audit trail shows a supplier's services and vetting status by their names."""
    from consortium.audit.labels import labelled, labelled_list, register_value_formatter
    from consortium.suppliers.labels import SERVICE_TYPE_LABELS, STATUS_LABELS

    register_value_formatter("supplier", "service_types", labelled_list(SERVICE_TYPE_LABELS))
    register_value_formatter("supplier", "status", labelled(STATUS_LABELS))
