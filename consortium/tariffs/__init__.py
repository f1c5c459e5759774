"""Fees in the app: membership fee schedules and product tariffs per year, budgets, previews.

The arithmetic lives in the pure engine (consortium/fees); this package keeps the settings in
the database, turns the register into the engine's inputs and shows the results.
"""

from flask import Blueprint

bp = Blueprint("tariffs", __name__)
