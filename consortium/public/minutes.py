"""The published minutes, for anyone without signing in: the list, one set of minutes, and the
minutes of a product's groups. Only approved minutes marked public are shown; any other is 404.
People appear by name only, as on the other public pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask_babel import gettext as _
from flask_babel import pgettext

from consortium.extensions import db
from consortium.meetings import minutes_content
from consortium.meetings import queries as meeting_queries
from consortium.meetings.models import Meeting, Minutes
from consortium.products.models import Product
from consortium.public import bp
from consortium.public.queries import public_person


@dataclass(frozen=True)
class PublishedMinutes:
    """A line of the public list: the minutes, their meeting and group."""

    id: int
    group: str
    title: str
    meeting: Meeting


def published(product: Product | None = None) -> list[PublishedMinutes]:
    """The published minutes, the latest meeting first; of the product's groups when given."""
    rows = meeting_queries.published_minutes()
    if product is not None:
        rows = [each for each in rows if each.meeting.group.product_id == product.id]
    return [
        PublishedMinutes(each.id, each.meeting.group.name, each.meeting.title, each.meeting)
        for each in rows
    ]


def _attendance(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """Who attended, by name only: members present, excused and absent, and the guests."""
    kinds = (
        ("present", pgettext("attendance", "Present")),
        ("excused", pgettext("attendance", "Excused")),
        ("absent", pgettext("attendance", "Absent")),
    )
    rows = []
    for key, label in kinds:
        names = sorted(
            (
                public_person(each.user).name
                for each in meeting.attendances
                if each.user is not None and each.presence == key
            ),
            key=str.casefold,
        )
        if names:
            rows.append((label, names))
    guests = [
        each.guest_name
        for each in meeting.attendances
        if each.is_guest and each.presence in (None, "present")
    ]
    if guests:
        rows.append((_("Guests"), guests))
    return rows


@bp.route("/minutes")
def minutes():
    """The published minutes of every group: group, meeting and day."""
    return render_template("public/minutes.html", rows=published())


@bp.route("/minutes/<int:minutes_id>")
def minutes_detail(minutes_id: int):
    """Published minutes: the text per agenda item, the decisions and who attended."""
    found = db.session.get(Minutes, minutes_id)
    if found is None or not found.is_published:
        abort(404)
    meeting = found.meeting
    return render_template(
        "public/minutes_detail.html",
        minutes=found,
        meeting=meeting,
        sections=minutes_content.sections(meeting, found),
        attendance=_attendance(meeting),
    )
