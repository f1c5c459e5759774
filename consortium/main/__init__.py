"""The home page and the language switcher."""

from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def register(app: Flask) -> None:
    """The home page, and the language switcher every page shows."""
    from consortium.main import views  # noqa: F401 - views attaches the routes
    from consortium.main.forms import LanguageForm

    app.register_blueprint(bp)
    app.context_processor(lambda: {"language_form": lambda: LanguageForm(formdata=None)})
