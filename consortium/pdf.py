"""PDFs from HTML templates: render_template → WeasyPrint → bytes.

One renderer for every document the consortium sends as a PDF (expected fees today; invoices,
agreements and minutes next). The template is an ordinary Jinja template with its own @page
rules; it may link our own static files (stylesheets, images, fonts) by relative URL, and carry
PNG or JPEG images inline as data: URIs (an uploaded logo), and nothing else: the URL fetcher
refuses every other address, so a document never reaches the network or the rest of the disk.
The output is a tagged PDF (headings, paragraphs, tables and reading order for screen readers),
the base of PDF/UA.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, render_template

# The images a document may carry inline, as data: URIs.
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg")


def image_data_uri(data: bytes, mime_type: str) -> str:
    """A PNG or JPEG image as a data: URI a document template can show."""
    if mime_type not in INLINE_IMAGE_TYPES:
        raise ValueError(f"not an image a document may carry: {mime_type}")
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_image(url: str) -> dict[str, Any]:
    header, _comma, payload = url[len("data:") :].partition(",")
    mime_type, _semicolon, encoding = header.partition(";")
    if mime_type in INLINE_IMAGE_TYPES and encoding == "base64":
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            pass
        else:
            return {"string": data, "mime_type": mime_type}
    raise ValueError(f"refusing to fetch {url[:60]}")


def static_only_fetcher(static_folder: str) -> Callable[[str], dict[str, Any]]:
    """A URL fetcher for WeasyPrint that serves our own static files and inline PNG and JPEG
    images, and nothing else."""
    root = Path(static_folder).resolve()

    def fetch(url: str) -> dict[str, Any]:
        if url.startswith("data:"):
            return _inline_image(url)
        if url.startswith("file://"):
            path = Path(url[len("file://") :]).resolve()
            if path.is_relative_to(root) and path.is_file():
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return {"string": path.read_bytes(), "filename": path.name, "mime_type": mime_type}
        raise ValueError(f"refusing to fetch {url}")

    return fetch


def _weasyprint_fetcher(serve: Callable[[str], dict[str, Any]]) -> Any:
    """The fetcher in the form the installed WeasyPrint takes: an object since version 70 (a
    refused address is then logged and left out), a function returning a dict before."""
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # pragma: no cover - WeasyPrint before 70
        return serve

    class OwnFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            resource = serve(url)
            return URLFetcherResponse(
                url, resource["string"], {"Content-Type": resource["mime_type"]}
            )

    return OwnFilesOnly()


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """A tagged PDF of an HTML document whose relative URLs point into our static folder.

    ``pdf_variant`` asks WeasyPrint for a PDF profile, e.g. ``"pdf/a-3b"`` (archivable, with
    embedded files allowed: the base of a Factur-X invoice); none by default."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    static = current_app.static_folder
    if static is None:  # pragma: no cover - the app always has its static folder
        raise RuntimeError("the application has no static folder")
    # Fonts come from the system (fontconfig) and from @font-face rules in our static files.
    fonts = FontConfiguration()
    document = HTML(
        string=html,
        base_url=static + "/",
        url_fetcher=_weasyprint_fetcher(static_only_fetcher(static)),
    )
    with warnings.catch_warnings():
        # For a PDF/A, WeasyPrint reads its sRGB colour profile (the output intent) from a file
        # it leaves for the garbage collector to close; nothing of ours stays open.
        warnings.filterwarnings(
            "ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning
        )
        pdf: bytes = document.write_pdf(font_config=fonts, pdf_tags=True, pdf_variant=pdf_variant)
    return pdf


def render_pdf(template_name: str, *, pdf_variant: str | None = None, **context: Any) -> bytes:
    """The template rendered with the context, as PDF bytes (of the PDF profile
    ``pdf_variant`` names, if any)."""
    return html_to_pdf(render_template(template_name, **context), pdf_variant=pdf_variant)
