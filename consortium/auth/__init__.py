"""Users and sign-in."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def register(app: Flask) -> None:
    """Sign-in, accounts and profiles, and how the audit trail finds an actor by name.

    (Loading the session's user is installed by create_app, before the CSRF check; `flask
    users` is in consortium/cli.py.)"""
    from consortium.audit import queries as audit_queries
    from consortium.auth import queries, views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp)
    audit_queries.search_users_with(queries.user_ids_matching)
