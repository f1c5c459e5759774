"""Meetings of the groups: agendas, invitations with an iCalendar file, attendance, minutes with
decisions and action items, and the bylaws' governance deadlines."""

from flask import Blueprint, Flask

bp = Blueprint("meetings", __name__, cli_group="meetings")


def register(app: Flask) -> None:
    """The meeting pages at /meetings, `flask meetings`, the bylaws' deadlines box that a
    meeting's page includes (``meeting_deadlines(meeting)`` in every template)."""
    from consortium.meetings import cli, views  # noqa: F401 - views and cli attach
    from consortium.meetings.deadlines import meeting_deadlines

    app.register_blueprint(bp, url_prefix="/meetings")
    app.add_template_global(meeting_deadlines, "meeting_deadlines")
