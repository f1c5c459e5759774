"""The meeting pages: a group's meetings, planning, the agenda, papers, replies and attendance.

Each route loads the meeting (404), asks consortium/permissions.py about it (403), calls a
service and lets the request commit once; a refusal is shown with the service's message.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.confirmation import confirmation_page
from consortium.db import utcnow
from consortium.extensions import db
from consortium.forms import form_view
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.i18n import current_language
from consortium.meetings import bp, mail, services
from consortium.meetings.display import agenda_view, meeting_when, short_when
from consortium.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    GuestForm,
    MeetingForm,
    PaperForm,
    PlanMeetingForm,
    attendance_form,
)
from consortium.meetings.labels import (
    KIND_LABELS,
    MINUTES_STATE_LABELS,
    PRESENCE_LABELS,
    REPLY_LABELS,
    STATUS_LABELS,
)
from consortium.meetings.models import PRESENCES, AgendaItem, Meeting, Paper
from consortium.meetings.papers import MAX_PAPER_BYTES
from consortium.meetings.pdf import agenda_pdf as render_agenda_pdf
from consortium.settings.services import get_settings
from consortium.web import id_arg

PAST_LIMIT = 100


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "minutes_state_labels": MINUTES_STATE_LABELS,
        "reply_labels": REPLY_LABELS,
        "presence_labels": PRESENCE_LABELS,
        "meeting_when": meeting_when,
        "short_when": short_when,
    }


# --- loading --------------------------------------------------------------------------------


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _paper_or_404(meeting: Meeting, paper_id: int) -> Paper:
    paper = db.session.get(Paper, paper_id)
    if paper is None or paper.meeting_id != meeting.id:
        abort(404)
    return paper


def _groups_where(action: str) -> list[Group]:
    """The groups whose meetings the signed-in user may (see, plan): every group for the
    secretariat, otherwise those they sit in today where the rules allow it."""
    if current_user.is_secretariat:
        return list(db.session.scalars(select(Group).order_by(Group.name, Group.id)))
    groups = {
        member.group.id: member.group for member in group_queries.memberships_of(current_user.id)
    }
    return sorted(
        (group for group in groups.values() if permissions.can(current_user, action, group)),
        key=lambda group: (group.name, group.id),
    )


def _back(meeting: Meeting, anchor: str = "") -> Response:
    target = url_for("meetings.meeting", meeting_id=meeting.id)
    return redirect(f"{target}#{anchor}" if anchor else target)  # type: ignore[return-value]


def _refused(meeting: Meeting, message: str, anchor: str = "") -> Response:
    """Undo what the request began and go back to the meeting with the reason."""
    db.session.rollback()
    flash(message, "error")
    return _back(meeting, anchor)


def _expired(meeting: Meeting) -> Response:
    return _refused(meeting, _("Nothing was changed: the form had expired. Try again."))


# --- the list ---------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """The meetings of the groups the user may see (the secretariat: every group), the coming
    ones first, then the past; narrowed to one group with ?group=."""
    groups = _groups_where("meetings.view")
    group_id = id_arg("group")
    chosen = [group for group in groups if group.id == group_id]
    shown = chosen or groups
    ids = [group.id for group in shown]
    now = utcnow()
    base = select(Meeting).options(selectinload(Meeting.group)).where(Meeting.group_id.in_(ids))
    upcoming = list(
        db.session.scalars(
            base.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
        )
    )
    past = list(
        db.session.scalars(
            base.options(selectinload(Meeting.minutes_versions))
            .where(Meeting.ends_at < now)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(PAST_LIMIT)
        )
    )
    return render_template(
        "meetings/index.html",
        groups=groups,
        group=chosen[0] if chosen else None,
        upcoming=upcoming,
        past=past,
        past_limit=PAST_LIMIT,
        may_plan=bool(_groups_where("meetings.plan")),
        **_labels(),
    )


# --- planning and changing a meeting ------------------------------------------------------------


def _place_error(form: MeetingForm, error: services.MeetingError) -> None:
    """Put a refusal of the services on the field it is about."""
    message = error.message
    if error.code == "time_does_not_exist":
        ends = form.ends.data
        field = (
            form.ends
            if ends and error.params.get("time") == ends.strftime("%H:%M")
            else form.starts
        )
    else:
        field = {
            "ends_before_start": form.ends,
            "timezone": form.timezone,
            "title": form.title,
            "kind": getattr(form, "kind", form.title),
        }.get(error.code, form.place)
    if error.code in ("cancelled", "already_cancelled"):
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def plan():
    """Plan a meeting of a group the user may plan for (?group= chooses it)."""
    groups = _groups_where("meetings.plan")
    if not groups:
        permissions.require("meetings.plan", None)
    form = PlanMeetingForm(groups=groups, current_zone=get_settings().timezone)
    if request.method == "GET":
        wanted = id_arg("group")
        if wanted is not None and any(group.id == wanted for group in groups):
            form.group.data = str(wanted)
        form.timezone.data = get_settings().timezone
        chosen = next((group for group in groups if str(group.id) == form.group.data), None)
        form.kind.data = (
            services.KIND_OF_GROUP.get(chosen.kind, "ordinary") if chosen else "ordinary"
        )
    if form.validate_on_submit():
        group = next(group for group in groups if str(group.id) == form.group.data)
        permissions.require("meetings.plan", group)
        try:
            meeting = services.plan_meeting(
                group, kind=form.kind.data, planned_by=current_user, **form.meeting_values()
            )
        except services.MeetingError as error:
            _place_error(form, error)
        else:
            flash(
                _(
                    "The meeting “%(title)s” is planned. Add its agenda, then send the invitation.",
                    title=meeting.title,
                ),
                "success",
            )
            return _back(meeting)
    status = 422 if request.method == "POST" else 200
    return render_template("meetings/plan.html", form=form, meeting=None, **_labels()), status


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(meeting_id: int):
    """Change a meeting's title, time, time zone, place or link; when the invitation had gone
    out, the members get the meeting as it stands now."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    if meeting.is_cancelled:
        flash(services.MeetingError("cancelled").message, "error")
        return _back(meeting)
    form = MeetingForm(current_zone=meeting.timezone)
    if request.method == "GET":
        start, end = meeting.local_start, meeting.local_end
        form.title.data = meeting.title
        form.day.data = start.date()
        form.starts.data = start.time().replace(tzinfo=None)
        form.ends.data = end.time().replace(tzinfo=None)
        form.timezone.data = meeting.timezone
        form.place.data = meeting.place
        form.video_url.data = meeting.video_url
    if form.validate_on_submit():
        try:
            changed = services.update_meeting(meeting, **form.meeting_values())
        except services.MeetingError as error:
            _place_error(form, error)
        else:
            sent = mail.send_update(meeting) if changed else []
            if sent:
                flash(
                    _("The changes are saved and were sent to %(count)s members.", count=len(sent)),
                    "success",
                )
            elif changed:
                flash(_("The changes have been saved."), "success")
            else:
                flash(_("Nothing was changed."), "success")
            return _back(meeting)
    status = 422 if request.method == "POST" else 200
    return render_template("meetings/plan.html", form=form, meeting=meeting, **_labels()), status


@bp.route("/<int:meeting_id>/cancel/confirm")
@login_required
def cancel_confirm(meeting_id: int):
    """Ask before cancelling a meeting: who is told."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    if meeting.is_cancelled:
        return _refused(meeting, _("This meeting is cancelled."))
    told = mail.cancellation_recipients(meeting)
    return confirmation_page(
        title=_("Cancel the meeting?"),
        record=_("%(title)s, %(when)s", title=meeting.title, when=meeting_when(meeting)),
        consequences=[
            _("The meeting is cancelled and can no longer be changed."),
            ngettext(
                "%(num)d invited member is mailed the cancellation with a calendar file that "
                "removes it: %(names)s.",
                "%(num)d invited members are mailed the cancellation with a calendar file "
                "that removes it: %(names)s.",
                len(told),
                names=", ".join(person.display_name for person in told),
            )
            if told
            else _("Nobody is mailed: the invitation has not been sent."),
        ],
        action_url=url_for("meetings.cancel", meeting_id=meeting.id),
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id),
        button=_("Cancel the meeting"),
        form=ActionForm(formdata=None),
        danger=True,
    )


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(meeting_id: int):
    """Cancel the meeting; the invited members are sent the cancellation."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    try:
        services.cancel_meeting(meeting)
    except services.MeetingError as error:
        return _refused(meeting, error.message)
    sent = mail.send_cancellation(meeting)
    if sent:
        flash(
            _("The meeting is cancelled; %(count)s members were told.", count=len(sent)),
            "success",
        )
    else:
        flash(_("The meeting is cancelled."), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@login_required
def invite(meeting_id: int):
    """Send the invitation with the agenda and the calendar file to the group's members."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    try:
        sent = mail.send_invitation(meeting)
    except mail.InvitationError as error:
        return _refused(meeting, error.message)
    flash(_("The invitation went to %(count)s members.", count=len(sent)), "success")
    return _back(meeting)


# --- the meeting's page ----------------------------------------------------------------------


def _page(meeting: Meeting, **forms: Any) -> str:
    """The meeting's page, with the forms the user may use (the ones given keep what was typed
    and their messages)."""
    user = current_user
    may_plan = permissions.can(user, "meetings.plan", meeting)
    may_record = permissions.can(user, "meetings.write_minutes", meeting)
    members = [row for row in meeting.attendances if row.user_id is not None]
    guests = [row for row in meeting.attendances if row.user_id is None]
    members.sort(key=lambda row: (row.name.lower(), row.id))
    mine = next((row for row in members if row.user_id == user.id), None)
    may_reply = (
        not meeting.is_cancelled
        and permissions.can(user, "meetings.take_part", meeting)
        and meeting.has_current_member(user.id)
    )
    roles = {member.user_id: member.role for member in group_queries.current_members(meeting.group)}
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        when=meeting_when(meeting),
        members=members,
        guests=guests,
        roles=roles,
        mine=mine,
        may_plan=may_plan and not meeting.is_cancelled,
        may_record=may_record and not meeting.is_cancelled,
        may_reply=may_reply,
        action_form=ActionForm(),
        paper_form=forms.get("paper_form") or PaperForm(meeting=meeting),
        guest_form=forms.get("guest_form") or GuestForm(formdata=None, presence="present"),
        attendance_form=forms.get("attendance_form") or attendance_form(meeting),
        loose_papers=[paper for paper in meeting.papers if paper.agenda_item_id is None],
        max_paper_mb=MAX_PAPER_BYTES // (1024 * 1024),
        **_labels(),
    )


@bp.route("/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    """A meeting: when and where, its agenda with papers, who is invited and who replied, and
    the buttons the user's rights allow."""
    found = _meeting_or_404(meeting_id)
    permissions.require("meetings.view", found)
    return _page(found)


@bp.route("/<int:meeting_id>/invitation.ics")
@login_required
def ics(meeting_id: int):
    """The meeting's calendar file, with the UID and sequence the members were mailed."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.view", meeting)
    attendee = current_user if meeting.has_current_member(current_user.id) else None
    content = mail.invitation_file(meeting, attendee)
    return Response(
        content,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.route("/<int:meeting_id>/agenda.pdf")
@login_required
def agenda_pdf(meeting_id: int):
    """The agenda as a PDF, in the reader's language."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.view", meeting)
    content = render_agenda_pdf(agenda_view(meeting), current_language())
    day = meeting.local_start.strftime("%Y-%m-%d")
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="agenda-{meeting.id}-{day}.pdf"'},
    )


# --- replies and attendance ----------------------------------------------------------------------


@bp.route("/<int:meeting_id>/reply", methods=["POST"])
@login_required
def reply(meeting_id: int):
    """A member says whether they attend."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.take_part", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    answer = request.form.get("reply", "")
    try:
        services.reply_to_invitation(meeting, current_user, answer)
    except services.MeetingError as error:
        return _refused(meeting, error.message, "reply")
    if answer == "attending":
        flash(_("Thank you: you attend."), "success")
    else:
        flash(_("Thank you: you do not attend."), "success")
    return _back(meeting, "reply")


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@login_required
@form_view
def attendance(meeting_id: int):
    """Record who was present, absent or excused, members and guests alike."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.write_minutes", meeting)
    form = attendance_form(meeting, request.form)
    if not form.validate_on_submit():
        return _page(meeting, attendance_form=form), 422
    try:
        for row in list(meeting.attendances):
            chosen = form[f"presence_{row.id}"].data or ""
            if chosen not in PRESENCES or chosen == (row.presence or ""):
                continue
            if row.user is not None:
                services.record_attendance(meeting, row.user, chosen)
            else:
                services.set_guest_presence(row, chosen)
    except services.MeetingError as error:
        return _refused(meeting, error.message, "attendance")
    flash(_("The attendance has been saved."), "success")
    return _back(meeting, "attendance")


@bp.route("/<int:meeting_id>/guests", methods=["POST"])
@login_required
@form_view
def add_guest(meeting_id: int):
    """Record a guest at the meeting."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.write_minutes", meeting)
    form = GuestForm()
    if not form.validate_on_submit():
        return _page(meeting, guest_form=form), 422
    try:
        guest = services.add_guest(meeting, form.guest_name.data, form.presence.data)
    except services.MeetingError as error:
        form.guest_name.errors = [error.message]
        db.session.rollback()
        return _page(meeting, guest_form=form), 422
    flash(_("%(name)s is on the list as a guest.", name=guest.guest_name), "success")
    return _back(meeting, "attendance")


# --- the agenda -------------------------------------------------------------------------------


def _item_error(form: AgendaItemForm, error: services.MeetingError) -> None:
    field = {
        "agenda_title": form.title,
        "expected_minutes": form.expected_minutes,
    }.get(error.code)
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@login_required
@form_view
def add_agenda_item(meeting_id: int):
    """Add an item at the end of the agenda."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    if meeting.is_cancelled:
        flash(services.MeetingError("cancelled").message, "error")
        return _back(meeting)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            item = services.add_agenda_item(meeting, **form.item_values())
        except services.MeetingError as error:
            _item_error(form, error)
        else:
            flash(_("“%(title)s” is on the agenda.", title=item.title), "success")
            return _back(meeting, "agenda")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "meetings/agenda_item.html", form=form, meeting=meeting, item=None, **_labels()
    ), status


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit_agenda_item(meeting_id: int, item_id: int):
    """Change an agenda item's title, presenter, duration or description."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    permissions.require("meetings.plan", meeting)
    if meeting.is_cancelled:
        flash(services.MeetingError("cancelled").message, "error")
        return _back(meeting)
    form = AgendaItemForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_agenda_item(item, **form.item_values())
        except services.MeetingError as error:
            _item_error(form, error)
        else:
            flash(_("The agenda item has been saved."), "success")
            return _back(meeting, "agenda")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "meetings/agenda_item.html", form=form, meeting=meeting, item=item, **_labels()
    ), status


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@login_required
def move_agenda_item(meeting_id: int, item_id: int):
    """Move an agenda item one place up or down (the button's value says which)."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    permissions.require("meetings.plan", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        return _refused(meeting, _("Choose whether the item moves up or down."), "agenda")
    try:
        services.move_agenda_item(item, offset)
    except services.MeetingError as error:
        return _refused(meeting, error.message, "agenda")
    flash(
        _("“%(title)s” is now item %(position)s.", title=item.title, position=item.position),
        "success",
    )
    return _back(meeting, "agenda")


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_agenda_item(meeting_id: int, item_id: int):
    """Take an item, with its papers, off the agenda."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    permissions.require("meetings.plan", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    title = item.title
    try:
        services.remove_agenda_item(item)
    except services.MeetingError as error:
        return _refused(meeting, error.message, "agenda")
    flash(_("“%(title)s” is off the agenda.", title=title), "success")
    return _back(meeting, "agenda")


# --- papers ------------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/papers", methods=["POST"])
@login_required
@form_view
def upload_paper(meeting_id: int):
    """Attach a paper to the meeting or one of its agenda items; a file that is no PDF or
    office document of the kind its name says is refused, and nothing is kept."""
    meeting = _meeting_or_404(meeting_id)
    permissions.require("meetings.plan", meeting)
    form = PaperForm(meeting=meeting)
    if not form.validate_on_submit():
        return _page(meeting, paper_form=form), 422
    item = None
    if form.agenda_item.data:
        item = _item_or_404(meeting, int(form.agenda_item.data))
    upload = form.file.data
    try:
        content = upload.read(MAX_PAPER_BYTES + 1)
    finally:
        upload.close()
    try:
        paper = services.attach_paper(
            meeting, upload.filename, content, agenda_item=item, uploaded_by=current_user
        )
    except services.MeetingError as error:
        db.session.rollback()
        form.file.errors = [error.message]
        return _page(meeting, paper_form=form), 422
    flash(_("“%(filename)s” is attached.", filename=paper.filename), "success")
    return _back(meeting, "agenda")


@bp.route("/<int:meeting_id>/papers/<int:paper_id>")
@login_required
def paper(meeting_id: int, paper_id: int):
    """A paper as it was uploaded, to save (never shown in the browser's page)."""
    meeting = _meeting_or_404(meeting_id)
    found = _paper_or_404(meeting, paper_id)
    permissions.require("meetings.view", meeting)
    return send_file(
        io.BytesIO(found.content),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["POST"])
@login_required
def remove_paper(meeting_id: int, paper_id: int):
    """Take a paper away from the meeting."""
    meeting = _meeting_or_404(meeting_id)
    found = _paper_or_404(meeting, paper_id)
    permissions.require("meetings.plan", meeting)
    if not ActionForm().validate_on_submit():
        return _expired(meeting)
    filename = found.filename
    try:
        services.remove_paper(found)
    except services.MeetingError as error:
        return _refused(meeting, error.message, "agenda")
    flash(_("“%(filename)s” is removed.", filename=filename), "success")
    return _back(meeting, "agenda")
