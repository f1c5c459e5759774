"""The VAT of an invoice: per category and rate, on the sum of the lines, half up to the cent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from consortium.invoicing.document import (
    CREDIT_NOTE,
    EXEMPT,
    STANDARD,
    InvoiceDocument,
    Line,
    Party,
    tax_breakdown,
)
from tests.invoicing import samples


def _line(amount: str, category: str = STANDARD, rate: str = "25", **extra) -> Line:
    return Line(
        description="Share",
        net_amount=Decimal(amount),
        vat_category=category,
        vat_rate=Decimal(rate),
        **extra,
    )


def test_vat_is_computed_on_the_sum_of_a_categorys_lines_not_per_line():
    # Per line: 0.125 + 0.125 + 0.125 rounds to 0.13 each = 0.39; on the sum 1.50 x 25 % = 0.38.
    (subtotal,) = tax_breakdown([_line("0.50"), _line("0.50"), _line("0.50")])
    assert subtotal.taxable_amount == Decimal("1.50")
    assert subtotal.tax_amount == Decimal("0.38")


@pytest.mark.parametrize(
    ("net", "vat"),
    [("10.02", "2.51"), ("10.06", "2.52"), ("0.02", "0.01"), ("25000.00", "6250.00")],
)
def test_vat_rounds_half_up_to_the_cent(net, vat):
    assert tax_breakdown([_line(net)])[0].tax_amount == Decimal(vat)


def test_each_category_and_rate_has_its_own_subtotal_and_exempt_lines_carry_their_reason():
    subtotals = tax_breakdown(
        [
            _line("100.00"),
            _line("50.00", rate="12"),
            _line("30.00", EXEMPT, "0", exemption_reason="Exempt", exemption_code="VATEX-EU-132"),
            _line("20.00"),
        ]
    )
    assert [(s.category, s.rate, s.taxable_amount, s.tax_amount) for s in subtotals] == [
        (EXEMPT, Decimal("0"), Decimal("30.00"), Decimal("0.00")),
        (STANDARD, Decimal("12"), Decimal("50.00"), Decimal("6.00")),
        (STANDARD, Decimal("25"), Decimal("120.00"), Decimal("30.00")),
    ]
    assert subtotals[0].exemption_code == "VATEX-EU-132"


def test_the_totals_add_up():
    document = InvoiceDocument(
        number="2027-00001",
        issue_date=date(2027, 1, 15),
        due_date=date(2027, 2, 14),
        currency="DKK",
        seller=Party(name="Association"),
        buyer=Party(name="Aarhus Kommune"),
        lines=(
            _line("25000.00"),
            _line("1234.57", EXEMPT, "0", exemption_reason="Exempt", exemption_code="VATEX-EU-132"),
        ),
    )
    assert document.net_total == Decimal("26234.57")
    assert document.vat_total == Decimal("6250.00")
    assert document.gross_total == Decimal("32484.57")


def test_a_document_copied_as_a_credit_note_takes_the_credit_note_type_code():
    invoice = samples.danish_invoice()
    assert (invoice.type_code, invoice.is_credit_note) == ("380", False)
    credit_note = replace(invoice, kind=CREDIT_NOTE, preceding_number=invoice.number)
    assert (credit_note.type_code, credit_note.is_credit_note) == ("381", True)
    with pytest.raises(ValueError, match="unknown kind"):
        replace(invoice, kind="receipt")
