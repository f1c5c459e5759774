"""The backlog pages: the products whose backlog one may see, a backlog with filters and its
exports, an item with its comments, links and history, the forms that change it, and the
prioritisation rounds with their ballots and results.

Each route loads the record (404), asks consortium/permissions.py about it (403), calls a
service and lets the request commit once; a refusal is shown with the service's message. Every
page that reads a round first closes it when its closing time has come.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from consortium import permissions
from consortium.agreements.text import render_markdown
from consortium.backlog import bp, exports, queries, services
from consortium.backlog.forms import (
    NO_ORGANISATION,
    ActionForm,
    CommentForm,
    EstimateForm,
    ItemForm,
    LinkForm,
    MoveForm,
    RejectForm,
    RoundForm,
    SubmitForm,
)
from consortium.backlog.labels import (
    METHOD_LABELS,
    ROUND_STATUS_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    WEIGHTING_LABELS,
    weight_source,
)
from consortium.backlog.models import (
    ITEM_STATUSES,
    ITEM_TYPES,
    Backlog,
    BacklogItem,
    BacklogLink,
    PrioritisationRound,
    RoundItem,
)
from consortium.backlog.queries import SORTS, ItemFilter
from consortium.confirmation import confirmation_page
from consortium.db import utcnow
from consortium.extensions import db
from consortium.forms import form_view
from consortium.groups.models import Group
from consortium.i18n import when
from consortium.meetings import services as meeting_services
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.web import MAX_ID, id_arg

SEARCH_LIMIT = 200
# A value typed into a ballot is read as a whole number when it is one (of no more digits than
# Python reads); anything else goes to the counting as typed, which names what is wrong.
BALLOT_NUMBER = re.compile(r"[+-]?[0-9]{1,4000}")


def _labels() -> dict[str, Any]:
    return {
        "type_labels": TYPE_LABELS,
        "item_status_labels": STATUS_LABELS,
        "method_labels": METHOD_LABELS,
        "weighting_labels": WEIGHTING_LABELS,
        "round_status_labels": ROUND_STATUS_LABELS,
        "weight_source": weight_source,
    }


# --- loading ---------------------------------------------------------------------------------


def _product_or_404(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return product


def _item_or_404(item_id: int) -> BacklogItem:
    item = queries.item(item_id)
    if item is None:
        abort(404)
    return item


def _round_or_404(round_id: int) -> PrioritisationRound:
    found = queries.round_(round_id)
    if found is None:
        abort(404)
    return found


def _closing_if_due(rounds: list[PrioritisationRound]) -> None:
    """Close the rounds whose closing time has come, and keep that at once."""
    closed = False
    for each in rounds:
        closed = services.close_if_due(each) or closed
    if closed:
        db.session.commit()


def _refused(message: str, target: str) -> Response:
    """Undo what the request began and go back with the reason."""
    db.session.rollback()
    flash(message, "error")
    return redirect(target)  # type: ignore[return-value]


def _expired(target: str) -> Response:
    return _refused(_("Nothing was changed: the form had expired. Try again."), target)


def _item_url(item: BacklogItem, anchor: str = "") -> str:
    target = url_for("backlog.item", item_id=item.id)
    return f"{target}#{anchor}" if anchor else target


def _round_url(round_: PrioritisationRound, anchor: str = "") -> str:
    target = url_for("backlog.round", round_id=round_.id)
    return f"{target}#{anchor}" if anchor else target


def visible_products(user: Any) -> list[Product]:
    """The products whose backlog the user may see, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_secretariat:
        return queries.products_by_name()
    ids = queries.candidate_product_ids(user.id)
    if not ids:
        return []
    return [
        product
        for product in queries.products_by_name(ids)
        if permissions.can(user, "backlog.view", Backlog(product))
    ]


@bp.app_context_processor
def _backlog_helpers() -> dict[str, Any]:
    """What the menu and a product's page ask: whether the user may see any backlog, or this
    product's (asked when the menu or the page is drawn)."""

    def sees_any_backlog() -> bool:
        if not current_user.is_authenticated:
            return False
        if current_user.is_secretariat:
            return True
        ids = queries.candidate_product_ids(current_user.id)
        return bool(ids) and any(
            permissions.can(current_user, "backlog.view", Backlog(product))
            for product in queries.products_by_name(ids)
        )

    def sees_backlog(product: Product) -> bool:
        return permissions.can(current_user, "backlog.view", Backlog(product))

    return {"sees_any_backlog": sees_any_backlog, "sees_backlog": sees_backlog}


# --- the products and their backlogs ----------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """The products whose backlog the user may see."""
    products = visible_products(current_user)
    counts = dict(
        db.session.execute(
            select(BacklogItem.product_id, db.func.count(BacklogItem.id))
            .where(BacklogItem.product_id.in_([product.id for product in products]))
            .group_by(BacklogItem.product_id)
        ).all()
    )
    return render_template("backlog/index.html", products=products, counts=counts)


def _item_filter() -> ItemFilter:
    """The list's filter and order, from the address."""
    args = request.args
    sort = args.get("sort", "newest")
    return ItemFilter(
        search=args.get("q", "")[:SEARCH_LIMIT],
        type=args.get("type", "") if args.get("type") in ITEM_TYPES else "",
        status=args.get("status", "") if args.get("status") in ITEM_STATUSES else "",
        category=args.get("category", "")[: services.CATEGORY_LIMIT],
        organisation_id=id_arg("organisation"),
        sort=sort if sort in SORTS else "newest",
    )


def _filter_args(item_filter: ItemFilter) -> dict[str, Any]:
    """The filter as address arguments, without the empty ones."""
    values = {
        "q": item_filter.search,
        "type": item_filter.type,
        "status": item_filter.status,
        "category": item_filter.category,
        "organisation": item_filter.organisation_id,
        "sort": item_filter.sort if item_filter.sort != "newest" else "",
    }
    return {key: value for key, value in values.items() if value}


@bp.route("/products/<int:product_id>")
@login_required
def product(product_id: int):
    """A product's backlog: the items with filters, search and sort, all kept in the address."""
    found = _product_or_404(product_id)
    backlog = Backlog(found)
    permissions.require("backlog.view", backlog)
    item_filter = _item_filter()
    items = queries.items(found, item_filter)
    organisations = queries.participating_organisations(found)
    return render_template(
        "backlog/product.html",
        product=found,
        backlog=backlog,
        items=items,
        item_filter=item_filter,
        filter_args=_filter_args(item_filter),
        base_args={key: value for key, value in _filter_args(item_filter).items() if key != "sort"},
        categories=queries.categories(found),
        organisations=organisations,
        item_types=ITEM_TYPES,
        item_statuses=ITEM_STATUSES,
        **_labels(),
    )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/products/<int:product_id>/items.csv")
@login_required
def items_csv(product_id: int):
    """The backlog as shown (filters and order of the address), as a CSV file."""
    found = _product_or_404(product_id)
    permissions.require("backlog.view", Backlog(found))
    items = queries.items(found, _item_filter())
    return Response(
        exports.items_csv(items),
        mimetype="text/csv",
        headers=_attachment(f"backlog-{found.slug}.csv"),
    )


@bp.route("/products/<int:product_id>/items.json")
@login_required
def items_json(product_id: int):
    """The backlog as shown (filters and order of the address), as JSON."""
    found = _product_or_404(product_id)
    permissions.require("backlog.view", Backlog(found))
    items = queries.items(found, _item_filter())
    return Response(
        exports.items_json(items),
        mimetype="application/json",
        headers=_attachment(f"backlog-{found.slug}.json"),
    )


# --- items ------------------------------------------------------------------------------------


def _submitting_organisations(found: Product) -> list[Organisation]:
    if current_user.is_secretariat:
        return queries.participating_organisations(found)
    return queries.organisations_for_submitting(found, current_user.id)


@bp.route("/products/<int:product_id>/submit", methods=["GET", "POST"])
@login_required
@form_view
def submit(product_id: int):
    """Submit a wish, bug or epic to the product's backlog for one's organisation."""
    found = _product_or_404(product_id)
    backlog = Backlog(found)
    permissions.require("backlog.submit", backlog)
    organisations = _submitting_organisations(found)
    form = SubmitForm(organisations=organisations, anyone=current_user.is_secretariat)
    if form.validate_on_submit():
        chosen = form.organisation.data
        organisation = (
            None
            if chosen == NO_ORGANISATION
            else next(each for each in organisations if str(each.id) == chosen)
        )
        try:
            item = services.submit_item(
                found, by=current_user, organisation=organisation, **form.values()
            )
        except services.BacklogError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                _(
                    "Your item #%(number)s “%(title)s” is on the backlog.",
                    number=item.id,
                    title=item.title,
                ),
                "success",
            )
            return redirect(_item_url(item))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "backlog/item_form.html", form=form, product=found, item=None, mode="submit"
    ), status


def _rounds_of_item(item: BacklogItem) -> list[PrioritisationRound]:
    return list(
        db.session.scalars(
            select(PrioritisationRound)
            .join(RoundItem, RoundItem.round_id == PrioritisationRound.id)
            .where(RoundItem.item_id == item.id)
            .order_by(PrioritisationRound.closes_at.desc(), PrioritisationRound.id.desc())
        )
    )


def _item_page(item: BacklogItem, status: int = 200, **forms: Any) -> tuple[str, int]:
    rounds = _rounds_of_item(item)
    _closing_if_due(rounds)
    results = {
        row.round_id: row
        for each in rounds
        if each.is_closed
        for row in each.results
        if row.item_id == item.id
    }
    may_manage = permissions.can(current_user, "backlog.manage", item)
    may_estimate = permissions.can(current_user, "backlog.estimate", item)
    return render_template(
        "backlog/item.html",
        item=item,
        product=item.product,
        description=render_markdown(item.description),
        history=queries.item_history(item),
        rounds=rounds,
        results=results,
        may_manage=may_manage,
        may_estimate=may_estimate,
        may_move=may_manage or may_estimate,
        may_comment=permissions.can(current_user, "backlog.comment", item),
        action_form=forms.get("action_form") or ActionForm(formdata=None),
        reject_form=forms.get("reject_form") or RejectForm(formdata=None),
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        link_form=forms.get("link_form") or LinkForm(formdata=None),
        development_steps=services.DEVELOPMENT_STEPS,
        acceptable_from=services.ACCEPTABLE_FROM,
        rejectable_from=services.REJECTABLE_FROM,
        **_labels(),
    ), status


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """An item: its description, estimate, links, status, rank, comments and history."""
    found = _item_or_404(item_id)
    permissions.require("backlog.view", found)
    return _item_page(found)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(item_id: int):
    """Change an item's title, description, type or category."""
    found = _item_or_404(item_id)
    permissions.require("backlog.manage", found)
    form = ItemForm()
    if request.method == "GET":
        form.title.data = found.title
        form.description.data = found.description
        form.type.data = found.type
        form.category.data = found.category
    if form.validate_on_submit():
        try:
            services.edit_item(found, **form.values())
        except services.BacklogError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The item is changed."), "success")
            return redirect(_item_url(found))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "backlog/item_form.html", form=form, product=found.product, item=found, mode="edit"
    ), status


@bp.route("/items/<int:item_id>/estimate", methods=["GET", "POST"])
@login_required
@form_view
def estimate(item_id: int):
    """The supplier's estimate of an item: money, hours and a note."""
    found = _item_or_404(item_id)
    permissions.require("backlog.estimate", found)
    form = EstimateForm()
    if request.method == "GET":
        form.amount.data = found.estimate
        form.hours.data = found.estimate_hours
        form.note.data = found.estimate_note
    if form.validate_on_submit():
        try:
            services.estimate_item(
                found,
                amount=form.amount.data,
                hours=form.hours.data,
                note=form.note.data or "",
                by=current_user,
            )
        except services.BacklogError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The estimate is recorded."), "success")
            return redirect(_item_url(found, "estimate"))
    status = 422 if request.method == "POST" else 200
    return render_template("backlog/estimate.html", form=form, item=found), status


@bp.route("/items/<int:item_id>/accept", methods=["POST"])
@login_required
def accept(item_id: int):
    """Accept a proposed (or rejected) item onto the backlog."""
    found = _item_or_404(item_id)
    permissions.require("backlog.manage", found)
    if not ActionForm().validate_on_submit():
        return _expired(_item_url(found))
    try:
        services.accept_item(found)
    except services.BacklogError as error:
        return _refused(error.message, _item_url(found))
    flash(_("The item is accepted."), "success")
    return redirect(_item_url(found))


@bp.route("/items/<int:item_id>/reject", methods=["POST"])
@login_required
def reject(item_id: int):
    """Reject an item with the reason its submitter reads."""
    found = _item_or_404(item_id)
    permissions.require("backlog.manage", found)
    form = RejectForm()
    if not form.validate_on_submit():
        return _item_page(found, 422, reject_form=form)
    try:
        services.reject_item(found, form.reason.data)
    except services.BacklogError as error:
        return _refused(error.message, _item_url(found))
    flash(_("The item is rejected."), "success")
    return redirect(_item_url(found))


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@login_required
def move(item_id: int):
    """Move an item into development, or a developed one to delivered."""
    found = _item_or_404(item_id)
    if not (
        permissions.can(current_user, "backlog.manage", found)
        or permissions.can(current_user, "backlog.estimate", found)
    ):
        permissions.require("backlog.manage", found)
    form = MoveForm()
    if not form.validate_on_submit():
        return _refused(_("Choose where the item moves to."), _item_url(found))
    try:
        services.move_item(found, form.target.data)
    except services.BacklogError as error:
        return _refused(error.message, _item_url(found))
    flash(
        _("The item is now %(status)s.", status=STATUS_LABELS[found.status]),
        "success",
    )
    return redirect(_item_url(found))


@bp.route("/items/<int:item_id>/comments", methods=["POST"])
@login_required
def comment(item_id: int):
    """Comment on an item."""
    found = _item_or_404(item_id)
    permissions.require("backlog.comment", found)
    form = CommentForm()
    if not form.validate_on_submit():
        return _item_page(found, 422, comment_form=form)
    try:
        note = services.comment(found, current_user, form.text.data)
    except services.BacklogError as error:
        return _refused(error.message, _item_url(found, "comments"))
    flash(_("Your comment is added."), "success")
    return redirect(_item_url(found, f"comment-{note.id}"))


def _require_link_right(item: BacklogItem) -> None:
    """Links are kept by those who manage the backlog and by its suppliers."""
    if not permissions.can(current_user, "backlog.estimate", item):
        permissions.require("backlog.manage", item)


@bp.route("/items/<int:item_id>/links", methods=["POST"])
@login_required
def add_link(item_id: int):
    """Link the item to a web page, such as its issue in the product's tracker."""
    found = _item_or_404(item_id)
    _require_link_right(found)
    form = LinkForm()
    if not form.validate_on_submit():
        return _item_page(found, 422, link_form=form)
    try:
        services.add_link(found, label=form.label.data, url=form.url.data, by=current_user)
    except services.BacklogError as error:
        form.url.errors = [*form.url.errors, error.message]
        db.session.rollback()
        return _item_page(found, 422, link_form=form)
    flash(_("The link is added."), "success")
    return redirect(_item_url(found, "links"))


@bp.route("/items/<int:item_id>/links/<int:link_id>/remove", methods=["POST"])
@login_required
def remove_link(item_id: int, link_id: int):
    """Take a link off its item."""
    found = _item_or_404(item_id)
    link = db.session.get(BacklogLink, link_id)
    if link is None or link.item_id != found.id:
        abort(404)
    _require_link_right(found)
    if not ActionForm().validate_on_submit():
        return _expired(_item_url(found, "links"))
    services.remove_link(link)
    flash(_("The link is removed."), "success")
    return redirect(_item_url(found, "links"))


# --- rounds -----------------------------------------------------------------------------------


def _groups_running(found: Product) -> list[Group]:
    """The product's coordination groups whose rounds the user may run."""
    return [
        group
        for group in queries.coordination_groups(found)
        if permissions.can(current_user, "backlog.run_rounds", group)
    ]


@bp.route("/products/<int:product_id>/rounds")
@login_required
def rounds(product_id: int):
    """A product's prioritisation rounds, the latest closing first."""
    found = _product_or_404(product_id)
    permissions.require("backlog.view", Backlog(found))
    listed = queries.rounds_of(found)
    _closing_if_due(listed)
    return render_template(
        "backlog/rounds.html",
        product=found,
        rounds=listed,
        may_run=bool(_groups_running(found)),
        **_labels(),
    )


def _round_items(found: Product) -> list[BacklogItem]:
    """The items a round may take: accepted or prioritised, by rank then number."""
    return [
        item
        for item in queries.items(found, ItemFilter(sort="rank"))
        if item.status in services.ROUND_ITEM_STATUSES
    ]


def _local_default(days: int) -> tuple[Any, Any]:
    zone = meeting_services.zone_named(None)
    moment = (utcnow() + timedelta(days=days)).astimezone(zone)
    moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return moment.date(), moment.time().replace(tzinfo=None)


def _place_round_error(form: RoundForm, error: services.BacklogError) -> None:
    field = {
        "round_title": form.title,
        "method": form.method,
        "weighting": form.weighting,
        "points": form.points_total,
        "budget": form.budget,
        "times": form.closes_on,
        "no_items": form.items,
        "item_not_accepted": form.items,
        "item_in_open_round": form.items,
        "group_not_coordination": form.group,
    }.get(error.code)
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


@bp.route("/products/<int:product_id>/rounds/new", methods=["GET", "POST"])
@login_required
@form_view
def new_round(product_id: int):
    """The chair or secretary drafts a round: the accepted items, the method, the weighting and
    the opening and closing time on the association's clock."""
    found = _product_or_404(product_id)
    groups = _groups_running(found)
    if not groups:
        permissions.require("backlog.run_rounds", None)
    form = RoundForm(groups=groups, items=_round_items(found))
    if request.method == "GET":
        form.opens_on.data, form.opens_time.data = _local_default(0)
        form.closes_on.data, form.closes_time.data = _local_default(14)
        form.method.data = "points"
        form.weighting.data = "equal"
        form.points_total.data = 10
        form.max_per_item.data = 5
    if form.validate_on_submit():
        group = next(each for each in groups if str(each.id) == form.group.data)
        permissions.require("backlog.run_rounds", group)
        zone = meeting_services.zone_named(None)
        try:
            opens_at = meeting_services.local_to_utc(form.opens_on.data, form.opens_time.data, zone)
            closes_at = meeting_services.local_to_utc(
                form.closes_on.data, form.closes_time.data, zone
            )
        except meeting_services.MeetingError as error:
            form.form_errors.append(error.message)
        else:
            points = form.method.data == "points"
            try:
                created = services.create_round(
                    found,
                    group,
                    title=form.title.data,
                    method=form.method.data,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    item_ids=form.item_ids(),
                    weighting=form.weighting.data,
                    points_total=form.points_total.data if points else None,
                    max_per_item=form.max_per_item.data if points else None,
                    budget=form.budget.data,
                    by=current_user,
                )
            except services.BacklogError as error:
                db.session.rollback()
                _place_round_error(form, error)
            else:
                flash(
                    _(
                        "The round “%(title)s” is drafted. Open it when it is ready.",
                        title=created.title,
                    ),
                    "success",
                )
                return redirect(_round_url(created))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "backlog/new_round.html",
        form=form,
        product=found,
        timezone=meeting_services.zone_named(None).key,
    ), status


def _ballot_values(round_: PrioritisationRound) -> dict[Any, Any]:
    """What the ballot form gives each item of the round: a whole number where one was typed,
    else the text as typed (the counting names what is wrong with it); empty means nothing."""
    values: dict[Any, Any] = {}
    for entry in round_.items:
        typed = (request.form.get(f"item-{entry.item_id}") or "").strip()
        if not typed:
            continue
        values[entry.item_id] = int(typed) if BALLOT_NUMBER.fullmatch(typed) else typed[:50]
    return values


def _round_page(
    round_: PrioritisationRound, status: int = 200, typed: dict[int, dict[int, str]] | None = None
) -> tuple[str, int]:
    voting = (
        queries.voting_organisations(round_, current_user.id) if round_.status == "open" else []
    )
    ballots = {organisation.id: queries.ballot_of(round_, organisation) for organisation in voting}
    visible = queries.visible_ballots(round_, current_user)
    names = {entry.item_id: entry.item for entry in round_.items}
    return render_template(
        "backlog/round.html",
        round=round_,
        product=round_.product,
        turnout=queries.turnout(round_),
        voting=voting,
        ballots=ballots,
        typed=typed or {},
        visible_ballots=visible if round_.is_closed else [],
        items_by_id=names,
        may_run=permissions.can(current_user, "backlog.run_rounds", round_),
        action_form=ActionForm(formdata=None),
        timezone=meeting_services.zone_named(None).key,
        now=utcnow(),
        **_labels(),
    ), status


@bp.route("/rounds/<int:round_id>", endpoint="round")
@login_required
def round_page(round_id: int):
    """A round: its items, weights and turnout; while open, the voter's ballot; once closed,
    the locked result and every organisation's ballot for the group."""
    found = _round_or_404(round_id)
    permissions.require("backlog.view", found)
    _closing_if_due([found])
    return _round_page(found)


@bp.route("/rounds/<int:round_id>/open/confirm")
@login_required
def open_round_confirm(round_id: int):
    """Ask before opening a round: what is frozen and who may vote until when."""
    found = _round_or_404(round_id)
    permissions.require("backlog.run_rounds", found)
    if found.status != "draft":
        return _refused(_("Only a drafted round can be opened."), _round_url(found))
    day = found.opens_at.astimezone(meeting_services.zone_named(None)).date()
    voters = queries.round_participants(found, day)
    return confirmation_page(
        title=_("Open the round?"),
        record=found.title,
        consequences=[
            ngettext(
                "The %(num)d item, its cost and the organisations' weights are frozen.",
                "The %(num)d items, their costs and the organisations' weights are frozen.",
                len(found.items),
            ),
            ngettext(
                "The contacts of %(num)d organisation in %(group)s may vote until %(closes)s.",
                "The contacts of %(num)d organisations in %(group)s may vote until %(closes)s.",
                len(voters),
                group=found.group.name,
                closes=when(found.closes_at),
            ),
        ],
        action_url=url_for("backlog.open_round", round_id=found.id),
        cancel_url=_round_url(found),
        button=_("Open"),
        form=ActionForm(formdata=None),
    )


@bp.route("/rounds/<int:round_id>/close/confirm")
@login_required
def close_round_confirm(round_id: int):
    """Ask before closing a round early: who has not voted, and that the result is final."""
    found = _round_or_404(round_id)
    permissions.require("backlog.run_rounds", found)
    if found.status != "open":
        return _refused(_("Only an open round can be closed."), _round_url(found))
    turnout = queries.turnout(found)
    consequences = [
        _(
            "The ballots of %(voted)s of %(of)s organisations are counted now, before the round "
            "would close at %(closes)s.",
            voted=turnout.count,
            of=turnout.of,
            closes=when(found.closes_at),
        ),
    ]
    if turnout.not_voted:
        consequences.append(
            _(
                "These organisations have not voted and can no longer vote: %(names)s.",
                names=", ".join(organisation.name for organisation in turnout.not_voted),
            )
        )
    consequences.append(
        _(
            "The result is locked and recorded as a decision of %(group)s.",
            group=found.group.name,
        )
    )
    return confirmation_page(
        title=_("Close the round now?"),
        record=found.title,
        consequences=consequences,
        action_url=url_for("backlog.close_round", round_id=found.id),
        cancel_url=_round_url(found),
        button=_("Close now"),
        form=ActionForm(formdata=None),
        danger=True,
    )


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@login_required
def open_round(round_id: int):
    """Open a drafted round: the weights and costs are frozen, the voters may vote."""
    found = _round_or_404(round_id)
    permissions.require("backlog.run_rounds", found)
    if not ActionForm().validate_on_submit():
        return _expired(_round_url(found))
    try:
        services.open_round(found, by=current_user)
    except services.BacklogError as error:
        return _refused(error.message, _round_url(found))
    flash(_("The round is open: the participating organisations may vote."), "success")
    return redirect(_round_url(found))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(round_id: int):
    """Close an open round now: the result is counted, locked and recorded as the group's
    decision."""
    found = _round_or_404(round_id)
    permissions.require("backlog.run_rounds", found)
    if not ActionForm().validate_on_submit():
        return _expired(_round_url(found))
    if services.close_if_due(found):
        db.session.commit()
        flash(_("The round had reached its closing time and is closed."), "success")
        return redirect(_round_url(found, "result"))
    try:
        services.close_round(found, by=current_user)
    except services.BacklogError as error:
        return _refused(error.message, _round_url(found))
    flash(_("The round is closed; its result is recorded as the group's decision."), "success")
    return redirect(_round_url(found, "result"))


@bp.route("/rounds/<int:round_id>/ballot", methods=["POST"])
@login_required
def ballot(round_id: int):
    """Fill in or change an organisation's ballot in an open round."""
    found = _round_or_404(round_id)
    permissions.require("backlog.view", found)
    _closing_if_due([found])
    organisation_id = request.form.get("organisation", type=int)
    weight = (
        found.weight_of(organisation_id)
        if organisation_id is not None and 1 <= organisation_id <= MAX_ID
        else None
    )
    if weight is None:
        abort(404)
    organisation = weight.organisation
    permissions.require("backlog.vote", found.vote_right(organisation))
    if not ActionForm().validate_on_submit():
        return _expired(_round_url(found, "ballot"))
    values = _ballot_values(found)
    try:
        services.cast_ballot(found, organisation, values, current_user)
    except services.BacklogError as error:
        db.session.rollback()
        flash(error.message, "error")
        typed = {
            organisation.id: {
                entry.item_id: (request.form.get(f"item-{entry.item_id}") or "")[:50]
                for entry in found.items
            }
        }
        return _round_page(found, 422, typed=typed)
    flash(
        _("The ballot of %(organisation)s is saved.", organisation=organisation.name),
        "success",
    )
    return redirect(_round_url(found, "ballot"))


def _closed_round_for_export(round_id: int) -> PrioritisationRound | Response:
    found = _round_or_404(round_id)
    permissions.require("backlog.view", found)
    _closing_if_due([found])
    if not found.is_closed:
        flash(_("The result is there once the round has closed."), "error")
        return redirect(_round_url(found))  # type: ignore[return-value]
    return found


@bp.route("/rounds/<int:round_id>/result.csv")
@login_required
def result_csv(round_id: int):
    """A closed round's result as CSV: rank, item, score, funded and title."""
    found = _closed_round_for_export(round_id)
    if not isinstance(found, PrioritisationRound):
        return found
    return Response(
        exports.result_csv(found),
        mimetype="text/csv",
        headers=_attachment(f"round-{found.id}-result.csv"),
    )


@bp.route("/rounds/<int:round_id>/result.json")
@login_required
def result_json(round_id: int):
    """A closed round's result with its settings, turnout, weights and decision, as JSON."""
    found = _closed_round_for_export(round_id)
    if not isinstance(found, PrioritisationRound):
        return found
    return Response(
        exports.result_json(found),
        mimetype="application/json",
        headers=_attachment(f"round-{found.id}-result.json"),
    )
