"""Fees in the app: membership fee schedules and product tariffs per year, budgets, previews.

The arithmetic lives in the pure engine (consortium/fees); this package keeps the settings in
the database, turns the register into the engine's inputs and shows the results.
"""

from flask import Blueprint

# `flask fees preview` (consortium/tariffs/cli.py) lives on this blueprint.
bp = Blueprint("tariffs", __name__, cli_group="fees")

# The audit trail shows fee rules, tariffs, budget lines and explanations in words.
from consortium.tariffs import audit_values as _audit_values  # noqa: E402,F401
from consortium.tariffs import years as _years  # noqa: E402

# Every fee page with a year in its path refuses a year outside the fees' range.
bp.url_value_preprocessor(_years.check_year_in_path)

# The fees answer a maturity requirement from their budgets.
from consortium.tariffs import checks as _checks  # noqa: E402,F401

# `flask fees preview` attaches itself to the blueprint's command group.
from consortium.tariffs import cli as _cli  # noqa: E402,F401
