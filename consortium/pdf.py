"""PDFs from HTML templates: render_template → WeasyPrint → bytes.

One renderer for every document the consortium sends as a PDF (expected fees today; invoices,
agreements and minutes next). The template is an ordinary Jinja template with its own @page
rules; it may link our own static files (stylesheets, images, fonts) by relative URL and
nothing else: the URL fetcher refuses every address outside the static folder, so a document
never reaches the network or the rest of the disk. The output is a tagged PDF (headings,
paragraphs, tables and reading order for screen readers), the base of PDF/UA.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, render_template


def static_only_fetcher(static_folder: str) -> Callable[[str], dict[str, Any]]:
    """A URL fetcher for WeasyPrint that serves our own static files and nothing else."""
    root = Path(static_folder).resolve()

    def fetch(url: str) -> dict[str, Any]:
        if url.startswith("file://"):
            path = Path(url[len("file://") :]).resolve()
            if path.is_relative_to(root) and path.is_file():
                return {"string": path.read_bytes(), "filename": path.name}
        raise ValueError(f"refusing to fetch {url}")

    return fetch


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF of an HTML document whose relative URLs point into our static folder."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    static = current_app.static_folder
    if static is None:  # pragma: no cover - the app always has its static folder
        raise RuntimeError("the application has no static folder")
    # Fonts come from the system (fontconfig) and from @font-face rules in our static files.
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=static + "/", url_fetcher=static_only_fetcher(static))
    pdf: bytes = document.write_pdf(font_config=fonts, pdf_tags=True)
    return pdf


def render_pdf(template_name: str, **context: Any) -> bytes:
    """The template rendered with the context, as PDF bytes."""
    return html_to_pdf(render_template(template_name, **context))
