"""The global search: one box in the header, and /search with what the reader may see."""

from flask import Blueprint, Flask

bp = Blueprint("search", __name__)


def register(app: Flask) -> None:
    """The results page at /search. It stands above the domains it searches and none of them
    imports it."""
    from consortium.search import views  # noqa: F401 - views attaches the route

    app.register_blueprint(bp)
