"""The home page and the language switcher."""

from flask import Blueprint, Flask
from flask_login import current_user

bp = Blueprint("main", __name__)


def register(app: Flask) -> None:
    """The home page, the language switcher every page shows, and /health."""
    from consortium.main import health, views, workqueue  # noqa: F401 - they attach the routes
    from consortium.main.forms import LanguageForm

    app.register_blueprint(bp)
    app.context_processor(lambda: {"language_form": lambda: LanguageForm(formdata=None)})
    # The menu's counts: the secretariat's work queue, read once per request.
    app.context_processor(lambda: {"work_queue": lambda: workqueue.for_request(current_user)})
