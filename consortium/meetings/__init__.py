"""Meetings of the groups: agendas, invitations with an iCalendar file, attendance, minutes with
decisions and action items, and the bylaws' governance deadlines."""

from flask import Blueprint, Flask

bp = Blueprint("meetings", __name__)


def register(app: Flask) -> None:
    """The meeting pages at /meetings."""
    from consortium.meetings import minutes_views, views  # noqa: F401

    app.register_blueprint(bp, url_prefix="/meetings")
