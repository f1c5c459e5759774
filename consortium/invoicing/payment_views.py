"""Pages of money received: recording a payment and sending a reminder from an invoice's page,
the list of overdue invoices, and a reminder's stored PDF."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from consortium import permissions
from consortium.errors import render_error
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import money
from consortium.invoicing import bp, payments, reminders
from consortium.invoicing.forms import PaymentForm
from consortium.invoicing.labels import PAYMENT_SOURCE_LABELS
from consortium.invoicing.models import (
    CREDIT_NOTE,
    INVOICE,
    NUMBERED_STATUSES,
    OPEN_STATUSES,
    Invoice,
    Reminder,
)
from consortium.invoicing.services import InvoicingError, association_today
from consortium.listing import ORDER, PAGE, SIZE, SORT, Column, Listing


def _today():
    """The association's today, once per request."""
    if "association_today" not in g:
        g.association_today = association_today()
    return g.association_today


def _manageable(invoice_id: int) -> Invoice:
    permissions.require("invoices.manage")
    return db.get_or_404(Invoice, invoice_id)


def _back(invoice: Invoice):
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id) + "#payments")


def payment_context(invoice: Invoice, payment_form: PaymentForm | None = None) -> dict[str, Any]:
    """What the invoice's page shows of its money: the balance with what was credited and
    paid, the payments, credit notes and reminders, whether it is overdue, and for the
    secretariat the form that records a payment."""
    if invoice.series != INVOICE or invoice.status not in NUMBERED_STATUSES:
        return {"account": None}
    account = payments.account(invoice)
    today = _today()
    overdue = payments.is_overdue(invoice, today, owed=account.balance)
    manages = permissions.can(current_user, "invoices.manage")
    form = None
    if manages and account.balance > 0:
        form = payment_form or PaymentForm()
        if payment_form is None:
            form.paid_on.data = today
    credit_notes = list(
        db.session.scalars(
            select(Invoice)
            .where(
                Invoice.credited_invoice_id == invoice.id,
                Invoice.series == CREDIT_NOTE,
                Invoice.status.in_(NUMBERED_STATUSES),
            )
            .order_by(Invoice.issued_on, Invoice.number)
        )
    )
    return {
        "account": account,
        "overdue": overdue,
        "payments": list(invoice.payments),
        "credit_notes": credit_notes,
        "reminders": list(invoice.reminders),
        "payment_form": form,
        "source_labels": PAYMENT_SOURCE_LABELS,
        "reminded_today": any(reminder.sent_on == today for reminder in invoice.reminders),
    }


@bp.route("/<int:invoice_id>/payments", methods=["POST"])
@login_required
@form_view
def record_payment(invoice_id: int):
    """Record money received for an issued invoice; the page shows the form again on a
    mistake."""
    invoice = _manageable(invoice_id)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            payment = payments.record_payment(
                invoice,
                form.paid_on.data,
                form.amount.data,
                form.reference.data or "",
                current_user.id,
            )
        except InvoicingError as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error.message)]
        else:
            flash(
                _(
                    "A payment of %(amount)s has been recorded; the balance of %(number)s is "
                    "%(balance)s.",
                    amount=money(payment.amount, invoice.currency),
                    number=invoice.number,
                    balance=money(payments.balance(invoice), invoice.currency),
                ),
                "success",
            )
            return _back(invoice)
    from consortium.invoicing.views import detail_page

    return detail_page(invoice, payment_form=form), 422


@bp.route("/<int:invoice_id>/reminders", methods=["POST"])
@login_required
def send_reminder(invoice_id: int):
    """Send a reminder of an overdue invoice to its buyer, with the reminder PDF."""
    invoice = _manageable(invoice_id)
    try:
        reminder = reminders.send_reminder(invoice, current_user.id, _today())
    except InvoicingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        if reminder.outbox_message_id is None:
            flash(
                _(
                    "Reminder %(level)d of invoice %(number)s has been written, but its buyer "
                    "has no e-mail address for invoices: download it and send it another way.",
                    level=reminder.level,
                    number=invoice.number,
                ),
                "error",
            )
        else:
            flash(
                _(
                    "Reminder %(level)d of invoice %(number)s has been put in the outbox to its "
                    "buyer.",
                    level=reminder.level,
                    number=invoice.number,
                ),
                "success",
            )
    if request.form.get("next") == "overdue":
        # Back to the overdue list as it was sorted and paged; url_for quotes every value.
        kept = {name: request.form.getlist(name) for name in (SORT, ORDER, SIZE, PAGE)}
        return redirect(url_for("invoicing.overdue", **{k: v for k, v in kept.items() if v}))
    return _back(invoice)


@bp.route("/overdue")
@login_required
def overdue():
    """The invoices whose due date has passed with something still to pay, the longest
    overdue first, each with a button that sends a reminder."""
    permissions.require("invoices.manage")
    today = _today()
    columns = _overdue_columns()
    listing = Listing("invoicing.overdue", columns, default_sort="days", default_descending=True)
    rows = payments.overdue_invoices(today)
    if listing.exporting:
        return listing.export(listing.sort_rows(rows), "overdue-invoices")
    pagination = listing.paginate_rows(rows)
    return render_template(
        "invoicing/overdue.html",
        rows=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=columns,
        today=today,
    )


def _organisation_of(row: payments.OverdueInvoice) -> str:
    invoice = row.invoice
    if invoice.buyer_department:
        return f"{invoice.organisation.name}, {invoice.buyer_department}"
    return invoice.organisation.name


def _overdue_columns() -> list[Column]:
    """The overdue list's columns, sorting the computed rows: what each sorts by and how it
    reads in the export."""
    return [
        Column(
            "organisation",
            _l("Organisation"),
            lambda row: _organisation_of(row).casefold(),
            _organisation_of,
        ),
        Column(
            "number", _l("Number"), lambda row: row.invoice.number, lambda row: row.invoice.number
        ),
        Column(
            "due",
            _l("Due date"),
            lambda row: row.invoice.due_on,
            lambda row: row.invoice.due_on,
        ),
        Column(
            "days",
            _l("Days overdue"),
            lambda row: row.days,
            lambda row: row.days,
            descending_first=True,
            css_class="number",
        ),
        Column(
            "balance",
            _l("Balance"),
            lambda row: row.balance,
            lambda row: row.balance,
            descending_first=True,
            css_class="number",
        ),
        Column("currency", _l("Currency"), None, lambda row: row.invoice.currency),
        Column(
            "reminder",
            _l("Last reminder"),
            lambda row: row.last_reminder.sent_on if row.last_reminder else None,
            lambda row: row.last_reminder.sent_on if row.last_reminder else None,
            descending_first=True,
        ),
        Column(
            "level",
            _l("Reminder number"),
            None,
            lambda row: row.last_reminder.level if row.last_reminder else None,
        ),
    ]


@bp.route("/reminders/<int:reminder_id>.pdf")
@login_required
def reminder_pdf(reminder_id: int):
    """A reminder's PDF as it was sent."""
    reminder = db.get_or_404(Reminder, reminder_id)
    permissions.require("invoices.view_own", reminder.invoice)
    content = db.session.scalar(select(Reminder.pdf).where(Reminder.id == reminder.id))
    if not content:
        return render_error(404, _("The PDF of this reminder is not stored."))
    name = f"reminder-{reminder.invoice.number}-{reminder.level}.pdf"
    return Response(
        bytes(content),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.app_context_processor
def _payment_helpers() -> dict:
    """The status an invoice shows in lists, "Overdue" included: an invoice with a balance
    still to pay (issued, sent or partly paid) whose due date has passed."""

    def invoice_status(invoice: Invoice) -> str:
        overdue = (
            invoice.series == INVOICE
            and invoice.status in OPEN_STATUSES
            and invoice.due_on is not None
            and invoice.due_on < _today()
        )
        return payments.status_label(invoice, overdue)

    return {"invoice_status": invoice_status}
