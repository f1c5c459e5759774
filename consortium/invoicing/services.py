"""Writing invoices: drafts, their lines, and issuing a draft with its number.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from consortium.db import utcnow
from consortium.extensions import db
from consortium.invoicing import document, rendering
from consortium.invoicing.documents import party_values, to_document
from consortium.invoicing.models import (
    DRAFT,
    INVOICE,
    ISSUED,
    Invoice,
    InvoiceLine,
    InvoiceRun,
)
from consortium.invoicing.numbering import next_number
from consortium.invoicing.rendering import Rendered
from consortium.members.models import BillingIdentity, Organisation
from consortium.once import load_locked
from consortium.products.models import Product
from consortium.settings.services import component_vat, exemption_reason, get_settings


class InvoicingError(Exception):
    """A change the invoice's state does not allow; the message is for the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


NOT_A_DRAFT = _l("This invoice has been issued already; an issued invoice never changes.")
NO_LINES = _l("An invoice without lines cannot be issued.")
MIXED_OUTSIDE_SCOPE = _l(
    "Lines outside the scope of VAT go on an invoice of their own, without other lines."
)


def association_today() -> date:
    """Today in the association's time zone: the date an invoice is issued on."""
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def create_draft(
    organisation: Organisation,
    billing_identity: BillingIdentity | None = None,
    *,
    run: InvoiceRun | None = None,
    series: str = INVOICE,
    currency: str | None = None,
    period_start_on: date | None = None,
    period_end_on: date | None = None,
) -> Invoice:
    """A draft invoice without a number, to the billing identity of an organisation."""
    invoice = Invoice(
        run=run,
        series=series,
        status=DRAFT,
        currency=currency or get_settings().currency,
        organisation=organisation,
        billing_identity=billing_identity,
        period_start_on=period_start_on,
        period_end_on=period_end_on,
        language=organisation.language or get_settings().default_language,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def add_line(
    invoice: Invoice,
    component: str,
    description: str,
    net_amount: Decimal,
    *,
    product: Product | None = None,
    quantity: Decimal = Decimal("1"),
    unit_price: Decimal | None = None,
    explanation: dict[str, Any] | None = None,
) -> InvoiceLine:
    """A line on a draft, with the VAT the settings give its kind of component; the standard
    exemption reason is written in the invoice's language, one the secretariat wrote as is."""
    if not invoice.is_draft:
        raise InvoicingError(NOT_A_DRAFT)
    vat = component_vat(component)
    line = InvoiceLine(
        invoice=invoice,
        position=max((line.position for line in invoice.lines), default=0) + 1,
        component=component,
        product=product,
        description=description,
        quantity=quantity,
        unit_price=document.cents(unit_price if unit_price is not None else net_amount),
        net_amount=document.cents(net_amount),
        vat_category=vat.vat_category,
        vat_rate=vat.vat_rate,
        exemption_reason=exemption_reason(vat, invoice.language),
        exemption_code=vat.exemption_code,
        explanation=explanation,
    )
    db.session.add(line)
    db.session.flush()
    return line


def remove_line(line: InvoiceLine) -> None:
    """Take a line off a draft."""
    if not line.invoice.is_draft:
        raise InvoicingError(NOT_A_DRAFT)
    invoice = line.invoice
    invoice.lines.remove(line)
    db.session.flush()


NOT_A_SINGLE_DRAFT = _l(
    "Only a draft outside a yearly run can be deleted; a run's drafts are set aside or "
    "discarded with the run."
)


def delete_draft(invoice: Invoice) -> None:
    """Delete a single draft (one made outside a yearly run); it never had a number."""
    locked = load_locked(Invoice, invoice.id)
    if locked is None or not locked.is_draft:
        raise InvoicingError(NOT_A_DRAFT)
    if locked.run_id is not None:
        raise InvoicingError(NOT_A_SINGLE_DRAFT)
    db.session.delete(locked)
    db.session.flush()


def issue(invoice: Invoice, *, on: date | None = None, prepared: Rendered | None = None) -> Invoice:
    """Issue a draft: take its number, copy the seller and the buyer as they are now, set the
    issue and due dates, compute the totals from the lines, store its documents and mark it
    issued. Asked for twice at the same moment, the invoice is issued once. ``prepared``:
    documents rendered beforehand for this number and date (see :func:`render_documents`)."""
    locked = load_locked(Invoice, invoice.id)
    if locked is None or not locked.is_draft:
        raise InvoicingError(NOT_A_DRAFT)
    invoice = locked
    if not invoice.lines:
        raise InvoicingError(NO_LINES)
    categories = {line.vat_category for line in invoice.lines}
    if document.OUTSIDE_SCOPE in categories and len(categories) > 1:
        raise InvoicingError(MIXED_OUTSIDE_SCOPE)
    settings = get_settings()
    issued_on = on or association_today()
    if invoice.is_credit_note:
        from consortium.invoicing.credit_notes import ensure_issuable  # it builds on this module

        ensure_issuable(invoice, issued_on)
    invoice.number = next_number(invoice.series, issued_on.year)
    invoice.number_year = issued_on.year
    invoice.issued_on = issued_on
    # Nothing is due on a credit note: it is set off against its invoice or paid back.
    invoice.due_on = (
        None if invoice.is_credit_note else issued_on + timedelta(days=settings.payment_terms_days)
    )
    _copy_parties(invoice)
    issued = to_document(invoice)
    invoice.net_total = issued.net_total
    invoice.vat_total = issued.vat_total
    invoice.gross_total = issued.gross_total
    if prepared is None:
        render_documents(invoice)
    else:
        render_documents(invoice, prepared)
    # Last: from this flush on, the database keeps the invoice as it is.
    invoice.status = ISSUED
    invoice.issued_at = utcnow()
    db.session.flush()
    return invoice


def render_documents(invoice: Invoice, prepared: Rendered | None = None) -> None:
    """Store the invoice's Factur-X PDF and Peppol UBL on it, before it is marked issued.

    Both are made from :func:`consortium.invoicing.documents.to_document`: the PDF/A-3b of
    the invoice (or credit note) with its EN 16931 CII embedded, and a UBL Invoice or
    CreditNote. A buyer that can receive no Peppol e-invoice (no electronic address or no buyer
    reference) gets the PDF only; a UBL or a CII the official rules reject stops the issue,
    naming the rules it breaks. ``prepared`` holds documents rendered beforehand (by the
    run's job): they are stored when they show exactly what the invoice now says, and the
    invoice is rendered again otherwise.
    """
    issued = to_document(invoice)
    if prepared is None or prepared.document != issued:
        prepared = rendering.render(issued, current_logo())
    if prepared.failure is not None:
        raise InvoicingError(failure_message(prepared.failure, issued.buyer.name))
    invoice.pdf = prepared.pdf
    invoice.ubl = prepared.ubl


def current_logo() -> rendering.Logo:
    """The seller's logo as the settings hold it now."""
    settings = get_settings()
    # Reading the logo must not write a half-issued invoice: it is written once, issued.
    with db.session.no_autoflush:
        return rendering.Logo(settings.logo or None, settings.logo_type or None)


def failure_message(failure: tuple[str, tuple[str, ...]], buyer: str) -> Any:
    """Why an invoice's documents were rejected: the rules its e-invoice or its Factur-X
    data breaks."""
    kind, rules = failure
    if kind == rendering.CII:
        return _l(
            "The Factur-X data of the invoice to %(buyer)s breaks these rules: %(rules)s",
            buyer=buyer,
            rules=", ".join(rules),
        )
    return _l(
        "The e-invoice to %(buyer)s breaks these rules: %(rules)s",
        buyer=buyer,
        rules=", ".join(rules),
    )


def _copy_parties(invoice: Invoice) -> None:
    """The seller's and the buyer's data as they are at issue, kept on the invoice."""
    for key, value in party_values(invoice).items():
        setattr(invoice, key, value)
