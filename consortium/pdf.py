"""PDFs from HTML templates: render_template → WeasyPrint → bytes.

One renderer for every document the consortium sends as a PDF (expected fees today; invoices,
agreements and minutes next). The template is an ordinary Jinja template with its own @page
rules; it may link our own static files (stylesheets, images, fonts) by relative URL, and carry
PNG or JPEG images inline as data: URIs (an uploaded logo), and nothing else: the URL fetcher
refuses every other address, so a document never reaches the network or the rest of the disk.
The output is a tagged PDF (headings, paragraphs, tables and reading order for screen readers),
the base of PDF/UA.

A PDF/A-3 may carry files (an e-invoice's XML, :class:`EmbeddedFile`) and extra XMP metadata
(the schema that describes them); both are written in the same pass as the pages, so the PDF is
made once and never rewritten.

A process keeps one font configuration and the fixed stylesheets of its documents, parsed once
(``stylesheets``: files in our static folder): Pango's font and shaping caches then serve every
later document, which makes a one-page invoice about twice as fast as with a fresh configuration
each time. Renders in one process take turns, as Pango's font map is not made for several threads
at once.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext
from markupsafe import Markup

# The images a document may carry inline, as data: URIs.
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class EmbeddedFile:
    """A file a PDF/A-3 carries (an associated file, listed in the catalogue's /AF).

    ``relationship`` is its AFRelationship to the document: "Data" for the data the pages show
    (an e-invoice's XML), "Source", "Alternative", "Supplement" or "Unspecified"."""

    name: str
    data: bytes
    mime_type: str
    relationship: str = "Unspecified"
    description: str = ""


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


class _Renderer:
    """This process's font configuration and parsed stylesheets, and the lock renders take."""

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.process = os.getpid()
        self.fonts = FontConfiguration()
        self.stylesheets: dict[tuple[str, int], Any] = {}


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _current_renderer() -> _Renderer:
    """The renderer of this process; call with the lock held. A forked process makes its own."""
    global _renderer
    if _renderer is None or _renderer.process != os.getpid():
        _renderer = _Renderer()
    return _renderer


def _stylesheet(renderer: _Renderer, name: str, static: str, fetcher: Any) -> Any:
    """The stylesheet ``name`` of our static folder, parsed once (again after it changes)."""
    from weasyprint import CSS

    root = Path(static).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ValueError(f"no stylesheet {name} in the static folder")
    key = (str(path), path.stat().st_mtime_ns)
    if key not in renderer.stylesheets:
        renderer.stylesheets = {
            known: sheet for known, sheet in renderer.stylesheets.items() if known[0] != key[0]
        }
        renderer.stylesheets[key] = CSS(
            string=path.read_text("utf-8"),
            base_url=path.parent.as_uri() + "/",
            url_fetcher=fetcher,
            font_config=renderer.fonts,
        )
    return renderer.stylesheets[key]


def warm_up() -> None:
    """Load WeasyPrint, Pango and the fonts once, as a process that renders PDFs starts (the first
    render of a process otherwise pays for it)."""
    html_to_pdf("<p style=\"font-family: 'DejaVu Sans', sans-serif\">0 <b>0</b> <i>0</i></p>")


def html_to_pdf(
    html: str,
    *,
    pdf_variant: str | None = None,
    stylesheets: Sequence[str] = (),
    attachments: Sequence[EmbeddedFile] = (),
    xmp_descriptions: Sequence[bytes] = (),
) -> bytes:
    """A tagged PDF of an HTML document whose relative URLs point into our static folder.

    ``pdf_variant`` asks WeasyPrint for a PDF profile, e.g. ``"pdf/a-3b"`` (archivable, with
    embedded files allowed: the base of a Factur-X invoice); none by default. ``stylesheets``
    names stylesheets in our static folder (e.g. ``"pdf/invoice.css"``) that apply before the
    document's own ``<style>``; each is parsed once per process. A PDF of a profile
    carries its creation date, the same in the information dictionary and in the XMP metadata.
    ``attachments`` are embedded (a reader then opens on them), and ``xmp_descriptions``
    (``rdf:Description`` elements, each declaring its own namespaces) are added to the XMP
    metadata, e.g. the Factur-X schema and its PDF/A extension schema."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
    static = current_app.static_folder
    if static is None:  # pragma: no cover - the app always has its static folder
        raise RuntimeError("the application has no static folder")
    with _renderer_lock:
        return _html_to_pdf(
            _current_renderer(),
            html,
            static,
            pdf_variant,
            stylesheets,
            attachments,
            xmp_descriptions,
        )


def _html_to_pdf(
    renderer: _Renderer,
    html: str,
    static: str,
    pdf_variant: str | None,
    stylesheets: Sequence[str],
    attachments: Sequence[EmbeddedFile],
    xmp_descriptions: Sequence[bytes],
) -> bytes:
    from weasyprint import HTML, Attachment

    fetcher = _weasyprint_fetcher(static_only_fetcher(static))
    # Fonts come from the system (fontconfig) and from @font-face rules in our static files.
    document = HTML(string=html, base_url=static + "/", url_fetcher=fetcher).render(
        stylesheets=[_stylesheet(renderer, name, static, fetcher) for name in stylesheets],
        font_config=renderer.fonts,
        pdf_tags=True,
        pdf_variant=pdf_variant,
    )
    now = datetime.now(UTC).replace(microsecond=0)
    if pdf_variant:
        document.metadata.created = document.metadata.modified = now.isoformat()
    files = [
        Attachment(
            string=attachment.data,
            name=attachment.name,
            description=attachment.description,
            relationship=attachment.relationship,
            created=now,
            modified=now,
        )
        for attachment in attachments
    ]

    def finish(_document: Any, pdf: Any) -> None:
        _finish(pdf, now if pdf_variant else None, attachments, xmp_descriptions)

    with warnings.catch_warnings():
        # For a PDF/A, WeasyPrint reads its sRGB colour profile (the output intent) from a file
        # it leaves for the garbage collector to close; nothing of ours stays open.
        warnings.filterwarnings(
            "ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning
        )
        pdf: bytes = document.write_pdf(
            pdf_tags=True, pdf_variant=pdf_variant, attachments=files, finisher=finish
        )
    return pdf


def _pdf_date(value: datetime) -> str:
    """A date as the PDF 1.7 information dictionary writes it: D:20270201093000+00'00'."""
    return value.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _finish(
    pdf: Any,
    created: datetime | None,
    attachments: Sequence[EmbeddedFile],
    xmp_descriptions: Sequence[bytes],
) -> None:
    """The last touches on WeasyPrint's PDF objects before they are written."""
    import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer, without types

    if created is not None:
        # WeasyPrint writes "+00'00" (PDF 2.0); PDF/A-3 is PDF 1.7, which closes with "'".
        pdf.info["CreationDate"] = pdf.info["ModDate"] = pydyf.String(_pdf_date(created))
    if attachments:
        types = {attachment.name: attachment.mime_type for attachment in attachments}
        for pdf_object in pdf.objects:
            if isinstance(pdf_object, dict) and pdf_object.get("Type") == "/Filespec":
                name = pdf_object["UF"].string
                if name in types:
                    stream = pdf.objects[int(pdf_object["EF"]["F"].split()[0])]
                    stream.extra["Subtype"] = "/" + types[name].replace("/", "#2f")
        if "AF" in pdf.catalog:
            # WeasyPrint lists each file twice in /AF (from the name tree and from the file
            # specifications): once is what PDF/A-3 means.
            pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["PageMode"] = "/UseAttachments"
    if xmp_descriptions:
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        metadata.stream = [_with_descriptions(b"".join(metadata.stream), xmp_descriptions)]


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _with_descriptions(packet: bytes, descriptions: Sequence[bytes]) -> bytes:
    """The XMP packet with more rdf:Description elements in its rdf:RDF, and every property
    written as an element (WeasyPrint writes the simple ones as attributes, which RDF allows
    but readers that look for <pdfaid:part> do not find)."""
    from lxml import etree

    start, end = packet.index(b"<x:xmpmeta"), packet.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    root = etree.fromstring(packet[start:end])
    rdf = root.find(f"{{{_RDF}}}RDF")
    if rdf is None:  # pragma: no cover - WeasyPrint always writes one rdf:RDF
        raise RuntimeError("the PDF's XMP metadata has no rdf:RDF element")
    for description in rdf.iterfind(f"{{{_RDF}}}Description"):
        for name, value in list(description.attrib.items()):
            if not name.startswith(f"{{{_RDF}}}"):
                del description.attrib[name]
                etree.SubElement(description, name).text = value
    for extra in descriptions:
        rdf.append(etree.fromstring(extra))
    return packet[:start] + etree.tostring(root, encoding="utf-8") + packet[end:]


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string, safe inside a <style> element (which HTML does not
    unescape, so the markup is final): the words of a page's margin boxes."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 32 else char for char in text
    )
    return Markup(f'"{escaped}"')  # noqa: S704 - every character that could end it is escaped


def page_counter() -> Markup:
    """CSS content for "Page 1 of 2" in the current locale's words, built from counters."""
    text = str(gettext("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0"))
    parts: list[Markup] = []
    for piece in text.split("\0"):
        if piece in ("page", "pages"):
            parts.append(Markup(f"counter({piece})"))  # noqa: S704 - our own fixed names
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ").join(parts)


def render_pdf(
    template_name: str,
    *,
    pdf_variant: str | None = None,
    stylesheets: Sequence[str] = (),
    attachments: Sequence[EmbeddedFile] = (),
    xmp_descriptions: Sequence[bytes] = (),
    **context: Any,
) -> bytes:
    """The template rendered with the context, as PDF bytes (of the PDF profile
    ``pdf_variant`` names, if any, with the stylesheets, files and XMP metadata
    :func:`html_to_pdf` takes)."""
    return html_to_pdf(
        render_template(template_name, **context),
        pdf_variant=pdf_variant,
        stylesheets=stylesheets,
        attachments=attachments,
        xmp_descriptions=xmp_descriptions,
    )
