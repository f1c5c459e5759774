"""Suppliers: registration, vetting by the secretariat and supplier agreements."""

from flask import Blueprint

bp = Blueprint("suppliers", __name__)


def _register_audit_values() -> None:
    """The audit trail shows a supplier's services and vetting status by their names."""
    from consortium.audit.labels import labelled, labelled_list, register_value_formatter
    from consortium.suppliers.labels import SERVICE_TYPE_LABELS, STATUS_LABELS

    register_value_formatter("supplier", "service_types", labelled_list(SERVICE_TYPE_LABELS))
    register_value_formatter("supplier", "status", labelled(STATUS_LABELS))


_register_audit_values()
