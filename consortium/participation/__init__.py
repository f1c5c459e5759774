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
