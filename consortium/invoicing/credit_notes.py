"""Credit notes: the correction of an issued invoice, whole, some of its lines, or a part of a
line's amount.

A credit note is an invoice of the credit-note series (numbered ``CN-2027-00001``) that names
the invoice it corrects and, on each of its lines, the invoice line it credits, with that
line's amount, VAT, explanation and product. Its amounts are positive: they are what is
credited. It is issued like an invoice, with :func:`consortium.invoicing.services.issue`,
and never changes afterwards.

A line may be credited in parts (:func:`credit_part_of_line`, as a year-end settlement
does), never for more than its amount in total; a credit note's line that credits a part says
so. Crediting locks the invoice's row, so two people crediting the same invoice at the same
moment take turns and the second sees what the first credited; a line on a draft credit note
waits for that draft, and issuing checks the total once more.

Services flush and never commit; the request or the CLI command commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from consortium.extensions import db
from consortium.i18n import money
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
CENT = Decimal("0.01")


def draft_credit_note(
    invoice: Invoice,
    lines: Iterable[InvoiceLine | int] | None = None,
    user_id: int | None = None,
) -> Invoice:
    """A draft credit note of an issued invoice, to the same organisation, billing identity,
    language, currency and supply period, with a copy of each chosen line (lines or their
    ids): amount, quantity, price, VAT, explanation and product as the invoice has them. A
    line credited in part before is credited for what is left of it, on a line that says so.

    Without ``lines``, every line of the invoice that is not credited yet. Refused with an
    :class:`InvoicingError` for a draft, a credit note, a line of another invoice and a line
    credited already (also on a draft credit note)."""
    invoice = _lock_creditable(invoice)
    credits = crediting_lines(invoice)
    credited = credited_amounts(invoice)

    def open_for_credit(line: InvoiceLine) -> bool:
        held = credits.get(line.id)
        if held is None:
            return True
        return not held.invoice.is_draft and line.net_amount - credited[line.id] > 0

    if lines is None:
        chosen = [line for line in invoice.lines if open_for_credit(line)]
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
            if not open_for_credit(line):
                raise InvoicingError(_already_credited(invoice, line, credits[line.id]))
    with unique(InvoicingError(_at_once(invoice))):
        credit_note = _new_credit_note(invoice, user_id)
        for position, line in enumerate(chosen, start=1):
            if line.id in credited:
                left = line.net_amount - credited[line.id]
                db.session.add(_part_line(credit_note, position, line, left))
            else:
                db.session.add(_credit_line(credit_note, position, line))
    return credit_note


def credit_part_of_line(
    line: InvoiceLine,
    amount: Decimal,
    user_id: int | None = None,
    *,
    description: str | None = None,
    explanation: dict[str, Any] | None = None,
) -> Invoice:
    """A draft credit note of part of an issued invoice's line: ``amount`` (net, more than
    zero) with the line's VAT and product, on a line that says which line it is a part of
    (or ``description``) and carries ``explanation`` (else none: the line's own explanation
    explains its whole amount).

    Refused with an :class:`InvoicingError` when more is asked than is left of the line, its
    credits so far (also on draft credit notes) counted."""
    invoice = _lock_creditable(line.invoice)
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(CENT):
        raise InvoicingError(NOT_POSITIVE)
    left = left_to_credit(line)
    if amount > left:
        raise InvoicingError(_more_than_left(invoice, line, left))
    with unique(InvoicingError(_at_once(invoice))):
        credit_note = _new_credit_note(invoice, user_id)
        part = _part_line(credit_note, 1, line, amount)
        if description is not None:
            part.description = description
        part.explanation = explanation
        db.session.add(part)
    return credit_note


def credit_amounts(
    invoice: Invoice, amounts: Mapping[int, Decimal], user_id: int | None = None
) -> Invoice:
    """One draft credit note that credits, of each chosen line of an issued invoice (by id),
    the net amount given: all that is left of a line not credited before is a copy of the line
    (its words and explanation), anything less a part of it.

    Refused with an :class:`InvoicingError` for a line of another invoice, no line, an amount
    of zero or less or with fractions of a cent, and more than is left of a line (its credits
    so far, also on drafts, counted)."""
    invoice = _lock_creditable(invoice)
    chosen = _chosen_lines(invoice, list(amounts))
    for line in chosen:
        amount = Decimal(amounts[line.id])
        if amount <= 0 or amount != amount.quantize(CENT):
            raise InvoicingError(NOT_POSITIVE)
        left = left_to_credit(line)
        if amount > left:
            raise InvoicingError(_more_than_left(invoice, line, left))
    with unique(InvoicingError(_at_once(invoice))):
        credit_note = _new_credit_note(invoice, user_id)
        for position, line in enumerate(chosen, start=1):
            amount = Decimal(amounts[line.id])
            whole = amount == Decimal(line.net_amount) and left_to_credit(line) == amount
            db.session.add(
                _credit_line(credit_note, position, line)
                if whole
                else _part_line(credit_note, position, line, amount)
            )
    return credit_note


def left_to_credit(line: InvoiceLine) -> Decimal:
    """What is left to credit of an issued invoice's line: its amount less what credit notes
    (issued and draft) credit of it."""
    credited = db.session.scalar(
        select(func.coalesce(func.sum(InvoiceLine.net_amount), 0)).where(
            InvoiceLine.credited_line_id == line.id
        )
    )
    return (Decimal(line.net_amount) - Decimal(credited)).quantize(CENT)


def _lock_creditable(invoice: Invoice) -> Invoice:
    """The issued invoice, its row locked: one crediting of an invoice at a time."""
    locked = load_locked(Invoice, invoice.id)
    if locked is None or not locked.is_numbered:
        raise InvoicingError(ONLY_ISSUED)
    if locked.is_credit_note:
        raise InvoicingError(NOT_A_CREDIT_NOTE)
    return locked


def _at_once(invoice: Invoice) -> Any:
    return _l(
        "Someone else credited a line of invoice %(number)s at the same moment; nothing was "
        "credited. Look at the invoice's credit notes and try again.",
        number=invoice.number,
    )


def _new_credit_note(invoice: Invoice, user_id: int | None) -> Invoice:
    credit_note = Invoice(
        series=CREDIT_NOTE,
        status=DRAFT,
        credited_invoice=invoice,
        created_by_user_id=user_id,
        **{name: getattr(invoice, name) for name in COPIED_FROM_INVOICE},
    )
    db.session.add(credit_note)
    return credit_note


def _more_than_left(invoice: Invoice, line: InvoiceLine, left: Decimal) -> Any:
    return _l(
        "Only %(left)s is left to credit of line %(position)s of invoice %(number)s "
        "(%(description)s).",
        left=money(left, invoice.currency),
        position=line.position,
        number=invoice.number,
        description=line.description,
    )


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


def _part_line(
    credit_note: Invoice, position: int, line: InvoiceLine, amount: Decimal
) -> InvoiceLine:
    """Part of the invoice line, credited: the amount given with the line's VAT and product,
    described as a part of that line in the invoice's language."""
    invoice = line.invoice
    with force_locale(invoice.language):
        description = _(
            "Part of line %(position)s of invoice %(number)s: %(description)s",
            position=line.position,
            number=invoice.number,
            description=line.description,
        )
    amount = Decimal(amount).quantize(CENT)
    return InvoiceLine(
        invoice=credit_note,
        position=position,
        credited_line=line,
        component=line.component,
        product_id=line.product_id,
        description=description,
        quantity=Decimal("1"),
        unit_price=amount,
        net_amount=amount,
        vat_category=line.vat_category,
        vat_rate=line.vat_rate,
        exemption_reason=line.exemption_reason,
        exemption_code=line.exemption_code,
        explanation=None,
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
    """A credit-note line that credits each of the invoice's credited lines, by the id of the
    line it credits: one on a draft credit note when there is one, else the latest issued."""
    found: dict[int, InvoiceLine] = {}
    for line in _credits_of(invoice):
        if line.credited_line_id is None:
            continue
        held = found.get(line.credited_line_id)
        if held is None or not held.invoice.is_draft:
            found[line.credited_line_id] = line
    return found


def credited_amounts(invoice: Invoice) -> dict[int, Decimal]:
    """How much of each of the invoice's lines credit notes credit (issued and draft), by the
    id of the line; a line never credited is not there."""
    amounts: dict[int, Decimal] = {}
    for line in _credits_of(invoice):
        if line.credited_line_id is not None:
            amounts[line.credited_line_id] = amounts.get(
                line.credited_line_id, Decimal("0.00")
            ) + Decimal(line.net_amount)
    return amounts


def _credits_of(invoice: Invoice) -> list[InvoiceLine]:
    """The credit-note lines that credit the invoice's lines, oldest first."""
    original = aliased(InvoiceLine)
    return list(
        db.session.scalars(
            select(InvoiceLine)
            .where(
                InvoiceLine.credited_line_id.in_(
                    select(original.id).where(original.invoice_id == invoice.id)
                )
            )
            .order_by(InvoiceLine.id)
        )
    )


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
    for line in credit_note.lines:
        original = line.credited_line
        if original is None:
            continue
        if original.invoice_id != credited.id:
            raise InvoicingError(
                _l(
                    "A credit note credits only lines of invoice %(number)s, which it corrects.",
                    number=credited.number,
                )
            )
        issued_before = db.session.scalar(
            select(func.coalesce(func.sum(InvoiceLine.net_amount), 0))
            .join(Invoice, InvoiceLine.invoice_id == Invoice.id)
            .where(
                InvoiceLine.credited_line_id == original.id,
                Invoice.status.in_(NUMBERED_STATUSES),
                Invoice.id != credit_note.id,
            )
        )
        left = Decimal(original.net_amount) - Decimal(issued_before)
        if line.net_amount > left:
            raise InvoicingError(_more_than_left(credited, original, left.quantize(CENT)))

    # Issued, the credit note lowers the balance of the invoice it corrects, whose status
    # follows (credited, paid or partly paid); if the issue fails, the request rolls it back.
    from consortium.invoicing.payments import credit_note_issuing  # it builds on this module

    credit_note_issuing(credit_note, to_document(credit_note).gross_total)
