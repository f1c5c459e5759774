"""The secretariat reads the audit trail as a filtered list and per record."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from consortium import permissions
from consortium.audit import bp, labels, queries
from consortium.audit.forms import AuditFilterForm
from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.listing import Column, Listing

FILTERS = ("record_type", "record_id", "action", "actor", "date_from", "date_to")


def _changes_text(entry: AuditEntry) -> str:
    """The entry's changes on one line each, as the page shows them."""
    lines = []
    for field, change in entry.changes.items():
        name = labels.field_label(field, entry.record_type)
        hidden = labels.change_hidden(entry, field, change)
        if hidden:
            lines.append(f"{name}: {hidden}")
            continue
        new = labels.value_label(change.get("new"), entry.record_type, field)
        if entry.action == "create":
            lines.append(f"{name}: {new}")
        else:
            old = labels.value_label(change.get("old"), entry.record_type, field)
            lines.append(f"{name}: {old} → {new}")
    return "\n".join(lines)


COLUMNS = [
    Column(
        "when",
        _l("When"),
        AuditEntry.id,
        lambda entry: entry.created_at.isoformat(timespec="seconds"),
        descending_first=True,
    ),
    Column("who", _l("Who"), AuditEntry.actor_label, labels.actor_name),
    Column(
        "what",
        _l("What"),
        AuditEntry.record_type,
        lambda entry: " ".join(
            part
            for part in (
                labels.record_type_label(entry.record_type),
                entry.record_id,
                labels.record_name(entry),
                labels.action_label(entry.action),
            )
            if part
        ),
    ),
    Column("changes", _l("Changes"), None, _changes_text),
]


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
    listing = Listing(
        "audit.index",
        COLUMNS,
        default_sort="when",
        default_descending=True,
        filters=FILTERS,
        tie_breakers=(AuditEntry.id.desc(),),
    )
    if listing.exporting:
        entries = db.session.scalars(listing.order(audit_filter.statement())).unique()
        return listing.export(entries, "audit-trail")
    pagination = listing.paginate(audit_filter.statement())
    return render_template(
        "audit/index.html", form=form, pagination=pagination, listing=listing, columns=COLUMNS
    )


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
