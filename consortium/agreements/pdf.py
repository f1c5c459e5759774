"""An agreement document as a PDF: A4, in the reader's language, tagged for screen readers and
archivable (PDF/A-2b), with the document number, the template version and "Page 1 of 2" at the
foot of every page.

The document number and the template version are also written into the PDF's XMP metadata
(``dc:identifier`` and ``xmpMM:VersionID``, properties every PDF/A reader knows), so that a
verifier can read them back from the sealed file (:func:`document_identity`).
"""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from lxml import etree
from markupsafe import Markup

from consortium.pdf import css_string, page_counter, render_pdf

PDF_VARIANT = "pdf/a-2b"

_DC = "http://purl.org/dc/elements/1.1/"
_XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# XML 1.0 has no place for most control characters, and no font a glyph for them.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def agreement_pdf(
    *,
    title: str,
    body: Markup,
    document_number: str,
    version_label: str,
    language: str,
    association_name: str,
    made_on: date,
) -> bytes:
    """The agreement as PDF bytes in ``language``: the title, the association as its issuer, the
    body (HTML from :func:`consortium.agreements.text.render_markdown`), and the document number,
    the template version and the page count on every page."""
    title, document_number, version_label, association_name = (
        _CONTROL.sub("", text) for text in (title, document_number, version_label, association_name)
    )
    with force_locale(language):
        footer = _(
            "Document %(number)s · Template version %(version)s",
            number=document_number,
            version=version_label,
        )
        return render_pdf(
            "agreements/agreement_pdf.html",
            stylesheets=("pdf/agreement.css",),
            pdf_variant=PDF_VARIANT,
            xmp_descriptions=(_identity_xmp(document_number, version_label),),
            title=title,
            body=body,
            language=language,
            association_name=association_name,
            document_number=document_number,
            version_label=version_label,
            issued=_(
                "Document %(number)s, made on %(day)s",
                number=document_number,
                day=format_date(made_on, "long"),
            ),
            subject=footer,
            footer=css_string(footer),
            running_title=css_string(title),
            counter=page_counter(),
        )


def _identity_xmp(document_number: str, version_label: str) -> bytes:
    """An rdf:Description with the document number and the template version."""
    number = escape(_NOT_XML.sub("", document_number))
    version = escape(_NOT_XML.sub("", version_label))
    return (
        f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" xmlns:dc="{_DC}"'
        f' xmlns:xmpMM="{_XMP_MM}">'
        f"<dc:identifier>{number}</dc:identifier>"
        f"<xmpMM:VersionID>{version}</xmpMM:VersionID>"
        "</rdf:Description>"
    ).encode()


def document_identity(xmp: bytes) -> tuple[str, str]:
    """The document number and the template version written in a PDF's XMP metadata; empty
    strings for what it does not say (an XMP packet that is not XML says nothing)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    start, end = xmp.find(b"<x:xmpmeta"), xmp.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return "", ""
    try:
        root = etree.fromstring(xmp[start : end + len(b"</x:xmpmeta>")], parser)
    except etree.XMLSyntaxError:
        return "", ""
    return _property(root, _DC, "identifier"), _property(root, _XMP_MM, "VersionID")


def _property(root: etree._Element, namespace: str, name: str) -> str:
    """A simple XMP property, written as an element or as an attribute of rdf:Description (as
    RDF allows, and as a signing tool may rewrite it)."""
    tag = f"{{{namespace}}}{name}"
    for description in root.iter(f"{{{_RDF}}}Description"):
        value = description.get(tag)
        if value is None:
            value = description.findtext(tag)
        if value:
            return value
    return ""
