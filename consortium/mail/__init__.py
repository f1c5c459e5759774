"""Mail, and the development outbox."""

from flask import Blueprint, Flask

bp = Blueprint("mail", __name__)


def register(app: Flask) -> None:
    """The outbox pages at /outbox and `flask mail`."""
    from consortium.mail import cli, views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/outbox")
    app.cli.add_command(cli.mail_cli)
