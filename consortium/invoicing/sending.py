"""Sending an issued invoice: a message in the buyer's language with the PDF and, when the
buyer can receive one, the Peppol e-invoice attached, put in the outbox."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from consortium.i18n import money
from consortium.invoicing.models import ISSUED, SENT, Invoice
from consortium.invoicing.services import InvoicingError
from consortium.mail.models import OutboxMessage
from consortium.mail.services import queue_message

PDF_TYPE = "application/pdf"
UBL_TYPE = "application/xml"


def recipient(invoice: Invoice) -> str:
    """The billing identity's invoice address, else the organisation's general one."""
    identity = invoice.billing_identity
    return (identity.invoice_email if identity is not None else "") or invoice.organisation.email


def send_invoice(invoice: Invoice) -> OutboxMessage | None:
    """Put the issued invoice in the outbox and mark it sent; None when its buyer has no
    e-mail address (it stays issued, for the secretariat to send another way)."""
    if invoice.status != ISSUED or invoice.pdf is None:
        raise InvoicingError(_("Only an issued invoice can be sent."))
    address = recipient(invoice)
    if not address:
        return None
    with force_locale(invoice.language):
        subject, body = (
            _credit_note_message(invoice) if invoice.is_credit_note else _invoice_message(invoice)
        )
    attachments = [(f"{invoice.number}.pdf", PDF_TYPE, invoice.pdf)]
    if invoice.ubl:
        attachments.append((f"{invoice.number}.xml", UBL_TYPE, invoice.ubl))
    message = queue_message(address, subject, body, attachments)
    invoice.status = SENT
    return message


def _invoice_message(invoice: Invoice) -> tuple[str, str]:
    """The subject and the text of an invoice's mail, in the current language."""
    subject = _(
        "Invoice %(number)s from %(seller)s", number=invoice.number, seller=invoice.seller_name
    )
    body = _(
        "Dear %(buyer)s,\n\nPlease find attached invoice %(number)s of %(amount)s, "
        "due on %(due)s.\n\nKind regards,\n%(seller)s\n",
        buyer=invoice.buyer_name,
        number=invoice.number,
        amount=money(invoice.gross_total, invoice.currency),
        due=format_date(invoice.due_on) if invoice.due_on else "",
        seller=invoice.seller_name,
    )
    return subject, body


def _credit_note_message(credit_note: Invoice) -> tuple[str, str]:
    """The subject and the text of a credit note's mail, in the current language: what is
    credited and of which invoice."""
    credited = credit_note.credited_invoice
    subject = _(
        "Credit note %(number)s from %(seller)s",
        number=credit_note.number,
        seller=credit_note.seller_name,
    )
    body = _(
        "Dear %(buyer)s,\n\nPlease find attached credit note %(number)s of %(amount)s, "
        "crediting invoice %(invoice)s. The amount is set off against that invoice or, when "
        "it has been paid, paid back to you.\n\nKind regards,\n%(seller)s\n",
        buyer=credit_note.buyer_name,
        number=credit_note.number,
        amount=money(credit_note.gross_total, credit_note.currency),
        invoice=credited.number if credited is not None else "",
        seller=credit_note.seller_name,
    )
    return subject, body
