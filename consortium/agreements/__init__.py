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
