"""Pages of the member register: load, check access, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consortium import permissions
from consortium.audit.queries import entries_for
from consortium.extensions import db
from consortium.forms import form_view
from consortium.members import bp, queries, services
from consortium.members.forms import (
    BillingIdentityForm,
    ContactDataForm,
    ContactForm,
    MembershipForm,
    OrganisationForm,
    PopulationForm,
    country_choices,
)
from consortium.members.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from consortium.members.models import BillingIdentity, Organisation

MEMBERSHIP_MESSAGES = {
    "membership_transition": lambda: _(
        "This change of membership is not possible from the current status."
    ),
    "membership_date_before_previous": lambda: _(
        "The date is before the previous step of the membership."
    ),
}


def _labels() -> dict:
    return {
        "kind_labels": KIND_LABELS,
        "tier_labels": TIER_LABELS,
        "status_labels": STATUS_LABELS,
        "role_labels": ROLE_LABELS,
    }


@bp.route("/")
@login_required
def index():
    """The organisations the user may see: all for the secretariat, their own for a contact."""
    permissions.require("organisations.list")
    organisation_filter = queries.OrganisationFilter(
        search=request.args.get("q", "").strip(),
        kind=request.args.get("kind", ""),
        status=request.args.get("status", ""),
        country=request.args.get("country", ""),
        sort=request.args.get("sort", "name"),
        descending=request.args.get("order") == "desc",
    )
    only_own = None if permissions.can(current_user, "organisations.manage") else current_user.id
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = queries.search(organisation_filter, page, only_own)
    organisations = pagination.items
    sets = services.band_sets()
    rows = [
        (
            organisation,
            services.membership_status(organisation),
            services.current_tier(organisation, sets),
        )
        for organisation in organisations
    ]
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "members/index.html",
        rows=rows,
        pagination=pagination,
        filter=organisation_filter,
        args=args,
        countries=country_choices(),
        **_labels(),
    )


@bp.route("/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    """An organisation with its population history, billing identities, contacts and membership."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.view", organisation)
    history = (
        entries_for("organisation", str(organisation.id))
        if permissions.can(current_user, "audit.read")
        else []
    )
    return render_template(
        "members/detail.html",
        organisation=organisation,
        membership=services.membership_status(organisation),
        tier=services.current_tier(organisation),
        history=history,
        **_labels(),
    )


def _organisation_values(form: OrganisationForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "kind": form.kind.data,
        "country": form.country.data,
        "registration_number": form.registration_number.data or None,
        "vat_number": (form.vat_number.data or "").strip() or None,
        "municipality_code": (form.municipality_code.data or "").strip() or None,
        "address": (form.address.data or "").strip(),
        "email": (form.email.data or "").strip(),
        "language": form.language.data or None,
        "tier_override": form.tier_override.data or None,
        "tier_override_reason": (form.tier_override_reason.data or "").strip(),
        "notes": (form.notes.data or "").strip(),
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def create():
    """Add an organisation to the register."""
    permissions.require("organisations.manage")
    form = OrganisationForm()
    if request.method == "GET":
        form.country.data = "DK"
    if form.validate_on_submit():
        organisation = services.create_organisation(**_organisation_values(form))
        flash(_("%(name)s has been added to the register.", name=organisation.name), "success")
        return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template("members/edit.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(organisation_id: int):
    """The secretariat edits everything; a contact edits the address, emails and language."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.edit_contact_data", organisation)
    full = permissions.can(current_user, "organisations.manage", organisation)
    form = (OrganisationForm if full else ContactDataForm)(obj=organisation)
    if request.method == "GET":
        form.language.data = organisation.language or ""
        if full:
            form.tier_override.data = organisation.tier_override or ""
    if form.validate_on_submit():
        if full:
            values = _organisation_values(form)
        else:
            values = {
                "address": (form.address.data or "").strip(),
                "email": (form.email.data or "").strip(),
                "language": form.language.data or None,
            }
        services.update_organisation(organisation, **values)
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template("members/edit.html", form=form, organisation=organisation)


@bp.route("/<int:organisation_id>/population", methods=["GET", "POST"])
@login_required
@form_view
def population(organisation_id: int):
    """Record the population on 1 January of a year."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.manage", organisation)
    form = PopulationForm()
    if form.validate_on_submit():
        services.set_population(
            organisation, form.year.data, form.population.data, (form.source.data or "").strip()
        )
        flash(_("The population has been recorded."), "success")
        return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template(
        "members/form.html", form=form, organisation=organisation, title=_("Population")
    )


@bp.route("/<int:organisation_id>/membership", methods=["GET", "POST"])
@login_required
@form_view
def membership(organisation_id: int):
    """Add a step to the membership: applied, active, resigned or lapsed."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.manage", organisation)
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            services.change_membership(
                organisation, form.status.data, form.status_on.data, form.reason.data or ""
            )
        except services.RegisterError as exc:
            form.status.errors.append(MEMBERSHIP_MESSAGES[exc.code]())
        else:
            flash(_("The membership has been updated."), "success")
            return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template(
        "members/form.html", form=form, organisation=organisation, title=_("Membership")
    )


@bp.route("/<int:organisation_id>/billing/new", methods=["GET", "POST"])
@bp.route("/<int:organisation_id>/billing/<int:identity_id>", methods=["GET", "POST"])
@login_required
@form_view
def billing_identity(organisation_id: int, identity_id: int | None = None):
    """Add or change a billing identity: who receives the invoices, and how."""
    organisation = db.get_or_404(Organisation, organisation_id)
    identity = None
    if identity_id is not None:
        identity = db.session.get(BillingIdentity, identity_id)
        if identity is None or identity.organisation_id != organisation.id:
            abort(404)
    permissions.require("organisations.edit_contact_data", organisation)
    form = BillingIdentityForm(obj=identity)
    if form.validate_on_submit():
        services.save_billing_identity(
            organisation,
            identity,
            name=form.name.data.strip(),
            gln=form.gln.data or None,
            peppol_id=form.peppol_id.data or None,
            invoice_reference=(form.invoice_reference.data or "").strip(),
            invoice_email=(form.invoice_email.data or "").strip(),
            is_default=form.is_default.data,
        )
        flash(_("The billing identity has been saved."), "success")
        return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template(
        "members/form.html", form=form, organisation=organisation, title=_("Billing identity")
    )


@bp.route("/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@login_required
@form_view
def add_contact(organisation_id: int):
    """Link a user to the organisation as primary, finance, technical or other contact."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.manage", organisation)
    form = ContactForm()
    if form.validate_on_submit():
        services.add_contact(organisation, form.user.id, form.role.data)
        flash(
            _(
                "%(name)s is now a contact of %(organisation)s.",
                name=form.user.display_name,
                organisation=organisation.name,
            ),
            "success",
        )
        return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template(
        "members/form.html", form=form, organisation=organisation, title=_("Add a contact")
    )
