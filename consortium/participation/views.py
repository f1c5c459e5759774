"""Pages of participation: load, check access, call a service, render."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from flask_login import current_user, login_required
from sqlalchemy import func

from consortium import periods, permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import day, money
from consortium.i18n import day as format_day
from consortium.listing import Column, Listing, in_order
from consortium.members.models import BillingIdentity, Organisation
from consortium.participation import bp, queries, rules, services
from consortium.participation.forms import (
    DeclineForm,
    JoinRequestForm,
    LeaveRequestForm,
    NoticeForm,
    ParticipationForm,
)
from consortium.participation.labels import (
    KIND_LABELS,
    PHASE_LABELS,
    STATUS_LABELS,
    error_text,
)
from consortium.participation.models import (
    PHASES,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    Participation,
    ParticipationRequest,
)
from consortium.products.models import Product
from consortium.settings.services import get_settings
from consortium.web import id_arg


def _labels() -> dict:
    return {
        "phase_labels": PHASE_LABELS,
        "request_kind_labels": KIND_LABELS,
        "request_status_labels": STATUS_LABELS,
    }


def _identity(organisation: Organisation, value) -> BillingIdentity | None:
    if not value:
        return None
    identity = db.session.get(BillingIdentity, int(value))
    return identity if identity and identity.organisation_id == organisation.id else None


def _error_field(form, code: str):
    """The field a refusal is shown by."""
    fields = {
        "before_membership": "starts_on",
        "dates": "ends_on",
        "amount_required": "amount_per_year",
        "amount": "amount_per_year",
        "billing_identity": "billing_identity",
        "phase": "phase",
        "already_participating": "starts_on",
    }
    return getattr(form, fields.get(code, "product"), None) or form.starts_on


def _to_organisation(organisation: Organisation):
    return redirect(url_for("members.detail", organisation_id=organisation.id) + "#participation")


@bp.route("/")
@login_required
def index():
    """Every participation, by product and organisation, for the secretariat."""
    permissions.require("participations.manage")
    product_id = id_arg("product")
    organisation_id = id_arg("organisation")
    today = date.today()
    columns = _participation_columns()
    listing = Listing(
        "participation.index",
        columns,
        default_sort="product",
        filters=("product", "organisation"),
        tie_breakers=(func.lower(Organisation.name), Participation.starts_on, Participation.id),
    )
    statement = queries.participations_statement(product_id, organisation_id)
    if listing.exporting:
        rows = db.session.scalars(listing.order(statement)).all()
        texts = queries.agreement_texts(rows)
        return listing.export(
            rows, "participations", columns=_participation_columns(texts, get_settings().currency)
        )
    pagination = listing.paginate(statement)
    return render_template(
        "participation/index.html",
        participations=pagination.items,
        pagination=pagination,
        participation_listing=listing,
        products=queries.all_products(),
        product_id=product_id,
        organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
        today=today,
        pending=len(queries.requests("pending")),
        **_labels(),
    )


def _participation_columns(
    agreements: dict[int, str] | None = None, currency: str = ""
) -> list[Column]:
    """The participation list's columns: what each sorts by and how a participation reads in
    the export (its agreement from the words given, by participation id)."""
    known = agreements or {}
    return [
        Column("product", _l("Product"), func.lower(Product.name), lambda p: p.product.name),
        Column(
            "organisation",
            _l("Organisation"),
            func.lower(Organisation.name),
            lambda p: p.organisation.name,
        ),
        Column(
            "phase",
            _l("Phase"),
            in_order(Participation.phase, PHASES),
            lambda p: PHASE_LABELS[p.phase],
        ),
        Column(
            "starts",
            pgettext_l("start of a date range", "From"),
            Participation.starts_on,
            lambda p: p.starts_on,
            descending_first=True,
        ),
        Column(
            "ends",
            pgettext_l("end of a date range", "To"),
            Participation.ends_on,
            lambda p: p.ends_on,
        ),
        Column("notice", _l("Notice given on"), None, lambda p: p.notice_given_on),
        Column(
            "amount",
            _l("Amount pledged per year"),
            Participation.amount_per_year,
            lambda p: p.amount_per_year,
            descending_first=True,
            css_class="number",
        ),
        Column(
            "currency",
            _l("Currency"),
            None,
            lambda p: currency if p.amount_per_year is not None else "",
        ),
        Column(
            "identity",
            _l("Billing identity"),
            None,
            lambda p: p.billing_identity.name if p.billing_identity else "",
        ),
        Column("agreement", _l("Agreement"), None, lambda p: known.get(p.id, "")),
    ]


def product_participants(product: Product, today: date):
    """A product page's list of the organisations taking part today: sorted by organisation,
    phase or end date and paged from the page's address, so that a product with thousands of
    participants shows one page of them."""
    # The secretariat's list's columns, less those a product page does not show.
    shown = ("organisation", "phase", "starts", "ends", "agreement")
    columns = [column for column in _participation_columns() if column.key in shown]
    listing = Listing(
        "products.detail",
        columns,
        default_sort="organisation",
        view_args={"slug": product.slug},
        tie_breakers=(Participation.starts_on, Participation.id),
    )
    return listing, listing.paginate(queries.current_statement(product, today))


@bp.route("/organisations/<int:organisation_id>/new", methods=["GET", "POST"])
@login_required
@form_view
def create(organisation_id: int):
    """Record a commitment or participation agreement of the organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("participations.manage", organisation)
    form = ParticipationForm(organisation)
    if form.validate_on_submit():
        product = db.session.get(Product, int(form.product.data))
        try:
            services.create_participation(organisation, product, **_terms(form, organisation))
        except services.ParticipationError as exc:
            _error_field(form, exc.code).errors.append(error_text(exc))
        else:
            flash(_("The participation has been recorded."), "success")
            return _to_organisation(organisation)
    return render_template(
        "participation/form.html",
        form=form,
        organisation=organisation,
        title=_("New participation of %(organisation)s", organisation=organisation.name),
    )


def _terms(form: ParticipationForm, organisation) -> dict:
    """The participation's terms as the form gives them."""
    return {
        "phase": form.phase.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "notice_months": form.notice_months.data,
        "ends_at_year_end": form.ends_at_year_end.data,
        "agreement_version": (form.agreement_version.data or "").strip(),
        "amount_per_year": form.amount_per_year.data,
        "billing_identity": _identity(organisation, form.billing_identity.data),
    }


@bp.route("/<int:participation_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(participation_id: int):
    """Change a participation's phase, dates, terms or billing identity."""
    participation = db.get_or_404(Participation, participation_id)
    organisation = participation.organisation
    permissions.require("participations.manage", organisation)
    form = ParticipationForm(organisation, obj=participation, with_product=False)
    if request.method == "GET":
        form.billing_identity.data = str(participation.billing_identity_id or "")
    if form.validate_on_submit():
        try:
            services.update_participation(participation, **_terms(form, organisation))
        except services.ParticipationError as exc:
            _error_field(form, exc.code).errors.append(error_text(exc))
        else:
            flash(_("The changes have been saved."), "success")
            return _to_organisation(organisation)
    return render_template(
        "participation/form.html",
        form=form,
        organisation=organisation,
        participation=participation,
        title=_("%(product)s: participation", product=participation.product.name),
    )


@bp.route("/<int:participation_id>/notice", methods=["GET", "POST"])
@login_required
@form_view
def notice(participation_id: int):
    """Record notice given by the organisation; the end date follows from the terms."""
    participation = db.get_or_404(Participation, participation_id)
    organisation = participation.organisation
    permissions.require("participations.manage", organisation)
    form = NoticeForm()
    if request.method == "GET":
        form.given_on.data = date.today()
    if form.validate_on_submit():
        try:
            services.give_notice(participation, form.given_on.data)
        except services.ParticipationError as exc:
            form.given_on.errors.append(error_text(exc))
        else:
            flash(
                _(
                    "Notice recorded: the participation ends on %(day)s.",
                    day=_format_day(participation.ends_on),
                ),
                "success",
            )
            return _to_organisation(organisation)
    return render_template(
        "participation/form.html",
        form=form,
        organisation=organisation,
        participation=participation,
        title=_("%(product)s: notice", product=participation.product.name),
    )


def _format_day(day: date) -> str:
    from flask_babel import format_date

    return format_date(day)


# --- contacts' requests -------------------------------------------------------------------


@bp.route("/mine")
@login_required
def mine():
    """The products of the user's organisations: current participations and requests."""
    permissions.require("participations.mine")
    today = date.today()
    rows = [
        (
            organisation,
            [
                p
                for p in queries.participations_of(organisation)
                if not periods.ended_before(p.ends_on, today)
            ],
            queries.requests_of(organisation),
        )
        for organisation in queries.organisations_of_contact(current_user.id)
        if permissions.can(current_user, "participations.view", organisation)
    ]
    return render_template("participation/mine.html", rows=rows, today=today, **_labels())


@bp.route("/organisations/<int:organisation_id>/join", methods=["GET", "POST"])
@login_required
@form_view
def join(organisation_id: int):
    """A contact asks for their organisation to join a product."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("participations.request", organisation)
    form = JoinRequestForm(organisation)
    if request.method == "GET":
        form.product.data = request.args.get("product", "")
    if form.validate_on_submit():
        product = db.session.get(Product, int(form.product.data))
        try:
            services.request_join(
                organisation,
                product,
                current_user,
                phase=form.phase.data,
                starts_on=form.starts_on.data,
                billing_identity=_identity(organisation, form.billing_identity.data),
                amount_per_year=form.amount_per_year.data,
                message=(form.message.data or "").strip(),
            )
        except services.ParticipationError as exc:
            _error_field(form, exc.code).errors.append(error_text(exc))
        else:
            flash(
                _(
                    "Your request to join %(product)s has been sent to the secretariat.",
                    product=product.name,
                ),
                "success",
            )
            return redirect(url_for("participation.mine"))
    return render_template(
        "participation/form.html",
        form=form,
        organisation=organisation,
        title=_("Ask to join a product for %(organisation)s", organisation=organisation.name),
        submit=_("Send the request"),
        note=None
        if form.product.choices
        else _(
            "There is no product %(organisation)s can join at the moment: it takes part in "
            "every product that is not retired, or has asked to join it.",
            organisation=organisation.name,
        ),
    )


@bp.route("/<int:participation_id>/leave", methods=["GET", "POST"])
@login_required
@form_view
def leave(participation_id: int):
    """A contact gives notice to leave a current participation of their organisation."""
    participation = db.get_or_404(Participation, participation_id)
    permissions.require("participations.request", participation.organisation)
    form = LeaveRequestForm()
    if form.validate_on_submit():
        try:
            services.request_leave(participation, current_user, (form.message.data or "").strip())
        except services.ParticipationError as exc:
            form.form_errors.append(error_text(exc))
        else:
            flash(
                _(
                    "Your notice to leave %(product)s has been sent to the secretariat.",
                    product=participation.product.name,
                ),
                "success",
            )
            return redirect(url_for("participation.mine"))
    return render_template(
        "participation/form.html",
        form=form,
        organisation=participation.organisation,
        participation=participation,
        title=_("Give notice to leave %(product)s", product=participation.product.name),
        submit=_("Send the notice"),
    )


# --- the secretariat decides ------------------------------------------------------------


@bp.route("/requests")
@login_required
def requests():
    """Every request, pending first, or those of one status (?status=pending)."""
    permissions.require("participations.manage")
    columns = _request_columns()
    listing = Listing(
        "participation.requests",
        columns,
        default_sort="status",
        filters=("status",),
        tie_breakers=(ParticipationRequest.requested_at.desc(), ParticipationRequest.id.desc()),
    )
    status = listing.value("status")
    statement = queries.requests_statement(status if status in REQUEST_STATUSES else "")
    if listing.exporting:
        return listing.export(
            db.session.scalars(listing.order(statement)), "participation-requests"
        )
    pagination = listing.paginate(statement)
    return render_template(
        "participation/requests.html",
        rows=pagination.items,
        pagination=pagination,
        request_listing=listing,
        status=status if status in REQUEST_STATUSES else "",
        statuses=REQUEST_STATUSES,
        **_labels(),
    )


def _request_text(item: ParticipationRequest) -> str:
    """What a request asks, as the list says it."""
    text = str(KIND_LABELS[item.kind])
    if item.kind == "join" and item.phase:
        text += f": {PHASE_LABELS[item.phase]}"
        if item.starts_on:
            text += ", " + _("from %(day)s", day=day(item.starts_on))
    return text


def _request_columns() -> list[Column]:
    """The request list's columns: what each sorts by and how a request reads in the export."""
    return [
        Column(
            "organisation",
            _l("Organisation"),
            func.lower(Organisation.name),
            lambda r: r.organisation.name,
        ),
        Column("product", _l("Product"), func.lower(Product.name), lambda r: r.product.name),
        Column(
            "kind",
            _l("Request"),
            in_order(ParticipationRequest.kind, REQUEST_KINDS),
            _request_text,
        ),
        Column(
            "asked",
            _l("Asked on"),
            ParticipationRequest.requested_at,
            lambda r: r.requested_at.date(),
            descending_first=True,
        ),
        Column(
            "status",
            _l("Status"),
            in_order(ParticipationRequest.status, REQUEST_STATUSES),
            lambda r: STATUS_LABELS[r.status],
        ),
        Column("reason", _l("Reason"), None, lambda r: r.decision_reason),
    ]


def _request_page(item: ParticipationRequest, decline_form: DeclineForm, status: int = 200):
    return (
        render_template(
            "participation/request.html", item=item, decline_form=decline_form, **_labels()
        ),
        status,
    )


@bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    """A request with the buttons to approve or decline it."""
    item = db.get_or_404(ParticipationRequest, request_id)
    permissions.require("participations.manage", item.organisation)
    return _request_page(item, DeclineForm(formdata=None))


def _requester_email(item: ParticipationRequest) -> str | None:
    """The address the decision is mailed to, when the person who asked can still be told."""
    from consortium.auth.models import User

    user = db.session.get(User, item.requested_by_user_id) if item.requested_by_user_id else None
    if user is None or not user.active or user.is_anonymised:
        return None
    return user.email


def _decision_record(item: ParticipationRequest) -> str:
    if item.kind == "join":
        return _(
            "%(organisation)s asks to join %(product)s",
            organisation=item.organisation.name,
            product=item.product.name,
        )
    return _(
        "%(organisation)s gives notice on %(product)s",
        organisation=item.organisation.name,
        product=item.product.name,
    )


def _told(item: ParticipationRequest) -> str:
    email = _requester_email(item)
    if email is None:
        return _("Nobody is mailed: the person who asked no longer has an active account.")
    return _("%(email)s is mailed the decision.", email=email)


def _pending_or_back(item: ParticipationRequest):
    if item.status != "pending":
        flash(error_text(services.ParticipationError("not_pending")), "error")
        return redirect(url_for("participation.request_detail", request_id=item.id))
    return None


@bp.route("/requests/<int:request_id>/approve/confirm")
@login_required
def approve_confirm(request_id: int):
    """Ask before approving a request: what is created or ended, and who is told."""
    item = db.get_or_404(ParticipationRequest, request_id)
    permissions.require("participations.manage", item.organisation)
    if (back := _pending_or_back(item)) is not None:
        return back
    if item.kind == "join":
        consequences = [
            _(
                "%(organisation)s takes part in %(product)s from %(day)s, as %(phase)s.",
                organisation=item.organisation.name,
                product=item.product.name,
                day=format_day(item.starts_on),
                phase=PHASE_LABELS[item.phase],
            ),
            _("Its share of the product's costs counts in the fees from that day."),
        ]
        if item.amount_per_year is not None:
            consequences.append(
                _(
                    "It pledges %(amount)s a year.",
                    amount=money(item.amount_per_year, get_settings().currency),
                )
            )
    else:
        participation = item.participation
        try:
            end = rules.notice_takes_effect(
                max(item.requested_at.date(), participation.starts_on),
                participation.notice_months,
                participation.ends_at_year_end,
            )
        except (OverflowError, ValueError):
            end = None
        if end is not None and participation.ends_on is not None:
            end = min(end, participation.ends_on)
        consequences = [
            _(
                "The participation of %(organisation)s in %(product)s ends on %(day)s.",
                organisation=item.organisation.name,
                product=item.product.name,
                day=format_day(end),
            )
            if end is not None
            else _("Notice is recorded on the participation."),
        ]
    consequences.append(_told(item))
    return confirmation_page(
        title=_("Approve this request?"),
        record=_decision_record(item),
        consequences=consequences,
        action_url=url_for("participation.approve", request_id=item.id),
        cancel_url=url_for("participation.request_detail", request_id=item.id),
        button=_("Approve"),
    )


def _decline_page(item: ParticipationRequest, form: DeclineForm, status: int = 200):
    return confirmation_page(
        title=_("Decline this request?"),
        record=_decision_record(item),
        consequences=[
            _("The request is declined; nothing changes in the participation."),
            _told(item),
            _("The person who asked reads the reason you give here."),
        ],
        action_url=url_for("participation.decline", request_id=item.id),
        cancel_url=url_for("participation.request_detail", request_id=item.id),
        button=_("Decline"),
        form=form,
        fields=[form.reason],
        danger=True,
        status=status,
    )


@bp.route("/requests/<int:request_id>/decline/confirm")
@login_required
def decline_confirm(request_id: int):
    """Ask before declining a request, with the reason the contact reads."""
    item = db.get_or_404(ParticipationRequest, request_id)
    permissions.require("participations.manage", item.organisation)
    if (back := _pending_or_back(item)) is not None:
        return back
    return _decline_page(item, DeclineForm(formdata=None))


@bp.route("/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(request_id: int):
    """Approve: create the participation, or record the notice."""
    item = db.get_or_404(ParticipationRequest, request_id)
    permissions.require("participations.manage", item.organisation)
    try:
        services.approve(item, current_user)
    except services.ParticipationError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("participation.request_detail", request_id=item.id))
    flash(_("The request has been approved and the contact told."), "success")
    return redirect(url_for("participation.requests"))


@bp.route("/requests/<int:request_id>/decline", methods=["POST"])
@login_required
@form_view
def decline(request_id: int):
    """Decline, with the reason the contact reads."""
    item = db.get_or_404(ParticipationRequest, request_id)
    permissions.require("participations.manage", item.organisation)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(item, current_user, form.reason.data)
        except services.ParticipationError as exc:
            form.reason.errors.append(error_text(exc))
        else:
            flash(_("The request has been declined and the contact told."), "success")
            return redirect(url_for("participation.requests"))
    return _decline_page(item, form)


@bp.app_context_processor
def _organisation_page_helpers() -> dict:
    """What the organisation page's participation section needs."""
    return {
        "organisation_participations": queries.participations_of,
        "participation_phase_labels": PHASE_LABELS,
    }
