"""Crediting part of an invoice line, as a year-end settlement does: the credit note's line
says which line it is a part of, and no line is ever credited for more than its amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.invoicing.credit_notes import (
    credit_part_of_line,
    credited_total,
    discard_credit_note,
    draft_credit_note,
    left_to_credit,
)
from consortium.invoicing.services import InvoicingError, issue
from tests.invoicing.factories import buyer, complete_seller, draft

ON = date(2027, 2, 1)
LATER = date(2027, 3, 10)


@pytest.fixture
def invoice(app):
    """Aarhus's issued invoice of two lines: 25.000,00 and 10.000,00 kr."""
    complete_seller()
    return issue(draft(buyer(), "25000.00", "10000.00"), on=ON)


def test_a_part_of_a_line_is_credited_on_a_line_that_says_so(invoice):
    line = invoice.lines[1]
    note = credit_part_of_line(line, Decimal("2500.50"))

    assert [(part.credited_line, part.net_amount, part.unit_price) for part in note.lines] == [
        (line, Decimal("2500.50"), Decimal("2500.50"))
    ]
    # The buyer (Danish) reads which line of which invoice it is a part of.
    assert note.lines[0].description == "Del af linje 2 på faktura 2027-00001: Line 2"
    assert note.lines[0].vat_category == line.vat_category
    assert left_to_credit(line) == Decimal("7499.50")
    issue(note, on=LATER)
    assert credited_total(invoice) == Decimal("2500.50")


def test_more_than_is_left_of_a_line_is_refused_naming_what_is_left(invoice):
    line = invoice.lines[1]
    issue(credit_part_of_line(line, Decimal("6000.00")), on=LATER)
    waiting = credit_part_of_line(line, Decimal("3000.00"))  # a draft holds its part too

    with pytest.raises(InvoicingError) as refused:
        credit_part_of_line(line, Decimal("1000.01"))
    assert refused.value.message == (
        "Only DKK\xa01,000.00 is left to credit of line 2 of invoice 2027-00001 (Line 2)."
    )
    last = credit_part_of_line(line, Decimal("1000.00"))
    assert left_to_credit(line) == Decimal("0.00")
    with pytest.raises(InvoicingError, match="Only DKK\xa00.00 is left to credit of line 2"):
        credit_part_of_line(line, Decimal("0.01"))

    # A discarded draft gives its part back.
    discard_credit_note(waiting)
    assert left_to_credit(line) == Decimal("3000.00")
    issue(last, on=LATER)
    assert credited_total(invoice) == Decimal("7000.00")


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "0.001"])
def test_a_part_is_more_than_zero_in_whole_cents(invoice, amount):
    with pytest.raises(InvoicingError, match="must be more than zero"):
        credit_part_of_line(invoice.lines[0], Decimal(amount))


def test_crediting_a_line_in_part_then_whole_credits_what_is_left(invoice):
    first, second = invoice.lines
    issue(credit_part_of_line(second, Decimal("4000.00")), on=LATER)

    rest = draft_credit_note(invoice)
    assert [(line.credited_line, line.net_amount) for line in rest.lines] == [
        (first, Decimal("25000.00")),
        (second, Decimal("6000.00")),
    ]
    assert rest.lines[0].description == "Line 1"  # the whole line, as the invoice has it
    assert rest.lines[1].description == "Del af linje 2 på faktura 2027-00001: Line 2"
    issue(rest, on=LATER)
    assert credited_total(invoice) == Decimal("35000.00")
    with pytest.raises(InvoicingError, match="Every line of invoice 2027-00001 has been credited"):
        draft_credit_note(invoice)
    with pytest.raises(InvoicingError, match="has been credited already, by credit note"):
        draft_credit_note(invoice, [second])


def test_only_an_issued_invoices_line_is_credited_in_part(app):
    complete_seller()
    waiting = draft(buyer(), "100.00")
    with pytest.raises(InvoicingError, match="Only an issued invoice can be credited"):
        credit_part_of_line(waiting.lines[0], Decimal("10.00"))
    issued = issue(waiting, on=ON)
    note = issue(draft_credit_note(issued), on=LATER)
    with pytest.raises(InvoicingError, match="A credit note cannot be credited"):
        credit_part_of_line(note.lines[0], Decimal("10.00"))
