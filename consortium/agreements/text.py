"""An agreement's text: the placeholders a template may use, filling them in, and Markdown to
safe HTML.

The secretariat writes a template in Markdown with named placeholders such as
``{organisation.name}``. Filling it in is plain substitution from a fixed list: no template
language runs, so the secretariat's text can never execute anything, and a value (an
organisation's name, a product's) is escaped so that it prints as typed and adds no Markdown
structure or HTML. ``{{`` and ``}}`` write literal braces. The Markdown is then rendered with
markdown-it-py (CommonMark with tables, no raw HTML, no linkify) and the HTML cleaned with nh3
against a small allow-list, so that no text can attack a reader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

import nh3
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

PLACEHOLDERS: dict[str, LazyString] = {
    "organisation.name": _l("The organisation's name"),
    "organisation.registration_number": _l(
        "The organisation's registration number (CVR, IČO, Gemeindeschlüssel…)"
    ),
    "organisation.address": _l("The organisation's postal address"),
    "association.name": _l("The association's name"),
    "association.registration_number": _l("The association's registration number"),
    "product.name": _l("The product's name"),
    "product.phase": _l("The phase of the participation: commitment or participation agreement"),
    "share.amount": _l("The organisation's expected share for the year, with its currency"),
    "share.year": _l("The year of the expected share"),
    "share.explanation": _l("How the share is computed, in words"),
    "cost_sharing_rule": _l("The product's cost-sharing rule, in words"),
    "start_date": _l("The day the agreement starts"),
    "term": _l("How long the agreement runs"),
    "notice_period": _l("The notice period"),
    "billing_identity": _l("Who receives the invoices: department, EAN or reference"),
    "supplier.name": _l("The supplier's name"),
    "supplier.registration_number": _l("The supplier's registration number"),
    "supplier.address": _l("The supplier's postal address"),
    "supplier.products": _l("The products the supplier agreement covers"),
    "code_of_conduct": _l("The code of conduct suppliers sign"),
    "document.number": _l("The document's number"),
    "template.version": _l("The template's version"),
    "today": _l("The day the document is made"),
}

# The names every kind of agreement may use, and so any kind the secretariat names itself.
GENERAL_PLACEHOLDERS: tuple[str, ...] = (
    "organisation.name",
    "organisation.registration_number",
    "organisation.address",
    "association.name",
    "association.registration_number",
    "start_date",
    "term",
    "notice_period",
    "document.number",
    "template.version",
    "today",
)

PLACEHOLDERS_BY_KIND: dict[str, tuple[str, ...]] = {
    "membership": (*GENERAL_PLACEHOLDERS, "billing_identity"),
    "participation": (
        *GENERAL_PLACEHOLDERS,
        "product.name",
        "product.phase",
        "share.amount",
        "share.year",
        "share.explanation",
        "cost_sharing_rule",
        "billing_identity",
    ),
    # The supplier is the party: no organisation of the association signs it.
    "supplier": (
        "association.name",
        "association.registration_number",
        "supplier.name",
        "supplier.registration_number",
        "supplier.address",
        "supplier.products",
        "code_of_conduct",
        "start_date",
        "term",
        "notice_period",
        "document.number",
        "template.version",
        "today",
    ),
}

# A placeholder is a dotted name in braces; doubled braces are literal ones. Anything else in
# braces (a lone "{", "{ two words }") is ordinary text.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + _NAME + r")\}")
# CommonMark lets a backslash escape any ASCII punctuation, which then prints as itself.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Control characters print as nothing a reader could make sense of; tabs and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x85")


def placeholders_for(kind: str) -> tuple[str, ...]:
    """The placeholder names a template of this kind may use."""
    return PLACEHOLDERS_BY_KIND.get(kind, GENERAL_PLACEHOLDERS)


def placeholders_in(markdown: str) -> list[str]:
    """The placeholder names the text uses, in order of first use, once each."""
    names: dict[str, None] = {}
    for match in _TOKEN.finditer(markdown):
        if match.group(1):
            names.setdefault(match.group(1), None)
    return list(names)


def unknown_placeholders(markdown: str, kind: str) -> list[str]:
    """The placeholder names the text uses that a template of this kind may not."""
    allowed = set(placeholders_for(kind))
    return [name for name in placeholders_in(markdown) if name not in allowed]


def escape_value(value: str) -> str:
    """A value as Markdown that prints exactly as typed: every ASCII punctuation character
    escaped, each line break a hard line break, no line starting with spaces, no empty line
    (either would start a new block)."""
    lines = [line.strip() for line in _LINE_BREAKS.split(value)]
    return "\\\n".join(_PUNCTUATION.sub(r"\\\1", line) for line in lines if line)


def fill(markdown: str, values: Mapping[str, str]) -> str:
    """The text with each ``{name}`` replaced by its value (escaped, see :func:`escape_value`)
    and ``{{`` and ``}}`` by literal braces; a KeyError names a placeholder without a value."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        if name not in values:
            raise KeyError(name)
        return escape_value(values[name])

    return _TOKEN.sub(replace, markdown)


_ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "hr",
    "br",
    "code",
    "pre",
}
_ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


@cache
def _markdown() -> MarkdownIt:
    """The Markdown renderer, made when the first text is rendered (not when the app starts)."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    renderer.enable("table")
    return renderer


def render_markdown(markdown: str) -> Markup:
    """Markdown as HTML that is safe to show and print: CommonMark with tables, raw HTML shown
    as text, and only headings, paragraphs, lists, emphasis, links (http, https, mailto),
    tables, quotes, rules, line breaks and code kept."""
    html = _markdown().render(_CONTROL.sub("", markdown))
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel=None,
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 against the allow-list above
