"""Invoices, credit notes and payments: a contact reads their organisations' issued ones; the
secretariat reads every one and records payments."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer, selectinload

from consortium.api import schemas
from consortium.api.core import (
    ETAG_HEADER,
    LIST_HEADERS,
    ListArgs,
    api_blueprint,
    check_if_match,
    may,
    paginate,
    problem,
    require,
    require_scope,
    requires,
)
from consortium.api.organisations import contact_organisation_ids, identity_representation
from consortium.api.tokens import READ, WRITE
from consortium.extensions import db
from consortium.invoicing import payments
from consortium.invoicing.labels import OVERDUE
from consortium.invoicing.models import (
    INVOICE,
    NUMBERED_STATUSES,
    OPEN_STATUSES,
    Invoice,
    InvoiceRun,
)
from consortium.invoicing.services import InvoicingError, association_today

bp = api_blueprint(
    "api-invoices",
    "Invoices and credit notes with their lines and payments. A contact reads the issued "
    "invoices of their own organisations; the secretariat reads every one and records payments.",
)


def _invoice_or_404(invoice_id: int) -> Invoice:
    invoice = db.session.scalar(
        select(Invoice)
        .options(
            selectinload(Invoice.lines),
            selectinload(Invoice.payments),
            selectinload(Invoice.billing_identity),
            selectinload(Invoice.credit_notes).defer(Invoice.pdf).defer(Invoice.ubl),
            defer(Invoice.pdf),
            defer(Invoice.ubl),
        )
        .where(Invoice.id == invoice_id)
    )
    if invoice is None:
        problem(404)
    return invoice


def _readable(invoice_id: int, level: str = READ) -> Invoice:
    """The invoice, when the caller may read it: the secretariat any, a contact of the
    organisation its issued ones (a draft is not there for them), as on the pages."""
    invoice = _invoice_or_404(invoice_id)
    require("invoices", level, "invoices.view_own", invoice)
    if not invoice.is_numbered and not may("invoices.manage"):
        problem(404)
    return invoice


def summary(invoice: Invoice, balance) -> dict:
    return {
        "id": invoice.id,
        "series": invoice.series,
        "number": invoice.number,
        "status": invoice.status,
        "overdue": balance is not None and payments.is_overdue(invoice, owed=balance),
        "organisation_id": invoice.organisation_id,
        "buyer_name": invoice.buyer_name,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "currency": invoice.currency,
        "net_total": invoice.net_total,
        "vat_total": invoice.vat_total,
        "gross_total": invoice.gross_total,
        "balance": balance,
    }


def representation(invoice: Invoice) -> dict:
    owed = payments.balance(invoice) if _has_balance(invoice) else None
    return summary(invoice, owed) | {
        "credited_invoice_id": invoice.credited_invoice_id,
        "credit_notes": [
            {
                "id": note.id,
                "number": note.number,
                "status": note.status,
                "issued_on": note.issued_on,
                "gross_total": note.gross_total,
            }
            for note in invoice.credit_notes
            if note.is_numbered or may("invoices.manage")
        ],
        "billing_identity": (
            identity_representation(invoice.billing_identity) if invoice.billing_identity else None
        ),
        "buyer_reference": invoice.buyer_reference,
        "period_start_on": invoice.period_start_on,
        "period_end_on": invoice.period_end_on,
        "lines": [
            {
                "position": line.position,
                "component": line.component,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "net_amount": line.net_amount,
                "vat_category": line.vat_category,
                "vat_rate": line.vat_rate,
            }
            for line in sorted(invoice.lines, key=lambda line: line.position)
        ],
        "payments": [_payment(payment) for payment in invoice.payments],
    }


def _has_balance(invoice: Invoice) -> bool:
    """A credit note and a draft have no balance."""
    return invoice.series == INVOICE and invoice.status in NUMBERED_STATUSES


def _payment(payment) -> dict:
    return {
        "id": payment.id,
        "paid_on": payment.paid_on,
        "amount": payment.amount,
        "reference": payment.reference,
        "source": payment.source,
    }


_SORTS = {
    "issued_on": (Invoice.issued_on, Invoice.id),
    "-issued_on": (Invoice.issued_on.desc(), Invoice.id.desc()),
    "number": (Invoice.number, Invoice.id),
    "-number": (Invoice.number.desc(), Invoice.id.desc()),
    "id": (Invoice.id,),
    "-id": (Invoice.id.desc(),),
}


@bp.route("/invoices")
@bp.arguments(ListArgs, location="query", as_kwargs=True)
@bp.arguments(schemas.InvoiceListArgs, location="query", as_kwargs=True)
@bp.response(200, schemas.InvoiceSummarySchema(many=True), headers=LIST_HEADERS)
@bp.problems(403, 422)
def list_invoices(page, per_page, sort, organisation=None, series="", status="", year=None):
    """Invoices and credit notes: every one for the secretariat; for a contact, the issued ones
    of their own organisations. Filter by organisation, series (invoices or credit notes),
    status and year.

    Scope: invoices:read."""
    require_scope("invoices", READ)
    token_user_may_manage = may("invoices.manage")
    statement = (
        select(Invoice)
        .outerjoin(InvoiceRun, Invoice.run_id == InvoiceRun.id)
        .options(defer(Invoice.pdf), defer(Invoice.ubl), selectinload(Invoice.payments))
    )
    if not token_user_may_manage:
        from flask import g

        statement = statement.where(
            Invoice.organisation_id.in_(contact_organisation_ids(g.api_user.id)),
            Invoice.status.in_(NUMBERED_STATUSES),
        )
    if organisation is not None:
        statement = statement.where(Invoice.organisation_id == organisation)
    if series:
        statement = statement.where(Invoice.series == series)
    if status == OVERDUE:
        # As the list of overdue invoices: open, and past the due date (an open invoice has a
        # balance left; its status follows the balance).
        statement = statement.where(
            Invoice.series == INVOICE,
            Invoice.status.in_(OPEN_STATUSES),
            Invoice.due_on < association_today(),
        )
    elif status:
        statement = statement.where(Invoice.status == status)
    if year is not None:
        statement = statement.where(
            or_(
                Invoice.number_year == year,
                and_(Invoice.number_year.is_(None), InvoiceRun.year == year),
            )
        )
    invoices, headers = paginate(
        statement.order_by(*_SORTS[sort]), {"page": page, "per_page": per_page}
    )
    balances = payments.balances(invoices)
    return [summary(invoice, balances.get(invoice.id)) for invoice in invoices], 200, headers


@bp.route("/invoices/<int:invoice_id>")
@bp.response(200, schemas.InvoiceSchema, headers=ETAG_HEADER)
@bp.problems(403, 404)
def get_invoice(invoice_id: int):
    """An invoice or credit note with its lines, payments and balance. Its ETag is the one a
    payment's If-Match names.

    Scope: invoices:read; the organisation's contacts (issued ones) and the secretariat."""
    return representation(_readable(invoice_id))


@bp.route("/invoices/<int:invoice_id>/payments")
@bp.response(200, schemas.PaymentSchema(many=True), headers=ETAG_HEADER)
@bp.problems(403, 404)
def list_payments(invoice_id: int):
    """The payments recorded for an invoice.

    Scope: invoices:read; the organisation's contacts and the secretariat."""
    return [_payment(payment) for payment in _readable(invoice_id).payments]


@bp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@requires("invoices", WRITE, "invoices.manage")
@bp.arguments(schemas.NewPaymentSchema)
@bp.response(201, schemas.PaymentRecordedSchema)
@bp.doc(
    parameters=[
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": {"type": "string"},
            "description": "The invoice's ETag as last read; a payment is refused (412) when "
            "the invoice changed since.",
        }
    ]
)
@bp.problems(403, 404, 412, 422)
def record_payment(body: dict, invoice_id: int):
    """Record money received for an issued invoice: partial payments are allowed; more than
    the balance, a date in the future or before the invoice was issued are refused (422).

    Scope: invoices:write; the secretariat."""
    invoice = _invoice_or_404(invoice_id)
    require("invoices", WRITE, "invoices.manage", invoice)
    check_if_match(representation(invoice), schemas.InvoiceSchema())
    from flask import g

    try:
        payments.check_payment_date(invoice, body["paid_on"])
    except InvoicingError as error:
        _refuse(error, "paid_on")
    try:
        payment = payments.record_payment(
            invoice, body["paid_on"], body["amount"], body["reference"], g.api_user.id
        )
    except InvoicingError as error:
        _refuse(error, "" if error.message is payments.ONLY_ISSUED else "amount")
    db.session.refresh(invoice)
    return {"payment": _payment(payment), "invoice": representation(invoice)}, 201


def _refuse(error: InvoicingError, field: str) -> None:
    """Answer 422 with the service's reason, on the field it is about."""
    reason = str(error.message)
    errors = [{"location": "json", "field": field, "reason": reason}] if field else []
    problem(422, reason, errors=errors)
