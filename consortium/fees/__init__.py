"""Fees: membership fee schedules and product tariffs per year, budgets, previews, member pages.

The arithmetic lives in the pure engine (consortium/fees/engine, imported through its
__init__ only); this package keeps the settings in the database, turns the register into the
engine's inputs (register_inputs.py), computes a year (computation.py) and shows the results.
create_app() wires it in with register(app).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("fees", __name__)


def register(app: Flask) -> None:
    """Wire the fees into the application: pages, `flask fees`, checks, audit wording, years."""
    from consortium.fees import audit_values, checks, member_views, views, years  # noqa: F401
    from consortium.fees.cli import fees_cli

    # Every fee page with a year in its path refuses a year outside the fees' range.
    app.url_value_preprocessors.setdefault(bp.name, []).append(years.check_year_in_path)
    app.register_blueprint(bp, url_prefix="/fees")
    app.cli.add_command(fees_cli)
    # The fees answer a maturity requirement of the products from their budgets.
    checks.register_checks()
    # The audit trail shows fee rules, tariffs, budget lines and explanations in words.
    audit_values.register_formatters()
