"""The minutes pages: writing, circulating, commenting, approving and amending the minutes, the
decisions and action items, the minutes PDF, the registers and the search."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from consortium import permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.i18n import current_language, day
from consortium.meetings import bp, minutes_content, minutes_mail, queries, registers, services
from consortium.meetings.labels import (
    ACTION_STATUS_LABELS,
    MINUTES_STATE_LABELS,
)
from consortium.meetings.minutes_forms import (
    GENERAL,
    ActionItemForm,
    ApprovalAtMeetingForm,
    ButtonForm,
    CommentForm,
    DecisionForm,
    item_field,
    minutes_form,
)
from consortium.meetings.models import ActionItem, AgendaItem, Meeting, Minutes
from consortium.meetings.pdf import minutes_pdf as render_minutes_pdf
from consortium.meetings.services import MeetingError
from consortium.web import id_arg


def _labels() -> dict:
    return {"state_labels": MINUTES_STATE_LABELS, "action_labels": ACTION_STATUS_LABELS}


def _meeting(meeting_id: int) -> Meeting:
    found = db.session.get(Meeting, meeting_id)
    if found is None:
        abort(404)
    return found


def _can(action: str, obj) -> bool:
    return permissions.can(current_user, action, obj)


def _meeting_url(meeting: Meeting) -> str | None:
    """The meeting's own page, where the app has one."""
    try:
        return url_for("meetings.meeting", meeting_id=meeting.id)
    except BuildError:
        return None


def _back(meeting: Meeting, anchor: str = ""):
    return redirect(url_for("meetings.minutes", meeting_id=meeting.id) + anchor)


def _refused(error: MeetingError) -> None:
    flash(error.message, "error")


def _agenda_item(meeting: Meeting, value: str | None) -> AgendaItem | None:
    """The meeting's agenda item a form names, None for none (or one of another meeting)."""
    if not value or not value.isdigit():
        return None
    item = db.session.get(AgendaItem, int(value)) if int(value) < 2**31 else None
    return item if item is not None and item.meeting_id == meeting.id else None


def _readable(meeting: Meeting) -> list[Minutes]:
    """The versions the signed-in user may read; 403 when they may see nothing of the meeting."""
    versions = minutes_content.readable_versions(current_user, meeting)
    if not _can("meetings.view", meeting) and not versions:
        abort(403)
    return versions


def _render_minutes(meeting: Meeting, minutes: Minutes | None, versions: list[Minutes], **forms):
    writer = _can("meetings.write_minutes", meeting)
    latest = meeting.latest_minutes
    editable = writer and not meeting.is_cancelled and (latest is None or not latest.is_locked)
    showing_latest = minutes is None or minutes is latest
    if editable and showing_latest and "text_form" not in forms:
        form = minutes_form(meeting, formdata=None)
        for item in meeting.agenda:
            getattr(form, item_field(item.id)).data = latest.text_for(item) if latest else ""
        getattr(form, GENERAL).data = latest.text_for(None) if latest else ""
        forms["text_form"] = form
    if editable and showing_latest:
        forms.setdefault("decision_form", DecisionForm(meeting, formdata=None))
        forms.setdefault("action_form", ActionItemForm(meeting, formdata=None))
    if (
        minutes is not None
        and minutes.state == "circulated"
        and _can("meetings.take_part", meeting)
    ):
        forms.setdefault("comment_form", CommentForm(formdata=None))
    if (
        minutes is not None
        and minutes is latest
        and minutes.state == "circulated"
        and _can("meetings.record_approval", meeting)
    ):
        forms.setdefault(
            "approval_form",
            ApprovalAtMeetingForm(queries.approving_meetings(meeting), formdata=None),
        )
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        minutes=minutes,
        latest=latest,
        versions=versions,
        meeting_url=_meeting_url(meeting),
        sections=minutes_content.sections(meeting, minutes) if minutes else [],
        attendance=minutes_content.attendance(meeting),
        writer=writer,
        editable=editable and showing_latest,
        button=ButtonForm(formdata=None),
        today=date.today(),
        **forms,
        **_labels(),
    )


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
@form_view
def minutes(meeting_id: int):
    """The meeting's minutes: the latest version the reader may read; the writers edit the
    text per agenda item here until the minutes are approved."""
    meeting = _meeting(meeting_id)
    versions = _readable(meeting)
    if request.method == "POST":
        permissions.require("meetings.write_minutes", meeting)
        form = minutes_form(meeting)
        if form.validate_on_submit():
            texts: dict[int | None, str] = {
                item.id: getattr(form, item_field(item.id)).data or "" for item in meeting.agenda
            }
            texts[None] = getattr(form, GENERAL).data or ""
            try:
                services.write_minutes(meeting, current_user, texts)
            except MeetingError as error:
                _refused(error)
                return _back(meeting)
            flash(_("The minutes have been saved."), "success")
            return _back(meeting)
        shown = versions[-1] if versions else None
        return _render_minutes(meeting, shown, versions, text_form=form), 422
    return _render_minutes(meeting, versions[-1] if versions else None, versions)


@bp.route("/<int:meeting_id>/minutes/<int:version>")
@login_required
def minutes_version(meeting_id: int, version: int):
    """One version of the minutes as it was written, with its author and date."""
    meeting = _meeting(meeting_id)
    versions = _readable(meeting)
    found = next((each for each in meeting.minutes_versions if each.version == version), None)
    if found is None:
        abort(404)
    if found not in versions:
        abort(403)
    return _render_minutes(meeting, found, versions)


def _button_post(meeting: Meeting, action: str) -> None:
    permissions.require(action, meeting)
    if not ButtonForm().validate_on_submit():
        abort(400)


def _latest(meeting: Meeting) -> Minutes:
    latest = meeting.latest_minutes
    if latest is None:
        abort(404)
    return latest


@bp.route("/<int:meeting_id>/minutes/circulate", methods=["POST"])
@login_required
def circulate_minutes(meeting_id: int):
    """Send the draft round the group: each member is mailed a notice and may comment."""
    meeting = _meeting(meeting_id)
    _button_post(meeting, "meetings.write_minutes")
    try:
        circulated = services.circulate_minutes(_latest(meeting))
    except MeetingError as error:
        _refused(error)
    else:
        mailed = minutes_mail.notify_circulated(circulated, current_user)
        flash(
            ngettext(
                "The minutes have been circulated; %(num)d member has been notified.",
                "The minutes have been circulated; %(num)d members have been notified.",
                mailed,
            ),
            "success",
        )
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/comments", methods=["POST"])
@login_required
@form_view
def comment_on_minutes(meeting_id: int):
    """A member's comment on the circulated minutes."""
    meeting = _meeting(meeting_id)
    permissions.require("meetings.take_part", meeting)
    latest = _latest(meeting)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_minutes(meeting, latest, _readable(meeting), comment_form=form), 422
    try:
        services.comment_on_minutes(latest, current_user, form.text.data)
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("Your comment has been added."), "success")
    return _back(meeting, "#comments")


@bp.route("/<int:meeting_id>/minutes/approve/confirm")
@login_required
def approve_minutes_confirm(meeting_id: int):
    """Ask before approving the circulated minutes: they are locked."""
    meeting = _meeting(meeting_id)
    permissions.require("meetings.approve", meeting)
    latest = _latest(meeting)
    if latest.state != "circulated":
        _refused(
            MeetingError(
                "minutes_approved" if latest.state == "approved" else "minutes_not_circulated"
            )
        )
        return _back(meeting)
    return confirmation_page(
        title=_("Approve the minutes?"),
        record=_("Minutes: %(title)s", title=meeting.title),
        consequences=[
            _(
                "Version %(version)d of the minutes is approved as circulated and locked: "
                "nobody can change it or comment on it any more.",
                version=latest.version,
            ),
            _("A correction is made as a new version, which is circulated and approved again."),
        ],
        action_url=url_for("meetings.approve_minutes", meeting_id=meeting.id),
        cancel_url=url_for("meetings.minutes", meeting_id=meeting.id),
        button=_("Approve the minutes"),
        form=ButtonForm(formdata=None),
    )


@bp.route("/<int:meeting_id>/minutes/approve", methods=["POST"])
@login_required
def approve_minutes(meeting_id: int):
    """Approve the circulated minutes: they are locked from now on."""
    meeting = _meeting(meeting_id)
    _button_post(meeting, "meetings.approve")
    try:
        services.approve_minutes(_latest(meeting), current_user)
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("The minutes have been approved and are now locked."), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/approve-at-meeting", methods=["POST"])
@login_required
@form_view
def record_approval(meeting_id: int):
    """Record that a later meeting of the group, one that has begun, approved the circulated
    minutes: they are locked from now on."""
    meeting = _meeting(meeting_id)
    permissions.require("meetings.record_approval", meeting)
    latest = _latest(meeting)
    form = ApprovalAtMeetingForm(queries.approving_meetings(meeting))
    if not form.validate_on_submit():
        return _render_minutes(meeting, latest, _readable(meeting), approval_form=form), 422
    try:
        services.approve_minutes(latest, current_user, at_meeting=form.chosen)
    except MeetingError as error:
        _refused(error)
    else:
        flash(
            _(
                "The approval at the meeting of %(day)s has been recorded; the minutes are now "
                "locked.",
                day=day(form.chosen.local_start.date(), "long"),
            ),
            "success",
        )
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/amend", methods=["POST"])
@login_required
def amend_minutes(meeting_id: int):
    """Start a new draft version from the approved minutes; the approved one stays readable."""
    meeting = _meeting(meeting_id)
    _button_post(meeting, "meetings.write_minutes")
    try:
        amended = services.amend_minutes(_latest(meeting), current_user)
    except MeetingError as error:
        _refused(error)
    else:
        flash(
            _("Version %(version)s has been started as a draft.", version=amended.version),
            "success",
        )
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/<int:version>/public", methods=["POST"])
@login_required
def publish_minutes(meeting_id: int, version: int):
    """Show approved minutes on the public pages (public=1), or take them off (public=0)."""
    meeting = _meeting(meeting_id)
    _button_post(meeting, "meetings.approve")
    found = next((each for each in meeting.minutes_versions if each.version == version), None)
    if found is None:
        abort(404)
    public = request.form.get("public") == "1"
    try:
        services.set_minutes_public(found, public)
    except MeetingError as error:
        _refused(error)
    else:
        if public:
            flash(_("The minutes are now on the public pages."), "success")
        else:
            flash(_("The minutes are no longer on the public pages."), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/decisions", methods=["POST"])
@login_required
@form_view
def record_decision(meeting_id: int):
    """Record a decision the group took at the meeting, with the group's next number."""
    meeting = _meeting(meeting_id)
    permissions.require("meetings.write_minutes", meeting)
    form = DecisionForm(meeting)
    if not form.validate_on_submit():
        versions = _readable(meeting)
        shown = versions[-1] if versions else None
        return _render_minutes(meeting, shown, versions, decision_form=form), 422
    try:
        decision = services.record_decision(
            meeting,
            form.text.data,
            agenda_item=_agenda_item(meeting, form.agenda_item.data),
            recorded_by=current_user,
        )
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("Decision %(code)s has been recorded.", code=decision.code), "success")
    return _back(meeting, "#decisions")


@bp.route("/<int:meeting_id>/minutes/actions", methods=["POST"])
@login_required
@form_view
def add_action_item(meeting_id: int):
    """Record an action item: what, which member does it, by when."""
    meeting = _meeting(meeting_id)
    permissions.require("meetings.write_minutes", meeting)
    form = ActionItemForm(meeting)
    if not form.validate_on_submit():
        versions = _readable(meeting)
        shown = versions[-1] if versions else None
        return _render_minutes(meeting, shown, versions, action_form=form), 422
    owner = next(
        (
            member.user
            for member in group_queries.current_members(meeting.group)
            if str(member.user_id) == form.owner.data
        ),
        None,
    )
    if owner is None:
        abort(400)
    try:
        services.add_action_item(
            meeting,
            what=form.what.data,
            owner=owner,
            due_on=form.due_on.data,
            agenda_item=_agenda_item(meeting, form.agenda_item.data),
            created_by=current_user,
        )
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("The action item has been recorded."), "success")
    return _back(meeting, "#actions")


def _action_item(action_id: int) -> ActionItem:
    found = db.session.get(ActionItem, action_id)
    if found is None:
        abort(404)
    permissions.require("meetings.update_action", found)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return found


def _after_action(item: ActionItem):
    target = request.form.get("next", "")
    if target in ("my_actions", "group_actions"):
        if target == "my_actions":
            return redirect(url_for("meetings.my_actions"))
        return redirect(url_for("meetings.group_actions", group_id=item.meeting.group_id))
    return _back(item.meeting, "#actions")


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
@login_required
def action_done(action_id: int):
    """Mark an action item done: its owner, the group's chair or secretary, the secretariat."""
    item = _action_item(action_id)
    try:
        services.mark_action_done(item, current_user)
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("The action item is marked done."), "success")
    return _after_action(item)


@bp.route("/actions/<int:action_id>/reopen", methods=["POST"])
@login_required
def action_reopen(action_id: int):
    """Open a done action item again."""
    item = _action_item(action_id)
    try:
        services.reopen_action_item(item)
    except MeetingError as error:
        _refused(error)
    else:
        flash(_("The action item is open again."), "success")
    return _after_action(item)


@bp.route("/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    """The minutes as a PDF in the reader's language: the approved version (``?version=`` names
    another readable one); those who write the minutes also get the draft, printed as a draft."""
    meeting = _meeting(meeting_id)
    versions = _readable(meeting)
    wanted = request.args.get("version", type=int)
    if wanted is not None:
        chosen = next((each for each in versions if each.version == wanted), None)
    else:
        approved = [each for each in versions if each.state == "approved"]
        chosen = approved[-1] if approved else None
        if chosen is None and _can("meetings.write_minutes", meeting) and versions:
            chosen = versions[-1]
    if chosen is None:
        abort(404)
    content = render_minutes_pdf(minutes_content.pdf_view(chosen), current_language())
    day = meeting.local_start.date().isoformat()
    code = meeting.group.code or f"group-{meeting.group_id}"
    draft = "" if chosen.state == "approved" else "-draft"
    name = f"minutes-{code}-{day}-v{chosen.version}{draft}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


# --- registers and search --------------------------------------------------------------------


@bp.route("/decisions")
@login_required
def decisions():
    """The decision register: the decisions of the groups the reader may see, searchable, by
    group and year."""
    groups = registers.visible_groups(current_user)
    group_id = id_arg("group")
    group = next((each for each in groups if each.id == group_id), None)
    year = request.args.get("year", type=int)
    if year is not None and not 1900 <= year <= 2200:
        year = None
    query = request.args.get("q", "")[:500]
    rows = registers.decision_register(groups, group=group, year=year, query=query)
    return render_template(
        "meetings/decisions.html",
        rows=rows,
        groups=groups,
        group=group,
        year=year,
        query=query,
        years=registers.decision_years(groups),
    )


@bp.route("/actions")
@login_required
def my_actions():
    """The signed-in person's open action items, the earliest due first, overdue ones marked."""
    return render_template(
        "meetings/actions.html",
        rows=queries.open_actions_for(current_user.id),
        group=None,
        button=ButtonForm(formdata=None),
        today=date.today(),
        **_labels(),
    )


@bp.route("/groups/<int:group_id>/actions")
@login_required
def group_actions(group_id: int):
    """A group's open action items, the earliest due first, overdue ones marked."""
    group = db.session.get(Group, group_id)
    if group is None:
        abort(404)
    permissions.require("meetings.view", group)
    return render_template(
        "meetings/actions.html",
        rows=queries.open_actions_of_group(group),
        group=group,
        button=ButtonForm(formdata=None),
        today=date.today(),
        **_labels(),
    )


@bp.route("/search")
def search():
    """Search the minutes and decisions the reader may read (the public: published minutes)."""
    query = request.args.get("q", "")[:500]
    results = registers.search(current_user, query) if query.strip() else None
    return render_template("meetings/search.html", query=query, results=results, **_labels())
