"""Pages of the groups: load, check access, call a service, render."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from consortium import permissions
from consortium.auth.people_search import people_search
from consortium.extensions import db
from consortium.forms import form_view
from consortium.groups import bp, queries, services
from consortium.groups.forms import EndTermForm, GroupForm, MemberForm, product_choices
from consortium.groups.labels import ERROR_MESSAGES, KIND_LABELS, ROLE_LABELS, warning_text
from consortium.groups.models import Group, GroupMember
from consortium.listing import Column, Listing, in_order
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier
from consortium.web import id_arg


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "role_labels": ROLE_LABELS, "warning_text": warning_text}


def _product(value) -> Product | None:
    return db.session.get(Product, int(value)) if value else None


def _field_of(form: GroupForm, error: services.GroupError):
    """The field a refusal of the group form belongs to."""
    return form.code if error.code.startswith("code_") else form.product


@bp.route("/")
@login_required
def index():
    """Every group, with its composition warnings, for the secretariat."""
    permissions.require("groups.manage")
    kind = request.args.get("kind", "")
    product_id = id_arg("product")
    listing = Listing(
        "groups.index",
        _group_columns(),
        default_sort="kind",
        filters=("kind", "product"),
        tie_breakers=(func.lower(Group.name), Group.id),
    )
    statement = queries.groups_statement(kind if kind in KIND_LABELS else "", product_id)
    board = queries.board_user_ids()
    if listing.exporting:
        groups = db.session.scalars(listing.order(statement)).all()
        return listing.export([_group_row(group, board) for group in groups], "groups")
    pagination = listing.paginate(statement)
    rows = [_group_row(group, board) for group in pagination.items]
    return render_template(
        "groups/index.html",
        rows=rows,
        pagination=pagination,
        listing=listing,
        columns=_group_columns(),
        kind=kind,
        product_id=product_id,
        products=product_choices(),
        **_labels(),
    )


def _group_row(group: Group, board) -> tuple:
    return (group, queries.current_members(group), queries.warnings_for(group, board))


def _group_columns() -> list[Column]:
    """The group list's columns: what each sorts by and how it reads in the export."""
    return [
        Column("name", _l("Name"), func.lower(Group.name), lambda row: row[0].name),
        Column(
            "kind",
            _l("Kind"),
            in_order(Group.kind, tuple(KIND_LABELS)),
            lambda row: KIND_LABELS[row[0].kind],
        ),
        Column(
            "product",
            _l("Product"),
            select(func.lower(Product.name))
            .where(Product.id == Group.product_id)
            .correlate(Group)
            .scalar_subquery(),
            lambda row: row[0].product.name if row[0].product else "",
        ),
        Column("members", _l("Current members"), None, lambda row: len(row[1]), css_class="number"),
        Column(
            "warnings",
            _l("Warnings"),
            None,
            lambda row: "; ".join(warning_text(warning) for warning in row[2]),
        ),
    ]


@bp.route("/mine")
@login_required
def mine():
    """The groups the signed-in user is a current member of, with their role."""
    permissions.require("groups.mine")
    return render_template(
        "groups/mine.html", memberships=queries.memberships_of(current_user.id), **_labels()
    )


@bp.route("/<int:group_id>")
@login_required
def detail(group_id: int):
    """A group: current members with role and organisation, past members, terms of reference."""
    group = queries.group(group_id)
    if group is None:
        abort(404)
    permissions.require("groups.view", group)
    manage = permissions.can(current_user, "groups.manage", group)
    return render_template(
        "groups/detail.html",
        group=group,
        current=queries.current_members(group),
        past=queries.past_members(group),
        warnings=queries.warnings_for(group) if manage else [],
        manage=manage,
        end_form=EndTermForm(formdata=None, ends_on=date.today()),
        **_labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def create():
    """Set up a group."""
    permissions.require("groups.manage")
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(
                form.kind.data,
                form.name.data.strip(),
                _product(form.product.data),
                (form.terms_of_reference.data or "").strip(),
                code=form.code.data,
            )
        except services.GroupError as exc:
            _field_of(form, exc).errors.append(ERROR_MESSAGES[exc.code])
        else:
            flash(_("The group %(name)s has been set up.", name=group.name), "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/form.html", form=form, group=None, title=_("New group"))


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(group_id: int):
    """Change a group's kind, name, product or terms of reference."""
    group = db.get_or_404(Group, group_id)
    permissions.require("groups.manage", group)
    form = GroupForm(obj=group)
    if request.method == "GET":
        form.product.data = str(group.product_id or "")
    if form.validate_on_submit():
        try:
            services.update_group(
                group,
                form.kind.data,
                form.name.data.strip(),
                _product(form.product.data),
                (form.terms_of_reference.data or "").strip(),
                code=form.code.data,
            )
        except services.GroupError as exc:
            _field_of(form, exc).errors.append(ERROR_MESSAGES[exc.code])
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template(
        "groups/form.html", form=form, group=group, title=_("Edit %(name)s", name=group.name)
    )


@bp.route("/<int:group_id>/members/new", methods=["GET", "POST"])
@login_required
@form_view
def add_member(group_id: int):
    """Add a person's term, representing an organisation (or, in a coordination group, a
    supplier), by email, inviting someone new; the secretariat may also find a person by name
    or email and choose them."""
    group = db.get_or_404(Group, group_id)
    permissions.require("groups.add_member", group)
    may_search = permissions.can(current_user, "people.search")
    manage = permissions.can(current_user, "groups.manage", group)
    form = MemberForm(name_required=not may_search, approved_only=not manage)
    search = people_search(may_search)
    if request.method == "GET":
        form.starts_on.data = date.today()
        if search.chosen is not None:
            form.email.data = search.chosen.email
    if form.validate_on_submit():
        organisation = (
            db.session.get(Organisation, int(form.organisation.data))
            if form.organisation.data
            else None
        )
        supplier = db.session.get(Supplier, int(form.supplier.data)) if form.supplier.data else None
        try:
            member, invited = services.add_person(
                group,
                form.email.data,
                name=form.name.data or "",
                language=form.language.data or None,
                invited_by=current_user._get_current_object(),
                may_make_contact=lambda organisation: permissions.can(
                    current_user, "organisations.manage_contacts", organisation
                ),
                organisation=organisation,
                supplier=supplier,
                role=form.role.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except services.GroupError as exc:
            target = {
                "dates": form.ends_on,
                "supplier_only_coordination": form.supplier,
                "overlapping_term": form.starts_on,
                "name_needed": form.name,
            }.get(exc.code, form.organisation)
            target.errors.append(ERROR_MESSAGES[exc.code])
        else:
            shown = member.user.display_name if may_search else member.user.email
            if invited:
                message = _(
                    "%(name)s has been invited by email and is now in %(group)s.",
                    name=shown,
                    group=group.name,
                )
            else:
                message = _("%(name)s is now in %(group)s.", name=shown, group=group.name)
            flash(message, "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template(
        "groups/add_member.html",
        form=form,
        group=group,
        search=search,
        title=_("Add a member to %(group)s", group=group.name),
    )


@bp.route("/<int:group_id>/members/<int:member_id>/end", methods=["POST"])
@login_required
def end_term(group_id: int, member_id: int):
    """End a member's term; they stay in the group's history."""
    group = db.get_or_404(Group, group_id)
    member = db.session.get(GroupMember, member_id)
    if member is None or member.group_id != group.id:
        abort(404)
    permissions.require("groups.manage", group)
    form = EndTermForm()
    if form.validate_on_submit():
        try:
            services.end_term(member, form.ends_on.data)
        except services.GroupError as exc:
            flash(str(ERROR_MESSAGES[exc.code]), "error")
        else:
            flash(
                _("The term of %(name)s has been ended.", name=member.user.display_name),
                "success",
            )
    else:
        flash(_("Enter the last day of the term."), "error")
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.app_context_processor
def _dashboard_helpers() -> dict:
    """The home page lists the signed-in user's groups."""

    def current_group_memberships():
        if not current_user.is_authenticated:
            return []
        return queries.memberships_of(current_user.id)

    return {
        "current_group_memberships": current_group_memberships,
        "group_role_labels": ROLE_LABELS,
    }
