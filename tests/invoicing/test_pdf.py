"""The invoice PDF as a municipality's finance department reads it: in its own language, with
the number, due date, amount and bank account it pays to, every amount as the document says,
page numbers on long invoices, and tags for screen readers."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol, parse_decimal
from pypdf import PdfReader

from consortium.invoicing.document import InvoiceDocument
from consortium.invoicing.pdf import invoice_pdf, logo_mime_type
from tests.invoicing import samples

_rendered: dict[str, bytes] = {}


def _pdf(name: str, document: InvoiceDocument, **logo) -> bytes:
    """The PDF of a sample, rendered once for the module (rendering takes a second)."""
    if name not in _rendered:
        _rendered[name] = invoice_pdf(document, **logo)
    return _rendered[name]


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, with the narrow and no-break spaces Babel writes made plain."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\u00a0\u202f]", " ", page.extract_text() or "") for page in reader.pages]


def _text(pdf: bytes) -> str:
    return "\n".join(_pages(pdf))


def _numbers(text: str, locale: str) -> list[Decimal]:
    """The amounts of two decimals in a text, in order, read as the locale writes them."""
    group = re.escape(get_group_symbol(locale).replace("\u00a0", " "))
    decimal = re.escape(get_decimal_symbol(locale))
    pattern = rf"(?<![\d.,])\d{{1,3}}(?:{group}\d{{3}})*{decimal}\d{{2}}(?![\d])"
    return [parse_decimal(found, locale=locale) for found in re.findall(pattern, text)]


def _amount_after(label: str, text: str, locale: str) -> Decimal:
    """The amount printed right after a label, read back as the locale writes numbers."""
    # A long label may wrap in its box: its words are separated by any white space.
    words = r"\s+".join(re.escape(word) for word in label.split())
    match = re.search(r"(?m)^" + words + r"\s*(?:[^\d\s]{1,4}\s?)?(\d[\d., ]*\d)", text)
    assert match, f"no amount after {label!r} in:\n{text}"
    return parse_decimal(match.group(1).replace(" ", "\u00a0"), locale=locale)


@pytest.fixture
def danish(app):
    document = samples.danish_invoice()
    return document, _text(_pdf("da", document, logo=samples.logo_png()))


@pytest.fixture
def german(app):
    document = samples.german_invoice()
    return document, _text(_pdf("de", document))


@pytest.fixture
def english(app):
    document = samples.english_invoice()
    return document, _text(_pdf("en", document))


def test_a_danish_buyer_reads_its_invoice_in_danish(danish):
    document, text = danish
    for expected in [
        "Faktura",
        "Fakturanummer 2027-00001",
        "Fakturadato 15. januar 2027",
        "Forfaldsdato 14. februar 2027",
        "Aarhus Kommune",
        "Att.: Borgmesterens Afdeling",
        "8000 Aarhus C",
        "Danmark",
        "EAN/GLN-nummer 5798005770213",
        "Momsnummer DK55133018",
        "Ordrereference PO-4711",
        "Leveringsperiode 1. jan. 2027 – 31. dec. 2027",
        "IBAN DK50 0040 0440 1162 43",
        "BIC/SWIFT DABADKKK",
        "Betalingsreference 2027-00001",
        "Netto 30 dage",
        "faktura@fos.example",
        "Fællesskabet for Offentlig Software",
        "Momsnummer DK12345674",
        # Each line's amount, the VAT per category and the totals, as Danish writes them.
        "25.000,00",
        "1.234,57",
        "I alt ekskl. moms 26.234,57 kr.",
        "I alt at betale 32.484,57 kr.",
        "Side 1 af 1",
    ]:
        assert expected in text, expected
    # Standard rate: 25 % of 25.000,00 is 6.250,00; the exempt share carries no VAT.
    assert re.search(r"Standardsats 25 % 25\.000,00 6\.250,00", text)
    assert re.search(r"Momsfritaget – 1\.234,57 0,00", text)


def test_the_amounts_read_back_from_the_pdf_are_the_documents(danish, german, english):
    for (document, text), locale, labels, next_heading in [
        (danish, "da", ("I alt ekskl. moms", "Moms", "I alt at betale"), "MOMS PR. KATEGORI"),
        (german, "de", ("Summe netto", "USt.", "Gesamtbetrag"), "UMSATZSTEUER NACH KATEGORIE"),
        (english, "en", ("Total excluding VAT", "VAT", "Total to pay"), "VAT BY CATEGORY"),
    ]:
        totals = text[text.index(labels[0]) :]
        net, vat, total = (_amount_after(label, totals, locale) for label in labels)
        assert (net, vat, total) == (document.net_total, document.vat_total, document.gross_total)
        # Each line's row ends with its net amount (after its explanation).
        starts = [text.index(line.description) for line in document.lines]
        ends = [*starts[1:], text.index(next_heading)]
        for line, start, end in zip(document.lines, starts, ends, strict=True):
            assert _numbers(text[start:end], locale)[-1] == line.net_amount
        # The VAT of each category and rate: its taxable amount and its VAT.
        breakdown = _numbers(text[text.index(next_heading) : text.index(labels[0])], locale)
        for subtotal in document.subtotals:
            assert subtotal.taxable_amount in breakdown
            assert breakdown[breakdown.index(subtotal.taxable_amount) + 1] == subtotal.tax_amount


def test_the_amount_to_pay_stands_at_the_top_of_the_first_page(danish, german):
    for (document, text), label, locale in [
        (danish, "Beløb til betaling", "da"),
        (german, "Zu zahlender Betrag", "de"),
    ]:
        at = re.search(r"\s+".join(label.split()), text).start()
        top = text[: at + 60]
        assert _amount_after(label, top, locale) == document.gross_total
        assert at < text.index(document.lines[0].description)


def test_a_german_buyer_reads_its_invoice_in_german(german):
    document, text = german
    for expected in [
        "Rechnung",
        "Rechnungsnummer 2027-00002",
        "Fälligkeitsdatum 14. Februar 2027",
        "Stadt Musterhausen",
        "Deutschland",
        "Leitweg-ID 991-12345-67",
        "Leistungszeitraum 01.01.2027 – 31.12.2027",
        "IBAN DE89 3704 0044 0532 0130 00",
        "BIC COBADEFFXXX",
        "2.500,00",
        "Regelsteuersatz 19 % 2.500,00 475,00",
        "Gesamtbetrag 2.975,00 €",
        "rechnung@fos.example",
        "Seite 1 von 1",
    ]:
        assert expected in text, expected


def test_an_english_buyer_reads_english_numbers_and_dates(english):
    document, text = english
    for expected in [
        "Invoice number 2027-00003",
        "Due date February 14, 2027",
        "City of Testville",
        "United Kingdom",
        "Hosting share 2027 2.5 320.00 12.5% 800.00",
        "Standard rate 12.5% 800.00 100.00",
        "Standard rate 25% 25,000.00 6,250.00",
        "Total to pay DKK 32,150.00",
        "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert document.gross_total == Decimal("32150.00")


def test_an_exempt_line_shows_why_it_carries_no_vat(danish):
    _document, text = danish
    flat = " ".join(text.split())
    assert "Begrundelse: " + samples.EXEMPTION_REASON + " (VATEX-EU-132)" in flat
    assert "Fritaget" in text  # the line's VAT column


def test_an_exempt_line_with_its_own_reason_shows_it_on_the_line(app):
    document = samples.danish_invoice()
    own = replace(
        document.lines[1], description="Andel af OS2mo 2027", exemption_reason="Særlig fritagelse"
    )
    text = " ".join(_text(invoice_pdf(replace(document, lines=(*document.lines, own)))).split())
    line = text.index("Andel af OS2mo 2027")
    assert line < text.index("Begrundelse: Særlig fritagelse") < text.index("MOMS PR. KATEGORI")


def test_each_line_explains_its_amount(danish):
    document, text = danish
    flat = " ".join(text.split())
    for line in document.lines:
        assert line.description in flat
        assert " ".join(line.explanation.split()) in flat


def test_sixty_lines_flow_over_pages_with_the_header_repeated_and_numbered(app):
    document = samples.long_invoice("da", lines=60)
    pages = _pages(_pdf("long-da", document))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} af {len(pages)}" in page
        if any(line.description in " ".join(page.split()) for line in document.lines):
            assert "BESKRIVELSE" in page  # the table's header, on every page the table reaches
    assert sum("BESKRIVELSE" in page for page in pages) >= 3
    # After the first page, each page names the invoice it belongs to.
    assert "Faktura 2027-00001 til Aarhus Kommune" in pages[1]
    text = " ".join("\n".join(pages).split())
    for line in document.lines:
        assert f"{line.description} " in text
    last = pages[-1]
    assert _amount_after("I alt at betale", last, "da") == document.gross_total
    assert document.gross_total == Decimal("93098.30")


def test_page_numbers_are_in_the_buyers_language(app):
    document = samples.long_invoice("de", lines=60)
    pages = _pages(_pdf("long-de", document))
    assert f"Seite 2 von {len(pages)}" in pages[1]


def test_the_pdf_is_tagged_for_screen_readers_in_the_buyers_language(app):
    reader = PdfReader(io.BytesIO(_pdf("da", samples.danish_invoice(), logo=samples.logo_png())))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "da"
    assert reader.metadata.title == "Faktura 2027-00001"


def test_the_sellers_logo_is_shown_when_given(app):
    with_logo = PdfReader(io.BytesIO(_pdf("da", samples.danish_invoice(), logo=samples.logo_png())))
    without = PdfReader(io.BytesIO(_pdf("de", samples.german_invoice())))
    assert len(with_logo.pages[0].images) == 1
    assert len(without.pages[0].images) == 0


@pytest.mark.parametrize(
    ("logo", "logo_type", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n...", None, "image/png"),
        (b"\xff\xd8\xff\xe0...", None, "image/jpeg"),
        (b"anything", "JPG", "image/jpeg"),
        (b"anything", "image/png", "image/png"),
    ],
)
def test_a_logo_is_a_png_or_a_jpeg(logo, logo_type, expected):
    assert logo_mime_type(logo, logo_type) == expected


@pytest.mark.parametrize(
    ("logo", "logo_type"), [(b"GIF89a...", None), (b"<svg/>", "image/svg+xml")]
)
def test_any_other_logo_is_refused(app, logo, logo_type):
    with pytest.raises(ValueError, match="PNG or a JPEG"):
        invoice_pdf(samples.danish_invoice(), logo=logo, logo_type=logo_type)
