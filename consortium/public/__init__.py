"""Public pages, without sign-in: the product catalogue, the members and the suppliers."""

from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def register(app: Flask) -> None:
    """The public pages at /public."""
    from consortium.public import views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/public")
