"""The association's settings."""

from flask import Blueprint, Flask

bp = Blueprint("settings", __name__)


def register(app: Flask) -> None:
    """The settings page at /settings, the settings in every template, and the default language
    and time zone the locale falls back to."""
    from consortium import i18n
    from consortium.settings import services, views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/settings")
    app.context_processor(lambda: {"association": services.get_settings()})
    i18n.read_association_settings_with(services.settings_once_migrated)
