"""Credit notes: the correction of an issued invoice, whole or some of its lines.

A credit note is an invoice of the credit-note series (numbered ``CN-2027-00001``) that names
the invoice it corrects and, on each of its lines, the invoice line it credits, with that
line's amount, VAT, explanation and product. Its amounts are positive: they are what is
credited. It is issued like an invoice, with :func:`consortium.invoicing.services.issue`,
and never changes afterwards.

An invoice line is credited once in total. A unique constraint on the credited line keeps it
so, also when two people credit the same invoice at the same moment; a line on a draft credit
note counts too, until that draft is discarded.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from consortium.extensions import db
from consortium.invoicing.documents import to_document
from consortium.invoicing.models import (
    CREDIT_NOTE,
    DRAFT,
    NUMBERED_STATUSES,
    Invoice,
    InvoiceLine,
)
from consortium.invoicing.services import InvoicingError
from consortium.once import load_locked, unique

# What a credit note takes over from the invoice it corrects, and each of its lines from the
# line it credits.
COPIED_FROM_INVOICE = (
    "organisation",
    "billing_identity",
    "currency",
    "language",
    "period_start_on",
    "period_end_on",
)
COPIED_FROM_LINE = (
    "component",
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "net_amount",
    "vat_category",
    "vat_rate",
    "exemption_reason",
    "exemption_code",
    "explanation",
)

ONLY_ISSUED = _l("Only an issued invoice can be credited; a draft can still be changed.")
NOT_A_CREDIT_NOTE = _l("A credit note cannot be credited.")
NO_LINE_CHOSEN = _l("Choose at least one line to credit.")
NOT_A_DRAFT_CREDIT_NOTE = _l("Only a draft credit note can be discarded.")
NAMES_NO_INVOICE = _l("A credit note must name the issued invoice it corrects.")
NOT_POSITIVE = _l("The lines of a credit note are the amounts credited and must be more than zero.")


def draft_credit_note(
    invoice: Invoice,
    lines: Iterable[InvoiceLine | int] | None = None,
    user_id: int | None = None,
) -> Invoice:
    """A draft credit note of an issued invoice, to the same organisation, billing identity,
    language, currency and supply period, with a copy of each chosen line (lines or their
    ids): amount, quantity, price, VAT, explanation and product as the invoice has them.

    Without ``lines``, every line of the invoice that is not credited yet. Refused with an
    :class:`InvoicingError` for a draft, a credit note, a line of another invoice and a line
    credited already (also on a draft credit note)."""
    locked = load_locked(Invoice, invoice.id)  # one crediting of an invoice at a time
    if locked is None or not locked.is_numbered:
        raise InvoicingError(ONLY_ISSUED)
    if locked.is_credit_note:
        raise InvoicingError(NOT_A_CREDIT_NOTE)
    invoice = locked
    credits = crediting_lines(invoice)
    if lines is None:
        chosen = [line for line in invoice.lines if line.id not in credits]
        if not chosen:
            raise InvoicingError(
                _l(
                    "Every line of invoice %(number)s has been credited already.",
                    number=invoice.number,
                )
            )
    else:
        chosen = _chosen_lines(invoice, lines)
        for line in chosen:
            if line.id in credits:
                raise InvoicingError(_already_credited(invoice, line, credits[line.id]))
    at_once = _l(
        "Someone else credited a line of invoice %(number)s at the same moment; nothing was "
        "credited. Look at the invoice's credit notes and try again.",
        number=invoice.number,
    )
    with unique(InvoicingError(at_once)):
        credit_note = Invoice(
            series=CREDIT_NOTE,
            status=DRAFT,
            credited_invoice=invoice,
            created_by_user_id=user_id,
            **{name: getattr(invoice, name) for name in COPIED_FROM_INVOICE},
        )
        db.session.add(credit_note)
        for position, line in enumerate(chosen, start=1):
            db.session.add(_credit_line(credit_note, position, line))
    return credit_note


def _chosen_lines(invoice: Invoice, lines: Iterable[InvoiceLine | int]) -> list[InvoiceLine]:
    """The invoice's own lines among those chosen (objects or ids), in the invoice's order,
    each once."""
    own = {line.id: line for line in invoice.lines}
    chosen_ids = set()
    for line in lines:
        line_id = line if isinstance(line, int) else line.id
        if line_id not in own:
            raise InvoicingError(
                _l(
                    "Only the lines of invoice %(number)s can be credited on its credit note.",
                    number=invoice.number,
                )
            )
        chosen_ids.add(line_id)
    if not chosen_ids:
        raise InvoicingError(NO_LINE_CHOSEN)
    return [line for line in invoice.lines if line.id in chosen_ids]


def _already_credited(invoice: Invoice, line: InvoiceLine, credit: InvoiceLine) -> Any:
    """Why the line cannot be credited again: the credit note that credits it, or its draft."""
    if credit.invoice.number and not credit.invoice.is_draft:
        return _l(
            "Line %(position)s of invoice %(number)s (%(description)s) has been credited "
            "already, by credit note %(credit_note)s.",
            position=line.position,
            number=invoice.number,
            description=line.description,
            credit_note=credit.invoice.number,
        )
    return _l(
        "Line %(position)s of invoice %(number)s (%(description)s) is on a draft credit note "
        "already; issue or discard that draft first.",
        position=line.position,
        number=invoice.number,
        description=line.description,
    )


def _credit_line(credit_note: Invoice, position: int, line: InvoiceLine) -> InvoiceLine:
    """The invoice line as the credit note credits it: the same amount, VAT and words."""
    return InvoiceLine(
        invoice=credit_note,
        position=position,
        credited_line=line,
        **{name: getattr(line, name) for name in COPIED_FROM_LINE},
    )


def crediting_lines(invoice: Invoice) -> dict[int, InvoiceLine]:
    """The credit-note lines that credit the invoice's lines, by the id of the line they
    credit: on issued credit notes and on drafts."""
    original = aliased(InvoiceLine)
    rows = db.session.scalars(
        select(InvoiceLine).where(
            InvoiceLine.credited_line_id.in_(
                select(original.id).where(original.invoice_id == invoice.id)
            )
        )
    )
    return {line.credited_line_id: line for line in rows if line.credited_line_id is not None}


def credited_total(invoice: Invoice) -> Decimal:
    """The gross total of the invoice's issued credit notes: what has been credited of it."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.gross_total), 0)).where(
            Invoice.credited_invoice_id == invoice.id,
            Invoice.series == CREDIT_NOTE,
            Invoice.status.in_(NUMBERED_STATUSES),
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def discard_credit_note(credit_note: Invoice) -> None:
    """Delete a draft credit note: the lines it would have credited can be credited again."""
    locked = load_locked(Invoice, credit_note.id)
    if locked is None or not locked.is_draft or not locked.is_credit_note:
        raise InvoicingError(NOT_A_DRAFT_CREDIT_NOTE)
    db.session.delete(locked)
    db.session.flush()


def ensure_issuable(credit_note: Invoice, issued_on: date) -> None:
    """What a credit note must be before it is issued on a day: it names an issued invoice it
    corrects, issued that day or before, and every amount on it is more than zero (the
    document's type says it is credited). Then the corrected invoice's status is set from the
    balance the credit note leaves."""
    credited = credit_note.credited_invoice
    if credited is None or not credited.is_numbered or credited.is_credit_note:
        raise InvoicingError(NAMES_NO_INVOICE)
    if credited.issued_on is not None and issued_on < credited.issued_on:
        raise InvoicingError(
            _l(
                "A credit note cannot be dated before invoice %(number)s, which it corrects.",
                number=credited.number,
            )
        )
    if any(line.net_amount <= 0 for line in credit_note.lines):
        raise InvoicingError(NOT_POSITIVE)
    # Issued, the credit note lowers the balance of the invoice it corrects, whose status
    # follows (credited, paid or partly paid); if the issue fails, the request rolls it back.
    from consortium.invoicing.payments import credit_note_issuing  # it builds on this module

    credit_note_issuing(credit_note, to_document(credit_note).gross_total)
