"""An agreement template as the secretariat writes it and a municipality reads it: the
placeholders it names are found and checked, filling them in prints each value exactly as typed
(a hostile organisation name included) and runs nothing, and the Markdown becomes HTML with no
way to attack a reader."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import pytest

from consortium.agreements.text import (
    GENERAL_PLACEHOLDERS,
    PLACEHOLDERS,
    PLACEHOLDERS_BY_KIND,
    fill,
    placeholders_for,
    placeholders_in,
    render_markdown,
    unknown_placeholders,
)

TEMPLATE = """# Tilslutningsaftale om {product.name}

Mellem {association.name} og {organisation.name} (CVR {organisation.registration_number}).

{organisation.name} betaler {share.amount} for {share.year}.

Skriv {{organisation.name}} for at få navnet.
"""


def test_placeholders_are_found_in_order_once_each():
    assert placeholders_in(TEMPLATE) == [
        "product.name",
        "association.name",
        "organisation.name",
        "organisation.registration_number",
        "share.amount",
        "share.year",
    ]


@pytest.mark.parametrize(
    "text",
    ["{{organisation.name}}", "{ organisation.name }", "{organisation name}", "a { b", "}{", ""],
)
def test_what_is_not_a_placeholder_is_not_reported(text):
    assert placeholders_in(text) == []


def test_unknown_placeholders_are_named():
    text = "{organisation.name} {organisation.nmae} {share.amount} {Product.name} {share.amount}"
    assert unknown_placeholders(text, "participation") == ["organisation.nmae", "Product.name"]
    # A membership agreement has no product, so no share of one.
    assert unknown_placeholders(text, "membership") == [
        "organisation.nmae",
        "share.amount",
        "Product.name",
    ]


def test_a_supplier_agreement_speaks_of_the_supplier_and_the_code_of_conduct():
    text = "{supplier.name} {supplier.products} {code_of_conduct} {organisation.name}"
    assert unknown_placeholders(text, "supplier") == ["organisation.name"]
    assert unknown_placeholders(text, "participation") == [
        "supplier.name",
        "supplier.products",
        "code_of_conduct",
    ]


def test_a_kind_the_secretariat_names_gets_the_general_placeholders():
    assert placeholders_for("data processing") == GENERAL_PLACEHOLDERS
    assert unknown_placeholders("{organisation.name} {today}", "data processing") == []
    assert unknown_placeholders("{share.amount}", "data processing") == ["share.amount"]


def test_every_listed_placeholder_is_described():
    for kind, names in PLACEHOLDERS_BY_KIND.items():
        assert set(names) <= set(PLACEHOLDERS), kind
        assert len(set(names)) == len(names), kind
    assert set(GENERAL_PLACEHOLDERS) <= set(PLACEHOLDERS)
    assert all(str(description) for description in PLACEHOLDERS.values())


def test_described_in_the_readers_language(app):
    from flask_babel import force_locale

    with force_locale("da"):
        danish = str(PLACEHOLDERS["organisation.name"])
    assert danish != "The organisation's name"
    assert "organisation" in danish.lower()


def _html(markdown: str) -> str:
    return str(render_markdown(markdown))


class _Elements(HTMLParser):
    """The elements of an HTML fragment with their attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def test_fill_substitutes_values_and_writes_literal_braces():
    values = {
        "product.name": "OS2forms",
        "association.name": "OS2",
        "organisation.name": "Aarhus Kommune",
        "organisation.registration_number": "55133018",
        "share.amount": "25.000,00 kr.",
        "share.year": "2027",
    }
    html = _html(fill(TEMPLATE, values))
    assert "<h1>Tilslutningsaftale om OS2forms</h1>" in html
    assert "Mellem OS2 og Aarhus Kommune (CVR 55133018)." in html
    assert "Aarhus Kommune betaler 25.000,00 kr. for 2027." in html
    assert "Skriv {organisation.name} for at få navnet." in html


def test_a_placeholder_without_a_value_is_named():
    with pytest.raises(KeyError, match="share.amount"):
        fill("{organisation.name} pays {share.amount}", {"organisation.name": "Aarhus"})


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "**Bold** _em_ `code`",
        "[click](javascript:alert(1))",
        "# Heading",
        "- a list",
        "1. numbered",
        "> quoted",
        "| a | b |",
        "&lt;b&gt; &amp; &#60;",
        "back\\slash at the end\\",
        "{organisation.name} {{ }}",
        "<https://example.org>",
        "![logo](https://example.org/x.png)",
        "---",
    ],
)
def test_a_value_prints_exactly_as_typed(hostile):
    html = _html(fill("Party: {organisation.name}.", {"organisation.name": hostile}))
    assert _elements(html) == [("p", {})]
    assert html.startswith("<p>Party: ")
    assert html.endswith(".</p>\n")
    assert unescape(html.removeprefix("<p>Party: ").removesuffix(".</p>\n")) == hostile


def test_a_value_over_several_lines_stays_inside_its_paragraph():
    value = "Population 1 January 2026: 61,000\n\n    # large tier\n- 1.5 per resident"
    html = _html(fill("{share.explanation}", {"share.explanation": value}))
    assert html == (
        "<p>Population 1 January 2026: 61,000<br>\n# large tier<br>\n- 1.5 per resident</p>\n"
    )


def test_a_value_inside_emphasis_or_a_table_keeps_the_structure_around_it():
    text = "**{organisation.name}**\n\n| Party | Share |\n|---|--:|\n| {organisation.name} | {share.amount} |\n"
    html = _html(fill(text, {"organisation.name": "A|B*", "share.amount": "1 kr."}))
    assert "<strong>A|B*</strong>" in html
    assert '<td>A|B*</td>\n<td style="text-align:right">1 kr.</td>' in html


def test_fill_runs_nothing():
    # Format fields, attribute access and Jinja syntax are text, never code.
    text = "{organisation.__class__} {0} {organisation.name!r:>30} {{ 7*7 }} {% if x %}"
    assert fill(text, {"organisation.__class__": "x"}) == (
        "x {0} {organisation.name!r:>30} { 7*7 } {% if x %}"
    )


def test_markdown_is_sanitised():
    html = _html(
        "<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "<div style=\"position:fixed\" onclick='x()'>raw</div>\n\n"
        "[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
        "[vb](vbscript:msgbox) [ok](https://os2.eu/) [mail](mailto:sekretariat@os2.eu)\n\n"
        "![img](https://example.org/tracker.png)\n"
    )
    elements = _elements(html)
    assert {tag for tag, _attributes in elements} == {"p", "a"}
    links = [attributes for tag, attributes in elements if tag == "a"]
    assert links == [{"href": "https://os2.eu/"}, {"href": "mailto:sekretariat@os2.eu"}]
    assert '<a href="https://os2.eu/">ok</a>' in html
    assert '<a href="mailto:sekretariat@os2.eu">mail</a>' in html
    # Raw HTML is shown as the text it is, not dropped silently.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_keeps_what_an_agreement_needs():
    html = _html(
        "# Agreement\n\n## 1. Parties\n\nThe **member** and the *association*.\n\n"
        "1. first\n2. second\n\nBetween.\n\n7. seventh\n\n- a\n- b\n\n> quoted\n\n---\n\n"
        "| Year | Share |\n|------|------:|\n| 2027 | 25,000 |\n\nline  \nbreak `code`\n"
    )
    for fragment in (
        "<h1>Agreement</h1>",
        "<h2>1. Parties</h2>",
        "<strong>member</strong>",
        "<em>association</em>",
        "<ol>",
        "<li>first</li>",
        '<ol start="7">',
        "<ul>",
        "<blockquote>",
        "<hr>",
        "<table>",
        "<th>Year</th>",
        '<td style="text-align:right">25,000</td>',
        "<br>",
        "<code>code</code>",
    ):
        assert fragment in html


def test_odd_input_gives_text_not_an_error():
    for text in ("\x00{organisation.name}\x00", "\ufeff#\u202e x", "[" * 5000, "*a" * 5000):
        filled = fill(text, {"organisation.name": "\x00<b>"})
        html = _html(filled)
        assert {tag for tag, _attributes in _elements(html)} <= {"p", "h1", "em"}


def test_a_long_template_renders_whole():
    # About a hundred pages of clauses.
    text = ("## Clause\n\n" + "Word **strong** and *em* {organisation.name}. " * 30 + "\n\n") * 200
    html = _html(fill(text, {"organisation.name": "Aarhus Kommune"}))
    assert html.count("<h2>Clause</h2>") == 200
