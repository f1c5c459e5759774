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
from consortium.auth.forms import ConfirmForm
from consortium.auth.people_search import people_search
from consortium.extensions import db
from consortium.forms import form_view
from consortium.members import bp, queries, services, transfer
from consortium.members.forms import (
    BillingIdentityForm,
    ConfirmImportForm,
    ContactDataForm,
    ContactForm,
    ContactRoleForm,
    ImportForm,
    MakePrimaryForm,
    MembershipForm,
    OrganisationForm,
    PopulationForm,
)
from consortium.members.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from consortium.members.models import (
    CONTACT_ROLES,
    PRIMARY,
    BillingIdentity,
    Organisation,
    OrganisationContact,
    PendingImport,
)
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


CONTACT_MESSAGES = {
    "contact_gone": lambda: _("This person is no longer a contact of the organisation."),
    "primary_cannot_be_removed": lambda: _(
        "The primary contact cannot be removed: make another contact primary first."
    ),
    "primary_role": lambda: _(
        "The primary contact keeps this role until another contact is made primary."
    ),
    "already_primary": lambda: _("This person is the primary contact already."),
    "primary_changed": lambda: _(
        "The primary contact has changed in the meantime. Check who it is now and confirm again."
    ),
    "role": lambda: _("Choose one of the roles offered."),
    "name_needed": lambda: _(
        "No one has an account with this email address yet: enter a name to invite them."
    ),
    "already_contact": lambda: _("This person is a contact of the organisation already."),
    "primary_exists": lambda: _(
        "The organisation has a primary contact already: add the person in another role, "
        "then make them primary."
    ),
}

OTHER_ROLES = [role for role in CONTACT_ROLES if role != PRIMARY]


def _load_contact(organisation_id: int, contact_id: int) -> OrganisationContact:
    """The contact of that organisation (404 otherwise), once the user may manage its contacts."""
    organisation = db.get_or_404(Organisation, organisation_id)
    contact = db.session.get(OrganisationContact, contact_id)
    if contact is None or contact.organisation_id != organisation.id:
        abort(404)
    permissions.require("organisations.manage_contacts", organisation)
    return contact


def _to_contacts(organisation: Organisation):
    return redirect(url_for("members.detail", organisation_id=organisation.id, _anchor="contacts"))


@bp.route("/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@login_required
@form_view
def add_contact(organisation_id: int):
    """Add a contact by email (inviting someone new); the secretariat may also find a person by
    name or email and choose them."""
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require("organisations.manage_contacts", organisation)
    may_search = permissions.can(current_user, "people.search")
    full = permissions.can(current_user, "organisations.manage", organisation)
    roles = OTHER_ROLES if organisation.primary_contact else list(CONTACT_ROLES)
    form = ContactForm(roles=roles, name_required=not may_search)
    if not full:
        del form.may_sign
    search = people_search(may_search)
    if request.method == "GET" and search.chosen is not None:
        form.email.data = search.chosen.email
    if form.validate_on_submit():
        try:
            contact, invited = services.add_person_as_contact(
                organisation,
                form.email.data,
                name=form.name.data or "",
                language=form.language.data or None,
                role=form.role.data,
                may_sign=bool(form.may_sign.data) if full else False,
                invited_by=current_user._get_current_object(),
            )
        except services.RegisterError as exc:
            field = {"name_needed": form.name, "already_contact": form.email}.get(
                exc.code, form.role
            )
            field.errors = [*field.errors, CONTACT_MESSAGES[exc.code]()]
        else:
            shown = contact.user.display_name if may_search else contact.user.email
            if invited:
                message = _(
                    "%(name)s has been invited by email and is now a contact of %(organisation)s.",
                    name=shown,
                    organisation=organisation.name,
                )
            else:
                message = _(
                    "%(name)s is now a contact of %(organisation)s.",
                    name=shown,
                    organisation=organisation.name,
                )
            flash(message, "success")
            return _to_contacts(organisation)
    return render_template(
        "members/add_contact.html", form=form, organisation=organisation, search=search
    )


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@login_required
@form_view
def contact(organisation_id: int, contact_id: int):
    """Change a contact's role; the page also removes the contact or makes them primary."""
    contact = _load_contact(organisation_id, contact_id)
    organisation = contact.organisation
    full = permissions.can(current_user, "organisations.manage", organisation)
    form = ContactRoleForm(obj=contact, roles=OTHER_ROLES)
    if not full:
        del form.may_sign
    if contact.role != PRIMARY and form.validate_on_submit():
        try:
            services.change_contact_role(
                contact, form.role.data, may_sign=bool(form.may_sign.data) if full else None
            )
        except services.RegisterError as exc:
            form.role.errors = [*form.role.errors, CONTACT_MESSAGES[exc.code]()]
        else:
            flash(
                _(
                    "%(name)s is now %(role)s.",
                    name=contact.user.display_name,
                    role=ROLE_LABELS[form.role.data],
                ),
                "success",
            )
            return _to_contacts(organisation)
    return render_template(
        "members/contact.html",
        form=form,
        contact=contact,
        organisation=organisation,
        remove_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
    )


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/remove", methods=["POST"])
@login_required
def remove_contact(organisation_id: int, contact_id: int):
    """Remove a contact from the organisation (never its primary contact)."""
    contact = _load_contact(organisation_id, contact_id)
    organisation = contact.organisation
    name = contact.user.display_name
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Please try again."), "error")
        return redirect(
            url_for("members.contact", organisation_id=organisation.id, contact_id=contact.id)
        )
    try:
        services.remove_contact(contact)
    except services.RegisterError as exc:
        flash(CONTACT_MESSAGES[exc.code](), "error")
    else:
        flash(
            _(
                "%(name)s is no longer a contact of %(organisation)s.",
                name=name,
                organisation=organisation.name,
            ),
            "success",
        )
    return _to_contacts(organisation)


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/primary", methods=["GET", "POST"])
@login_required
@form_view
def make_primary(organisation_id: int, contact_id: int):
    """Make a contact primary, after a page that names who stops being primary."""
    contact = _load_contact(organisation_id, contact_id)
    organisation = contact.organisation
    if contact.role == PRIMARY:
        flash(CONTACT_MESSAGES["already_primary"](), "info")
        return _to_contacts(organisation)
    former = organisation.primary_contact
    form = MakePrimaryForm(roles=OTHER_ROLES)
    if request.method == "GET":
        form.replacing.data = str(former.id) if former else ""
        form.former_role.data = "other"
    if former is not None:
        form.former_role.label.text = _(
            "Role of %(name)s from now on", name=former.user.display_name
        )
    if form.validate_on_submit():
        replacing = form.replacing.data or ""
        try:
            services.make_primary(
                contact,
                int(replacing) if replacing.isdigit() else None,
                form.former_role.data or "other",
            )
        except services.RegisterError as exc:
            if exc.code != "primary_changed":
                flash(CONTACT_MESSAGES[exc.code](), "info")
                return _to_contacts(organisation)
            flash(CONTACT_MESSAGES[exc.code](), "error")
            return redirect(
                url_for(
                    "members.make_primary", organisation_id=organisation.id, contact_id=contact.id
                )
            )
        flash(
            _(
                "%(name)s is now the primary contact of %(organisation)s.",
                name=contact.user.display_name,
                organisation=organisation.name,
            ),
            "success",
        )
        if not permissions.can(current_user, "organisations.view", organisation):
            return redirect(url_for("main.home"))
        return _to_contacts(organisation)
    return render_template(
        "members/make_primary.html",
        form=form,
        contact=contact,
        former=former,
        organisation=organisation,
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
            for organisation in services.organisations_on_page(current_user)
            if permissions.can(current_user, "organisations.view", organisation)
        ]

    return {"my_organisations": my_organisations}
