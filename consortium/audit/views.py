"""The secretariat reads the audit trail as a filtered list and per record."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from consortium import permissions
from consortium.audit import bp, queries
from consortium.audit.forms import AuditFilterForm
from consortium.web import page_number


@bp.route("/")
@login_required
def index():
    """Every audited change, filtered and paged, newest first."""
    permissions.require("audit.read")
    form = AuditFilterForm(queries.record_types(), formdata=request.args)
    audit_filter = queries.AuditFilter()
    if form.validate():
        audit_filter = queries.AuditFilter(
            record_type=form.record_type.data or "",
            record_id=(form.record_id.data or "").strip(),
            action=form.action.data or "",
            actor=(form.actor.data or "").strip(),
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    pagination = queries.search(audit_filter, page=page_number())
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", form=form, pagination=pagination, args=args)


@bp.route("/<record_type>/<record_id>")
@login_required
def record(record_type: str, record_id: str):
    """The history of one record."""
    permissions.require("audit.read")
    entries = queries.entries_for(record_type, record_id)
    return render_template(
        "audit/record.html",
        entries=entries,
        record_type=record_type,
        record_id=record_id,
    )
