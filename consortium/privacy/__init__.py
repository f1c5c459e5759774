"""Personal data: what the app keeps about people, a person's export, anonymisation."""

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def register(app: Flask) -> None:
    """The privacy pages at /privacy."""
    from consortium.privacy import views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/privacy")
