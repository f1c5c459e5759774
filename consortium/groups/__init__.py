"""Groups: the board, the general assembly and each product's committees, with their members."""

from flask import Blueprint, Flask

# `flask groups import-members` lives on this blueprint.
bp = Blueprint("groups", __name__)


def register(app: Flask) -> None:
    """The group pages at /groups, `flask groups`, the maturity checks the groups answer and
    the groups a product's page shows."""
    from consortium.groups import checks, cli, queries, views  # noqa: F401 - views and cli attach
    from consortium.products import related

    app.register_blueprint(bp, url_prefix="/groups")
    checks.register()
    related.register(related.GROUPS, queries.product_groups)
    _register_audit_values()


def _register_audit_values() -> None:
    """The audit trail names a group's kind and a member's role in words."""
    from consortium.audit.labels import labelled, register_value_formatter
    from consortium.groups.labels import KIND_LABELS, ROLE_LABELS

    register_value_formatter("group", "kind", labelled(KIND_LABELS))
    register_value_formatter("group_member", "role", labelled(ROLE_LABELS))
