"""The secretariat credits an issued invoice, whole or in part: a draft credit note it then
checks and issues from its page."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consortium import permissions
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import money
from consortium.invoicing import bp, credit_notes
from consortium.invoicing.forms import credit_form
from consortium.invoicing.models import Invoice
from consortium.invoicing.services import InvoicingError


def _creditable(invoice_id: int) -> Invoice:
    permissions.require("invoices.manage")
    return db.get_or_404(Invoice, invoice_id)


@bp.route("/<int:invoice_id>/credit", methods=["GET", "POST"])
@login_required
@form_view
def credit(invoice_id: int):
    """The invoice's lines with what is left to credit of each, and the amounts to credit."""
    invoice = _creditable(invoice_id)
    if not invoice.is_numbered or invoice.is_credit_note:
        flash(
            _("Only an issued invoice can be credited; a draft can still be changed.")
            if not invoice.is_numbered
            else _("A credit note cannot be credited."),
            "error",
        )
        return redirect(url_for("invoicing.detail", invoice_id=invoice.id))
    credited = credit_notes.credited_amounts(invoice)
    left = {
        line.id: (Decimal(line.net_amount) - credited.get(line.id, Decimal("0"))).quantize(
            Decimal("0.01")
        )
        for line in invoice.lines
    }
    form = credit_form(invoice.lines)
    if form.validate_on_submit():
        if "everything" in request.form:
            amounts = {line_id: amount for line_id, amount in left.items() if amount > 0}
        else:
            amounts = {}
            for line in invoice.lines:
                field = form[f"line_{line.id}"]
                if field.data is None:
                    continue
                if field.data > left[line.id]:
                    field.errors.append(
                        _(
                            "Only %(left)s is left to credit of this line.",
                            left=money(left[line.id], invoice.currency),
                        )
                    )
                amounts[line.id] = field.data
        if not amounts:
            form.form_errors.append(
                _("Type the amount to credit of at least one line.")
                if "everything" not in request.form
                else _("Every line of this invoice has been credited already.")
            )
        elif not form.errors:
            try:
                credit_note = credit_notes.credit_amounts(invoice, amounts, current_user.id)
            except InvoicingError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                flash(
                    _("The draft credit note has been made. Check it, then issue and send it."),
                    "success",
                )
                return redirect(url_for("invoicing.detail", invoice_id=credit_note.id))
    rows = [
        (line, credited.get(line.id, Decimal("0.00")), left[line.id], form[f"line_{line.id}"])
        for line in invoice.lines
    ]
    has_errors = bool(form.errors or form.form_errors)
    return (
        render_template(
            "invoicing/credit.html",
            invoice=invoice,
            form=form,
            rows=rows,
            has_errors=has_errors,
            anything_left=any(amount > 0 for amount in left.values()),
        ),
        422 if has_errors and request.method == "POST" else 200,
    )
