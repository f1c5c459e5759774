"""Reminders of overdue invoices: a PDF in the buyer's language with what is still to pay and
how, mailed through the outbox to the billing identity's invoice address.

One reminder a day per invoice: a unique constraint keeps it so, also when the button is
pressed twice at once. Each reminder has its level (1 for the first, 2 for the second…) and
keeps its PDF as it was sent.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium.extensions import db
from consortium.i18n import money
from consortium.invoicing.documents import to_document
from consortium.invoicing.models import CREDIT_NOTE, NUMBERED_STATUSES, Invoice, Reminder
from consortium.invoicing.payments import Account, account, is_overdue
from consortium.invoicing.pdf import InvoiceFormat
from consortium.invoicing.sending import PDF_TYPE, recipient
from consortium.invoicing.services import InvoicingError, association_today
from consortium.mail.services import queue_message
from consortium.once import load_locked, unique
from consortium.pdf import render_pdf


def send_reminder(invoice: Invoice, user_id: int | None, today: date | None = None) -> Reminder:
    """Write a reminder of an overdue invoice and put it in the outbox to the buyer, with the
    reminder PDF attached; refused for an invoice that is not overdue and for a second
    reminder of the same invoice on the same day. Without an e-mail address for the buyer the
    reminder is kept with its PDF, for the secretariat to send another way."""
    today = today or association_today()
    locked = load_locked(Invoice, invoice.id)
    if locked is None:
        raise InvoicingError(_l("This invoice does not exist any more."))
    invoice = locked
    state = account(invoice)
    if not is_overdue(invoice, today, owed=state.balance):
        raise InvoicingError(
            _l(
                "Invoice %(number)s is not overdue, so no reminder is sent: a reminder is for "
                "an invoice whose due date has passed with something still to pay.",
                number=invoice.number or f"#{invoice.id}",
            )
        )
    sent_before = list(
        db.session.scalars(select(Reminder.sent_on).where(Reminder.invoice_id == invoice.id))
    )
    already_today = InvoicingError(
        _l(
            "A reminder of invoice %(number)s has been sent today already; one a day is enough.",
            number=invoice.number,
        )
    )
    if today in sent_before:
        raise already_today
    level = len(sent_before) + 1
    pdf = reminder_pdf(invoice, state, level, today)
    with unique(already_today):
        address = recipient(invoice)
        message = (
            queue_message(
                address,
                *_reminder_mail(invoice, state, level),
                [(_reminder_filename(invoice, level), PDF_TYPE, pdf)],
            )
            if address
            else None
        )
        reminder = Reminder(
            invoice=invoice,
            sent_on=today,
            level=level,
            balance=state.balance,
            pdf=pdf,
            outbox_message_id=message.id if message is not None else None,
            sent_by_user_id=user_id,
        )
        db.session.add(reminder)
    return reminder


def _reminder_filename(invoice: Invoice, level: int) -> str:
    with force_locale(invoice.language):
        return _("reminder-%(number)s-%(level)d.pdf", number=invoice.number, level=level)


def _reminder_mail(invoice: Invoice, state: Account, level: int) -> tuple[str, str]:
    """The subject and the text of the reminder's message, in the buyer's language."""
    with force_locale(invoice.language):
        subject = _(
            "Reminder: invoice %(number)s from %(seller)s",
            number=invoice.number,
            seller=invoice.seller_name,
        )
        body = _(
            "Dear %(buyer)s,\n\nInvoice %(number)s of %(issued)s was due on %(due)s and has not "
            "been paid in full: %(balance)s is still to pay. Please pay it to IBAN %(iban)s, "
            "quoting the invoice number %(number)s.\n\nThe reminder (number %(level)d) is "
            "attached. If you have paid in the meantime, please disregard it.\n\n"
            "Kind regards,\n%(seller)s\n",
            buyer=invoice.buyer_name,
            number=invoice.number,
            issued=format_date(invoice.issued_on) if invoice.issued_on else "",
            due=format_date(invoice.due_on) if invoice.due_on else "",
            balance=money(state.balance, invoice.currency),
            iban=InvoiceFormat().iban(invoice.seller_iban),
            level=level,
            seller=invoice.seller_name,
        )
    return subject, body


def reminder_pdf(invoice: Invoice, state: Account, level: int, sent_on: date) -> bytes:
    """The reminder as PDF bytes, in the buyer's language: the seller and the buyer as on the
    invoice, the invoice's number, dates and total, what was credited and paid so far, the
    balance, and how to pay it."""
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
    with force_locale(invoice.language):
        return render_pdf(
            "invoicing/reminder_pdf.html",
            stylesheets=("pdf/reminder.css",),
            invoice=invoice,
            document=to_document(invoice),
            account=state,
            payments=list(invoice.payments),
            credit_notes=credit_notes,
            level=level,
            sent_on=sent_on,
            fmt=InvoiceFormat(),
        )
