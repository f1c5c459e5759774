"""The organisation list: sorting, filters, chosen columns, export as shown, and work on the
selected rows (export, change membership status, write to their contacts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import country_name
from consortium.listing import Column, Listing
from consortium.members import bp, queries, services
from consortium.members.forms import MembershipForm, country_choices
from consortium.members.labels import KIND_LABELS, STATUS_LABELS, TIER_LABELS
from consortium.members.models import Organisation
from consortium.members.views import MEMBERSHIP_MESSAGES
from consortium.web import MAX_ID

FILTERS = ("q", "kind", "status", "country", "tier", "col")
# The columns a user may add to the list; without a choice, membership and tier are shown.
EXTRA_COLUMNS = ("number", "population", "tier", "membership", "contact")
DEFAULT_EXTRA = ("membership", "tier")
# The most organisations one bulk change names: more than any register holds.
MAX_SELECTED = 2_000


def _membership(row) -> object:
    step = services.membership_status(row.organisation)
    return STATUS_LABELS[step.status] if step else ""


def _tier(row) -> object:
    return TIER_LABELS[row.tier.tier] if row.tier else ""


def _population(row) -> object:
    figure = services.latest_population(row.organisation)
    return figure.population if figure else ""


def _primary_contact(row) -> object:
    return ", ".join(
        contact.user.display_name
        for contact in row.organisation.contacts
        if contact.role == "primary"
    )


def _columns() -> list[Column]:
    return [
        Column("name", _l("Name"), Organisation.name, lambda row: row.organisation.name),
        Column(
            "kind", _l("Kind"), Organisation.kind, lambda row: KIND_LABELS[row.organisation.kind]
        ),
        Column(
            "country",
            _l("Country"),
            Organisation.country,
            lambda row: country_name(row.organisation.country),
        ),
        Column(
            "number",
            _l("Registration number"),
            Organisation.registration_number,
            lambda row: row.organisation.registration_number or "",
        ),
        Column(
            "population",
            _l("Population (latest year)"),
            queries.latest_population_expression(),
            _population,
            descending_first=True,
            css_class="number",
        ),
        Column("tier", _l("Size tier"), None, _tier),
        Column("membership", _l("Membership"), queries.membership_status_expression(), _membership),
        Column(
            "contact", _l("Primary contact"), queries.primary_contact_expression(), _primary_contact
        ),
        Column("created", _l("Added"), Organisation.created_at, None, descending_first=True),
    ]


class Row:
    """An organisation with what the list shows about it, worked out once."""

    def __init__(self, organisation: Organisation, sets) -> None:
        self.organisation = organisation
        self.membership = services.membership_status(organisation)
        self.tier = services.current_tier(organisation, sets)
        self.population = services.latest_population(organisation)
        self.primary_contacts = [
            contact.user for contact in organisation.contacts if contact.role == "primary"
        ]


def _chosen_extra() -> tuple[str, ...]:
    """The extra columns chosen in the URL (``col``); the usual ones when none was chosen.

    The column form always sends ``col=none`` so that choosing no extra column is a choice too.
    """
    if "col" not in request.args:
        return DEFAULT_EXTRA
    asked = set(request.args.getlist("col"))
    return tuple(key for key in EXTRA_COLUMNS if key in asked)


def _filter(ids: Sequence[int] = ()) -> queries.OrganisationFilter:
    return queries.OrganisationFilter(
        search=request.args.get("q", "").strip()[:200],
        kind=request.args.get("kind", ""),
        status=request.args.get("status", ""),
        country=request.args.get("country", ""),
        tier=request.args.get("tier", ""),
        ids=tuple(ids),
    )


def _listing() -> tuple[Listing, list[Column]]:
    columns = _columns()
    extra = _chosen_extra()
    listing = Listing(
        "members.index",
        columns,
        default_sort="name",
        filters=FILTERS,
        tie_breakers=(Organisation.id,),
    )
    if "col" in request.args:
        listing.args["col"] = list(extra) or ["none"]
    shown = [column for column in columns if column.key in ("name", "kind", "country")]
    shown += [column for key in extra for column in columns if column.key == key]
    return listing, shown


def _may_manage() -> bool:
    return permissions.can(current_user, "organisations.manage")


@bp.route("/")
@login_required
def index():
    """The organisations the user may see: all for the secretariat, their own for a contact."""
    permissions.require("organisations.list")
    listing, shown = _listing()
    only_own = None if _may_manage() else current_user.id
    statement = _filter().statement(only_own)
    sets = services.band_sets()
    if listing.exporting:
        organisations = db.session.scalars(listing.order(statement)).all()
        return listing.export([Row(o, sets) for o in organisations], "organisations", shown)
    pagination = listing.paginate(statement)
    rows = [Row(organisation, sets) for organisation in pagination.items]
    return render_template(
        "members/index.html",
        rows=rows,
        pagination=pagination,
        listing=listing,
        shown=shown,
        extra_columns=[column for column in _columns() if column.key in EXTRA_COLUMNS],
        chosen_extra=_chosen_extra(),
        select_all=request.args.get("select") == "all",
        may_manage=_may_manage(),
        countries=country_choices(),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        tier_labels=TIER_LABELS,
    )


def _selected_ids(source) -> list[int]:
    """The organisation ids of a selection, in order, without doubles or impossible numbers."""
    ids: list[int] = []
    for value in source.getlist("organisation"):
        if value.isdigit() and 1 <= int(value) <= MAX_ID and int(value) not in ids:
            ids.append(int(value))
    return ids[:MAX_SELECTED]


def _selected_organisations(ids: Sequence[int]) -> list[Organisation]:
    """The selected organisations the user may manage, by name; 403 when one is not."""
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(ids))
            .options(selectinload(Organisation.memberships))
            .order_by(Organisation.name, Organisation.id)
        )
    )
    for organisation in organisations:
        permissions.require("organisations.manage", organisation)
    return organisations


def _nothing_selected():
    flash(_("Select at least one organisation in the list first."), "error")
    return redirect(url_for("members.index"))


@bp.route("/selection/export", methods=["POST"])
@login_required
def export_selection():
    """The selected rows as a CSV file, with the columns and in the order the list shows."""
    permissions.require("organisations.manage")
    ids = _selected_ids(request.form)
    if not ids:
        return _nothing_selected()
    listing, shown = _listing()
    sets = services.band_sets()
    organisations = db.session.scalars(listing.order(_filter(ids).statement())).all()
    for organisation in organisations:
        permissions.require("organisations.manage", organisation)
    return listing.export([Row(o, sets) for o in organisations], "organisations", shown)


@bp.route("/selection/write", methods=["POST"])
@login_required
def write_to_selection():
    """Take the selection to the page that writes to the organisations' contacts."""
    permissions.require("organisations.manage")
    ids = _selected_ids(request.form)
    if not ids:
        return _nothing_selected()
    organisations = _selected_organisations(ids)
    query = urlencode([("organisation", organisation.id) for organisation in organisations])
    return redirect(f"/messages/new?{query}", code=303)


@bp.route("/selection/membership", methods=["GET", "POST"])
@login_required
@form_view
def bulk_membership():
    """Change the membership status of the selected organisations: all of them or none, each
    by the same rules as one by one."""
    permissions.require("organisations.manage")
    source = request.form if request.method == "POST" else request.args
    ids = _selected_ids(source)
    organisations = _selected_organisations(ids)
    # Coming from the list, the form has not been filled in yet: show it without mistakes.
    form = MembershipForm() if "status" in request.form else MembershipForm(formdata=None)
    if request.method == "GET" or "status" not in request.form:
        form.status_on.data = date.today()
    refused: list[tuple[Organisation, str]] = []
    if organisations and "status" in request.form and form.validate_on_submit():
        refused = _change_all(organisations, form)
        if not refused:
            flash(
                ngettext(
                    "The membership of %(num)d organisation is now: %(status)s.",
                    "The membership of %(num)d organisations is now: %(status)s.",
                    len(organisations),
                    status=STATUS_LABELS[form.status.data],
                ),
                "success",
            )
            return redirect(url_for("members.index"))
        # Nothing was changed: the names and reasons say what to fix.
        db.session.rollback()
        organisations = _selected_organisations(ids)
        refused = [
            (next(o for o in organisations if o.id == organisation_id), reason)
            for organisation_id, reason in refused  # type: ignore[misc]
        ]
    return render_template(
        "members/bulk_membership.html",
        form=form,
        organisations=organisations,
        refused=refused,
        status_labels=STATUS_LABELS,
    )


def _change_all(organisations: Sequence[Organisation], form: MembershipForm) -> list:
    """Add the step to each organisation, in id order so that two bulk changes at once queue
    behind each other; the ids and reasons of those the rules refuse."""
    refused = []
    for organisation in sorted(organisations, key=lambda o: o.id):
        try:
            with db.session.begin_nested():
                services.change_membership(
                    organisation, form.status.data, form.status_on.data, form.reason.data or ""
                )
        except services.RegisterError as exc:
            refused.append((organisation.id, MEMBERSHIP_MESSAGES[exc.code]()))
    return refused
