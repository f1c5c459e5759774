"""Pages of the supplier register: load, check access, call a service, render."""

from __future__ import annotations

import math
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func

from consortium import permissions
from consortium.audit.queries import entries_for
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import country_name
from consortium.listing import Column, Listing, in_order
from consortium.security import client_address
from consortium.suppliers import bp, queries, services, throttle
from consortium.suppliers.forms import (
    AgreementForm,
    DecisionForm,
    RegistrationForm,
    RejectionForm,
    SupplierContactDataForm,
    SupplierForm,
)
from consortium.suppliers.labels import (
    CODE_OF_CONDUCT,
    CODE_OF_CONDUCT_TITLE,
    DUPLICATE_MESSAGE,
    SERVICE_TYPE_LABELS,
    STATUS_LABELS,
)
from consortium.suppliers.models import VETTING_STATUSES, Supplier, SupplierAgreement


@bp.app_context_processor
def _supplier_globals() -> dict:
    return {"is_supplier_contact": lambda: bool(queries.suppliers_of_contact(current_user))}


def _labels() -> dict:
    return {"service_type_labels": SERVICE_TYPE_LABELS, "status_labels": STATUS_LABELS}


@bp.route("/register", methods=["GET", "POST"])
@form_view
def register():
    """A company asks to become a supplier (no account needed)."""
    form = RegistrationForm()
    if request.method == "GET":
        form.country.data = "DK"
        language = str(get_locale() or "")
        if language in dict(form.language.choices):
            form.language.data = language
    if form.validate_on_submit():
        address = client_address()
        wait = throttle.retry_after(address)
        if wait:
            minutes = math.ceil(wait / 60)
            form.form_errors.append(
                ngettext(
                    "Too many registrations have been sent from your network. "
                    "Please try again in %(num)d minute.",
                    "Too many registrations have been sent from your network. "
                    "Please try again in %(num)d minutes.",
                    minutes,
                )
            )
            return render_template("suppliers/register.html", form=form), 429
        throttle.record(address)
        if form.website.data:
            # Only robots fill in the hidden field: answer as usual, keep nothing.
            return redirect(url_for("suppliers.thanks"))
        try:
            services.register_supplier(
                name=form.name.data,
                country=form.country.data,
                registration_number=form.registration_number.data,
                address=form.address.data or "",
                contact_name=form.contact_name.data,
                contact_email=form.contact_email.data,
                service_types=form.service_types.data,
                product_ids=form.products.data or [],
                statement=form.statement.data or "",
                language=form.language.data,
            )
        except services.SupplierError:
            # Pending or approved already: say so, without anything about that registration.
            form.registration_number.errors.append(DUPLICATE_MESSAGE)
        else:
            return redirect(url_for("suppliers.thanks"))
    return render_template("suppliers/register.html", form=form)


@bp.route("/register/thanks")
def thanks():
    """The page after registering."""
    return render_template("suppliers/thanks.html")


@bp.route("/code-of-conduct")
def code_of_conduct():
    """The code of conduct every supplier accepts."""
    return render_template(
        "suppliers/code_of_conduct.html", title=CODE_OF_CONDUCT_TITLE, rules=CODE_OF_CONDUCT
    )


@bp.route("/")
@login_required
def index():
    """The suppliers, by vetting status, for the secretariat."""
    permissions.require("suppliers.manage")
    status = request.args.get("status", "pending")
    if status not in (*VETTING_STATUSES, "all"):
        status = "pending"
    listing = Listing(
        "suppliers.index",
        _supplier_columns(),
        default_sort="name",
        filters=("status",),
        tie_breakers=(Supplier.id,),
    )
    statement = queries.suppliers_statement(None if status == "all" else status)
    if listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "suppliers")
    pagination = listing.paginate(statement)
    return render_template(
        "suppliers/index.html",
        suppliers=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=_supplier_columns(),
        status=status,
        statuses=VETTING_STATUSES,
        expiring=len(queries.expiring_agreements()),
        **_labels(),
    )


def _supplier_columns() -> list[Column]:
    """The supplier list's columns: what each sorts by and how it reads in the export."""
    return [
        Column("name", _l("Company name"), func.lower(Supplier.name), lambda s: s.name),
        Column("country", _l("Country"), Supplier.country, lambda s: country_name(s.country)),
        Column(
            "number",
            _l("CVR or EU VAT number"),
            Supplier.registration_number,
            lambda s: s.registration_number,
        ),
        Column(
            "services",
            _l("Services"),
            None,
            lambda s: ", ".join(str(SERVICE_TYPE_LABELS[v]) for v in s.service_types),
        ),
        Column(
            "status",
            _l("Status"),
            in_order(Supplier.status, VETTING_STATUSES),
            lambda s: STATUS_LABELS[s.status],
        ),
        Column(
            "registered",
            _l("Registered"),
            Supplier.created_at,
            lambda s: s.created_at.date(),
            descending_first=True,
        ),
    ]


@bp.route("/agreements/expiring")
@login_required
def expiring():
    """Supplier agreements whose last day is within the next 90 days."""
    permissions.require("suppliers.manage")
    today = date.today()
    return render_template(
        "suppliers/expiring.html",
        agreements=queries.expiring_agreements(today),
        until=today + timedelta(days=queries.EXPIRY_WARNING_DAYS),
        days=queries.EXPIRY_WARNING_DAYS,
    )


@bp.route("/mine")
@login_required
def mine():
    """My company: straight to it for its contact, or the list when there are several."""
    permissions.require("suppliers.mine")
    own = queries.suppliers_of_contact(current_user)
    if len(own) == 1:
        return redirect(url_for("suppliers.detail", supplier_id=own[0].id))
    return render_template("suppliers/mine.html", suppliers=own, **_labels())


def _detail_page(supplier: Supplier, rejection_form=None, status: int = 200):
    manage = permissions.can(current_user, "suppliers.manage", supplier)
    page = render_template(
        "suppliers/detail.html",
        supplier=supplier,
        manage=manage,
        decision_form=DecisionForm(formdata=None),
        rejection_form=rejection_form or RejectionForm(formdata=None),
        today=date.today(),
        is_valid=queries.is_valid,
        history=(
            entries_for("supplier", str(supplier.id))
            if permissions.can(current_user, "audit.read")
            else []
        ),
        **_labels(),
    )
    return page, status


@bp.route("/<int:supplier_id>")
@login_required
def detail(supplier_id: int):
    """A supplier with its registration, contacts, agreements and the vetting decision."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.view", supplier)
    return _detail_page(supplier)


@bp.route("/<int:supplier_id>/edit", methods=["GET", "POST"])
@login_required
@form_view
def edit(supplier_id: int):
    """The supplier's contact changes the contact data and statement; the secretariat the name too."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.edit_contact_data", supplier)
    full = permissions.can(current_user, "suppliers.manage", supplier)
    form = (SupplierForm if full else SupplierContactDataForm)(obj=supplier)
    if form.validate_on_submit():
        values = {
            "address": form.address.data or "",
            "contact_name": form.contact_name.data,
            "contact_email": form.contact_email.data,
            "service_types": form.service_types.data,
            "statement": form.statement.data or "",
            "language": form.language.data or None,
        }
        if full:
            values["name"] = form.name.data
        services.update_supplier(supplier, **values)
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/edit.html", form=form, supplier=supplier)


def _approval_page(supplier: Supplier):
    return confirmation_page(
        title=_("Approve this supplier?"),
        record=supplier.name,
        consequences=[
            _(
                "%(name)s is approved and appears on the public list of suppliers.",
                name=supplier.name,
            ),
            _(
                "%(person)s (%(email)s) becomes its contact: a new account with an invitation "
                "to choose a password, or their existing account.",
                person=supplier.contact_name,
                email=supplier.contact_email,
            ),
            _("%(email)s is mailed that the company is approved.", email=supplier.contact_email),
        ],
        action_url=url_for("suppliers.approve", supplier_id=supplier.id),
        cancel_url=url_for("suppliers.detail", supplier_id=supplier.id),
        button=_("Approve"),
        form=DecisionForm(formdata=None),
    )


def _rejection_page(supplier: Supplier, form: RejectionForm, status: int = 200):
    return confirmation_page(
        title=_("Reject this supplier?"),
        record=supplier.name,
        consequences=[
            _("The registration of %(name)s is rejected.", name=supplier.name),
            _(
                "%(email)s is mailed the rejection with the reason you give here.",
                email=supplier.contact_email,
            ),
        ],
        action_url=url_for("suppliers.reject", supplier_id=supplier.id),
        cancel_url=url_for("suppliers.detail", supplier_id=supplier.id),
        button=_("Reject"),
        form=form,
        fields=[form.reason],
        danger=True,
        status=status,
    )


@bp.route("/<int:supplier_id>/approve/confirm")
@login_required
def approve_confirm(supplier_id: int):
    """Ask before approving a supplier: who gets an account and a mail."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.manage", supplier)
    if supplier.status == "approved":
        flash(_("%(name)s has been approved already.", name=supplier.name), "error")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return _approval_page(supplier)


@bp.route("/<int:supplier_id>/reject/confirm")
@login_required
def reject_confirm(supplier_id: int):
    """Ask before rejecting a supplier, with the reason its contact is sent."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.manage", supplier)
    if supplier.status != "pending":
        flash(_("Only a pending registration can be rejected."), "error")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return _rejection_page(supplier, RejectionForm(formdata=None))


@bp.route("/<int:supplier_id>/approve", methods=["POST"])
@login_required
@form_view
def approve(supplier_id: int):
    """Approve the supplier; its contact gets an account and an invitation."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.manage", supplier)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _detail_page(supplier, status=400)
    try:
        user = services.approve(supplier, current_user)
    except services.SupplierError:
        flash(_("%(name)s has been approved already.", name=supplier.name), "error")
    else:
        flash(
            _(
                "%(name)s has been approved; %(email)s is now its contact.",
                name=supplier.name,
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("suppliers.detail", supplier_id=supplier.id))


@bp.route("/<int:supplier_id>/reject", methods=["POST"])
@login_required
@form_view
def reject(supplier_id: int):
    """Reject the supplier, with the reason its contact is sent."""
    supplier = db.get_or_404(Supplier, supplier_id)
    permissions.require("suppliers.manage", supplier)
    form = RejectionForm()
    if not form.validate_on_submit():
        return _rejection_page(supplier, form)
    try:
        services.reject(supplier, form.reason.data)
    except services.SupplierError:
        flash(_("Only a pending registration can be rejected."), "error")
    else:
        flash(_("%(name)s has been rejected.", name=supplier.name), "success")
    return redirect(url_for("suppliers.detail", supplier_id=supplier.id))


@bp.route("/<int:supplier_id>/agreements/new", methods=["GET", "POST"])
@bp.route("/<int:supplier_id>/agreements/<int:agreement_id>", methods=["GET", "POST"])
@login_required
@form_view
def agreement(supplier_id: int, agreement_id: int | None = None):
    """Add or change a supplier agreement."""
    supplier = db.get_or_404(Supplier, supplier_id)
    found = None
    if agreement_id is not None:
        found = db.session.get(SupplierAgreement, agreement_id)
        if found is None or found.supplier_id != supplier.id:
            abort(404)
    permissions.require("suppliers.manage", supplier)
    if supplier.status != "approved":
        flash(_("Only an approved supplier can have supplier agreements."), "error")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    covered = [product.id for product in found.products] if found else []
    form = AgreementForm(obj=found, covered=covered)
    if request.method == "GET":
        form.products.data = covered
    if form.validate_on_submit():
        services.save_agreement(
            supplier,
            found,
            version=form.version.data,
            signed_on=form.signed_on.data,
            valid_until=form.valid_until.data,
            product_ids=form.products.data or [],
            code_of_conduct=form.code_of_conduct.data,
            floss_clause=form.floss_clause.data,
            copyright_transfer=form.copyright_transfer.data,
        )
        flash(_("The supplier agreement has been saved."), "success")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template(
        "suppliers/agreement.html", form=form, supplier=supplier, agreement=found
    )
