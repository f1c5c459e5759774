"""The PDF renderer: our own static files only, a tagged PDF that reads back."""

from __future__ import annotations

import io
import os
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


PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg=="


def test_the_fetcher_serves_an_inline_png_or_jpeg(app):
    fetch = static_only_fetcher(app.static_folder)
    resource = fetch("data:image/png;base64," + PIXEL_PNG)
    assert resource["string"].startswith(b"\x89PNG")
    assert resource["mime_type"] == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "data:text/html;base64,PGgxPkhpPC9oMT4=",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png,not-base64",
        "data:image/png;base64,***",
    ],
)
def test_the_fetcher_refuses_other_inline_data(app, url):
    with pytest.raises(ValueError, match="refusing"):
        static_only_fetcher(app.static_folder)(url)


def test_a_document_shows_our_stylesheet_and_an_inline_image_and_leaves_out_the_rest(app):
    html = (
        '<!doctype html><html lang="en"><head><title>Logo</title>'
        '<link rel="stylesheet" href="css/app.css"></head><body>'
        f'<img src="data:image/png;base64,{PIXEL_PNG}" alt="Our logo">'
        '<img src="https://example.org/tracker.png" alt="">'
        '<img src="file:///etc/passwd" alt=""><p>Shown</p></body></html>'
    )
    with app.test_request_context():
        pdf = html_to_pdf(html)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
    assert "Shown" in page.extract_text()


def test_a_named_stylesheet_applies_and_a_change_to_it_is_seen(app, tmp_path, monkeypatch):
    # A process parses a document's stylesheet once; an edited file is parsed again.
    static = tmp_path / "static"
    (static / "pdf").mkdir(parents=True)
    sheet = static / "pdf" / "test.css"
    html = '<!doctype html><html lang="en"><head><title>T</title></head><body><p>Shown</p></body></html>'
    monkeypatch.setattr(app, "static_folder", str(static))
    with app.test_request_context():
        sheet.write_text("p { text-transform: uppercase; }")
        first = PdfReader(io.BytesIO(html_to_pdf(html, stylesheets=("pdf/test.css",))))
        sheet.write_text("p { text-transform: lowercase; }")
        os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 1_000_000))
        second = PdfReader(io.BytesIO(html_to_pdf(html, stylesheets=("pdf/test.css",))))
    assert "SHOWN" in first.pages[0].extract_text()
    assert "shown" in second.pages[0].extract_text()


@pytest.mark.parametrize("name", ["../secret.css", "/etc/passwd", "pdf/missing.css"])
def test_a_stylesheet_outside_the_static_folder_or_missing_is_refused(app, name):
    with app.test_request_context(), pytest.raises(ValueError, match="no stylesheet"):
        html_to_pdf("<p>x</p>", stylesheets=(name,))
