"""Public pages, without sign-in: the product catalogue, the members, the suppliers and the
published minutes."""

from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def register(app: Flask) -> None:
    """The public pages at /public."""
    from consortium.public import minutes, views  # noqa: F401 - they attach the routes

    app.register_blueprint(bp, url_prefix="/public")
