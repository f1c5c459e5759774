"""Pages of the member register: load, check access, call a service, render."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import delete
from sqlalchemy.orm import selectinload

from consortium import csvio, once, permissions
from consortium.audit.queries import entries_for
from consortium.extensions import db
from consortium.forms import form_view
from consortium.members import bp, queries, services, transfer
from consortium.members.forms import (
    BillingIdentityForm,
    ConfirmImportForm,
    ContactDataForm,
    ContactForm,
    ImportForm,
    MembershipForm,
    OrganisationForm,
    PopulationForm,
)
from consortium.members.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from consortium.members.models import BillingIdentity, Organisation, PendingImport
from consortium.text import upload_name

MEMBERSHIP_MESSAGES = {
    "membership_transition": lambda: _(
        "This change of membership is not possible from the current status."
    ),
    "membership_already": lambda: _("The membership has this status already."),
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


def _filter_from_request() -> queries.OrganisationFilter:
    return queries.OrganisationFilter(
        search=request.args.get("q", "").strip(),
        kind=request.args.get("kind", ""),
        status=request.args.get("status", ""),
        country=request.args.get("country", ""),
        tier=request.args.get("tier", ""),
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
        try:
            organisation = services.create_organisation(**_organisation_values(form))
        except services.NumberTaken as exc:
            _number_taken(form, exc)
        else:
            flash(_("%(name)s has been added to the register.", name=organisation.name), "success")
            return redirect(url_for("members.detail", organisation_id=organisation.id))
    return render_template("members/edit.html", form=form, organisation=None)


def _number_taken(form: OrganisationForm, exc: services.NumberTaken) -> None:
    """Say on the field which organisation already has the number typed."""
    if exc.field == "municipality_code":
        message = _("%(name)s already has this municipality code.", name=exc.owner)
    else:
        message = _("%(name)s already has this registration number.", name=exc.owner)
    if not exc.owner:
        message = _("Another organisation has just been saved with this number.")
    form[exc.field].errors = [*form[exc.field].errors, message]


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
        try:
            services.update_organisation(organisation, **values)
        except services.NumberTaken as exc:
            _number_taken(form, exc)
        else:
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
        services.add_contact(
            organisation, form.user.id, form.role.data, may_sign=bool(form.may_sign.data)
        )
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


PENDING_IMPORTS_KEPT = timedelta(days=1)


@bp.route("/export.csv")
@login_required
def export():
    """The organisations the list shows, as a CSV file a spreadsheet opens as it is."""
    permissions.require("organisations.manage")
    statement = _filter_from_request().statement()
    organisations = db.session.scalars(
        statement.options(selectinload(Organisation.billing_identities))
    ).all()
    delimiter = csvio.delimiter_for(str(get_locale()))
    filename = f"organisations-{date.today().isoformat()}.csv"
    return Response(
        transfer.export_csv(organisations, delimiter),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
@form_view
def import_upload():
    """Upload a CSV file and see what it would change before anything does."""
    permissions.require("organisations.manage")
    form = ImportForm()
    report = None
    pending = None
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload_name(upload.filename, "upload.csv")
        content = upload.read()
        report = transfer.import_organisations(content, filename, apply=False)
        if report.ok:
            _forget_old_uploads()
            pending = PendingImport(user_id=current_user.id, filename=filename, content=content)
            db.session.add(pending)
            db.session.flush()
    return _import_page(form, report, pending, ConfirmImportForm())


def _import_page(form, report, pending, confirm_form, status: int = 200):
    page = render_template(
        "members/import.html",
        form=form,
        report=report,
        pending=pending,
        confirm_form=confirm_form,
        **_labels(),
    )
    return page, status


@bp.route("/import/<int:pending_id>", methods=["POST"])
@login_required
@form_view
def import_confirm(pending_id: int):
    """Import the file shown in the preview; checked again, all or nothing."""
    permissions.require("organisations.manage")
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        if db.session.get(PendingImport, pending_id) is None:
            abort(404)
        return _import_page(ImportForm(formdata=None), None, None, form, 400)
    # Locked until the import is committed: a second confirmation waits, then finds it gone.
    pending = once.load_locked(PendingImport, pending_id)
    if pending is None:
        flash(
            _(
                "This file has been imported already, or its preview has expired. "
                "Upload it again to see what it would change now."
            ),
            "info",
        )
        return redirect(url_for("members.import_upload"))
    if pending.user_id != current_user.id:
        abort(404)
    report = transfer.import_organisations(pending.content, pending.filename, apply=True)
    if not report.ok:
        # The register changed since the preview: show what is wrong now.
        return _import_page(ImportForm(formdata=None), report, None, form)
    db.session.delete(pending)
    flash(
        _(
            "%(filename)s has been imported: %(created)d created, %(updated)d changed, "
            "%(unchanged)d unchanged.",
            filename=pending.filename,
            created=report.count("create"),
            updated=report.count("update"),
            unchanged=report.count("unchanged"),
        ),
        "success",
    )
    return redirect(url_for("members.index"))


def _forget_old_uploads() -> None:
    cutoff = datetime.now(UTC) - PENDING_IMPORTS_KEPT
    db.session.execute(delete(PendingImport).where(PendingImport.created_at < cutoff))


@bp.app_context_processor
def _menu_helpers() -> dict:
    """The organisations the signed-in user is a contact of, for the menu's "My organisation"
    (asked once per page, when the menu is drawn)."""

    def my_organisations() -> list[Organisation]:
        if not current_user.is_authenticated:
            return []
        return [
            organisation
            for organisation in services.organisations_of(current_user)
            if permissions.can(current_user, "organisations.view", organisation)
        ]

    return {"my_organisations": my_organisations}
