"""The PDF renderer: our own static files only, a tagged PDF that reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from consortium.pdf import html_to_pdf, static_only_fetcher


def test_the_fetcher_serves_our_static_files(app):
    fetch = static_only_fetcher(app.static_folder)
    css = Path(app.static_folder) / "css" / "app.css"
    assert fetch(css.as_uri())["string"] == css.read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "file://{static}/../__init__.py",
        "file://{static}/css/missing.css",
    ],
)
def test_the_fetcher_refuses_everything_else(app, url):
    fetch = static_only_fetcher(app.static_folder)
    with pytest.raises(ValueError, match="refusing"):
        fetch(url.format(static=app.static_folder))


def test_a_document_becomes_a_tagged_pdf(app):
    html = (
        '<!doctype html><html lang="da"><head><title>Prøve</title></head>'
        "<body><h1>Forventet kontingent</h1><p>25.000,00 kr.</p></body></html>"
    )
    with app.test_request_context():
        pdf = html_to_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Forventet kontingent" in reader.pages[0].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]
