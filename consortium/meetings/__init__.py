"""Meetings of the groups: agendas, invitations with an iCalendar file, attendance, minutes with
decisions and action items, and the bylaws' governance deadlines."""

from flask import Blueprint, Flask

bp = Blueprint("meetings", __name__, cli_group="meetings")


def register(app: Flask) -> None:
    """The meeting pages at /meetings, `flask meetings`, the bylaws' deadlines box that a
    meeting's page includes (``meeting_deadlines(meeting)`` in every template)."""
    from consortium.meetings import cli, minutes_views, views  # noqa: F401 - they attach
    from consortium.meetings.deadlines import meeting_deadlines
    from consortium.meetings.display import meeting_when

    app.register_blueprint(bp, url_prefix="/meetings")
    app.add_template_global(meeting_deadlines, "meeting_deadlines")
    app.add_template_global(meeting_when, "meeting_when")
    _register_audit_words()


def _register_audit_words() -> None:
    """The trail shows the meetings' fixed choices in words, and names the fields that read
    otherwise on a meeting's records."""
    from flask_babel import lazy_gettext as _l

    from consortium.audit import labels
    from consortium.meetings import labels as meeting_labels

    for record_type, field, choices in (
        ("meeting", "kind", meeting_labels.KIND_LABELS),
        ("meeting", "status", meeting_labels.STATUS_LABELS),
        ("meeting_attendance", "reply", meeting_labels.REPLY_LABELS),
        ("meeting_attendance", "presence", meeting_labels.PRESENCE_LABELS),
        ("meeting_minutes", "state", meeting_labels.MINUTES_STATE_LABELS),
        ("action_item", "status", meeting_labels.ACTION_STATUS_LABELS),
    ):
        labels.register_value_formatter(record_type, field, labels.labelled(choices))
    for record_type, field, label in (
        ("group", "code", _l("Short code")),
        ("meeting_minutes_text", "text", _l("Text")),
        ("meeting_minutes_comment", "text", _l("Comment")),
        ("meeting_minutes_comment", "user_id", _l("Written by")),
        ("meeting_minutes", "author_user_id", _l("Written by")),
        ("meeting_minutes", "version", _l("Version of the minutes")),
        ("meeting_attendance", "user_id", _l("Member")),
        ("decision", "text", _l("Decision")),
        ("decision", "year", _l("Year")),
        ("decision", "code", _l("Decision number")),
        ("action_item", "status", _l("Status")),
    ):
        labels.register_field_label(record_type, field, label)
