"""The notice that minutes are circulated: each current member of the group, in their own
language, with a link to the minutes where they may comment."""

from __future__ import annotations

from flask import current_app

from consortium.auth.services import user_language
from consortium.groups import queries as group_queries
from consortium.mail.services import send_mail
from consortium.meetings.models import Minutes
from consortium.settings.services import get_settings


def _link(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(current_app.config["BASE_URL"]) + path


def notify_circulated(minutes: Minutes, circulated_by=None) -> int:
    """Mail every current member of the meeting's group (but the one who circulated them) that
    the minutes are out for comments; returns how many were mailed."""
    meeting = minutes.meeting
    association = get_settings().name
    link = _link("meetings.minutes", meeting_id=meeting.id)
    mailed: set[int] = set()
    for member in group_queries.current_members(meeting.group):
        user = member.user
        if user.id in mailed or not user.active or user.is_anonymised:
            continue
        if circulated_by is not None and user.id == circulated_by.id:
            continue
        mailed.add(user.id)
        send_mail(
            user.email,
            "meetings/mail/minutes_circulated_subject.txt",
            "meetings/mail/minutes_circulated.txt",
            user_language(user),
            user=user,
            meeting=meeting,
            minutes=minutes,
            association=association,
            link=link,
        )
    return len(mailed)
