"""The agreement PDF as a municipality reads it: in its own language, with the title, the
association as issuer and the agreed text, and on every page the document number, the template
version and the page count; tagged for screen readers, and carrying the number and the version
where a verifier reads them back."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from consortium.agreements.pdf import agreement_pdf, document_identity
from consortium.agreements.text import fill, render_markdown
from tests.agreements.samples import two_page_agreement


def _pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\u00a0\u202f]", " ", page.extract_text() or "") for page in reader.pages]


def _flat(text: str) -> str:
    """The text with line breaks and hyphenation undone, as a reader would quote it."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "", text))


@pytest.mark.parametrize(
    ("language", "page_words", "footer"),
    [
        ("da", "Side {page} af {pages}", "Dokument TA-2027-00042 · Skabelonversion 3"),
        ("de", "Seite {page} von {pages}", "Dokument TA-2027-00042 · Vorlagenversion 3"),
    ],
)
def test_every_page_carries_number_version_and_page_count(app, language, page_words, footer):
    pages = _pages(two_page_agreement(language))
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert page_words.format(page=number, pages=2) in page
        assert footer in page


def test_a_danish_municipality_reads_its_agreement(app):
    pages = _pages(two_page_agreement("da"))
    first = _flat(pages[0])
    assert first.startswith("OS2 – OFFENTLIGT DIGITALISERINGSFÆLLESSKAB")
    assert "Tilslutningsaftale om OS2forms" in first
    assert "Dokument TA-2027-00042, lavet den 15. januar 2027" in first
    for expected in (
        "1. Parter",
        "Aarhus Kommune (CVR 55133018), Rådhuspladsen 2, 8000 Aarhus C",
        "Kommunens forventede andel for 2027 er 48.250,00 kr.",
        "Størrelsesgruppe: meget stor",
        "Aarhus Kommune, Digitalisering, EAN 5798005770404",
    ):
        assert expected in first
    last = _flat(pages[1])
    assert "8. Underskrift" in last
    assert "seks måneders varsel" in last
    # The title runs at the head of every page after the first.
    assert "Tilslutningsaftale om OS2forms" in last


def test_a_german_municipality_reads_its_agreement(app):
    text = _flat("\n".join(_pages(two_page_agreement("de"))))
    for expected in (
        "Beteiligungsvereinbarung Cityvizor",
        "Dokument TA-2027-00042, erstellt am 15. Januar 2027",
        "Stadt Musterhausen (Gemeindeschlüssel 09162000)",
        "beträgt 12.400,00 €",
        "Leitweg-ID 09162000-0001-12",
    ):
        assert expected in text


def test_tagged_with_its_language_and_archivable(app):
    reader = PdfReader(io.BytesIO(two_page_agreement("de")))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "de"
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_title == {"x-default": "Beteiligungsvereinbarung Cityvizor"}
    assert b"pdfaid:part>2<" in root["/Metadata"].get_object().get_data()


def test_number_and_version_read_back_from_the_metadata(app):
    reader = PdfReader(io.BytesIO(two_page_agreement("da")))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert document_identity(xmp) == ("TA-2027-00042", "3")
    assert reader.metadata.title == "Tilslutningsaftale om OS2forms"
    assert reader.metadata.author == "OS2 – Offentligt digitaliseringsfællesskab"
    assert "TA-2027-00042" in reader.metadata.subject


@pytest.mark.parametrize(
    "xmp",
    [
        b"",
        b"not xml",
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed></x:xmpmeta>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>&e;</x:xmpmeta>",
    ],
)
def test_metadata_that_says_nothing_gives_nothing(xmp):
    assert document_identity(xmp) == ("", "")


def test_hostile_words_print_as_typed_and_fetch_nothing(app):
    title = '</title><script>alert(1)</script> "Aftale" & <b>'
    body = render_markdown(
        fill(
            "Part: {organisation.name}\n\n![x](file:///etc/passwd) [y](https://example.org/)",
            {"organisation.name": "<img src='file:///etc/passwd'> **x** \x00"},
        )
    )
    pdf = agreement_pdf(
        title=title,
        body=body,
        document_number='A-1 "\\"; } body { display: none',
        version_label="3\x00\x07<",
        language="da",
        association_name="<OS2>",
        made_on=date(2027, 1, 15),
    )
    text = _flat("\n".join(_pages(pdf)))
    assert title in text
    assert "Part: <img src='file:///etc/passwd'> **x**" in text
    assert 'Dokument A-1 "\\"; } body { display: none · Skabelonversion 3' in text
    assert "root:" not in text
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert document_identity(xmp) == ('A-1 "\\"; } body { display: none', "3<")
