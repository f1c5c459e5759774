"""Every list built on consortium/listing.py: each sortable header sorts both ways, the page
size and the filters survive, and "export as shown" has the rows the list shows, in its order."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

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


# --- the lists of invoicing, agreements, meetings, backlogs and participation, on the demo ------

SECRETARIAT_LOGIN = ("secretariat@demo.example.org", "demo-secretariat-2026")
ANNA_LOGIN = ("anna.jensen@demo.example.org", "demo-member-2026")

DEMO_LISTS = [
    "/invoices/overdue",
    "/invoices/runs",
    "/invoices/settlements",
    "/agreements/?status=all",
    "/agreements/templates",
    "/meetings/?when=all",
    "/meetings/decisions",
    "/backlog/products/{product}",
    "/participation/",
    "/participation/requests",
    "/suppliers/agreements/expiring",
    "/backlog/",
    # A contact's own lists.
    "anna:/invoices/mine",
    "anna:/agreements/",
    "anna:/meetings/actions",
    "anna:/invoices/settlements/mine",
]


@pytest.fixture(scope="module")
def backlog_product(demo_app) -> int:
    """The demo product whose backlog has the most items."""
    from sqlalchemy import func, select

    from consortium.backlog.models import BacklogItem

    with demo_app.app_context():
        return (
            db.session.execute(
                select(BacklogItem.product_id)
                .group_by(BacklogItem.product_id)
                .order_by(func.count(BacklogItem.id).desc())
            )
            .scalars()
            .first()
        )


@pytest.fixture
def count_queries_in_demo(demo_app):
    """Count the SQL statements the demo's pages run."""
    from contextlib import contextmanager

    from sqlalchemy import event

    with demo_app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        statements: list[str] = []

        def remember(connection, cursor, statement, *args) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", remember)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", remember)

    return counting


def _demo_client(demo_app, who):
    from tests.conftest import login

    client = demo_app.test_client()
    assert login(client, *who).status_code == 302
    return client


@pytest.fixture
def demo_secretariat(demo_app):
    return _demo_client(demo_app, SECRETARIAT_LOGIN)


def _words(page: str) -> list[str]:
    """Each row of the list as its words."""
    return [" ".join(row.split()) for row in _rows(page)]


def _url(url: str, product: int) -> str:
    return url.split(":", 1)[-1].format(product=product)


def _reader(demo_app, url: str):
    """A client signed in as the list's reader: the secretariat, or Anna Jensen for "anna:"."""
    return _demo_client(demo_app, ANNA_LOGIN if url.startswith("anna:") else SECRETARIAT_LOGIN)


def _sorted_header(page: str) -> tuple[str, str]:
    """The sorted column's aria-sort and the link that sorts it the other way."""
    found = re.search(
        r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a class="sort-link" href="([^"]+)"', page
    )
    assert found, "the sorted column says so"
    return found.group(1), html.unescape(found.group(2))


def _export(client, page: str) -> list[list[str]]:
    link = html.unescape(re.search(r'href="([^"]+)" download', page).group(1))
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data().decode("utf-8-sig")
    # The reader's separator: a semicolon for a Danish reader.
    heading = text.splitlines()[0]
    delimiter = ";" if heading.count(";") > heading.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("url", DEMO_LISTS)
def test_each_demo_list_sorts_by_every_header_both_ways(demo_app, backlog_product, url):
    client = _reader(demo_app, url)
    page = client.get(_url(url, backlog_product)).get_data(as_text=True)
    assert _rows(page), "the demo shows rows to sort"
    links = _links(page)
    assert len(links) >= 2, "the list's headers are links that sort"
    for link in links:
        first = client.get(link)
        assert first.status_code == 200, link
        text = first.get_data(as_text=True)
        state, other_way = _sorted_header(text)
        again = client.get(other_way).get_data(as_text=True)
        flipped, _back = _sorted_header(again)
        assert {state, flipped} == {"ascending", "descending"}, link
        # The same rows both ways, where one page holds them all.
        if len(_rows(text)) < 50:
            assert sorted(_words(text)) == sorted(_words(again)), link


@pytest.mark.parametrize("url", DEMO_LISTS)
def test_each_demo_list_exports_the_rows_shown_in_their_order(demo_app, backlog_product, url):
    client = _reader(demo_app, url)
    page = client.get(_url(url, backlog_product)).get_data(as_text=True)
    # Sorted by the second sortable column, the other way round from its first click.
    text = client.get(_links(page)[1]).get_data(as_text=True)
    text = client.get(_sorted_header(text)[1]).get_data(as_text=True)
    shown = _words(text)
    exported = _export(client, text)[1:]
    assert len(exported) >= len(shown) >= 1
    # A column whose cells read as on the page, not all alike, names each row in the same place.
    pairs = list(zip(exported, shown, strict=False))
    telling = [
        index
        for index in range(len(exported[0]))
        if (len(pairs) == 1 or len({row[index] for row, _line in pairs}) > 1)
        and all(" ".join(row[index].lstrip("'").split()) in line for row, line in pairs)
    ]
    assert telling, "the export has the rows shown, in their order"


@pytest.mark.parametrize("url", DEMO_LISTS)
def test_each_demo_list_carries_page_size_and_sort_into_its_links(demo_app, backlog_product, url):
    client = _reader(demo_app, url)
    joiner = "&" if "?" in url else "?"
    page = client.get(f"{_url(url, backlog_product)}{joiner}per_page=25").get_data(as_text=True)
    assert '<option value="25" selected>' in page
    for link in _links(page):
        assert "per_page=25" in link
    export = html.unescape(re.search(r'href="([^"]+)" download', page).group(1))
    assert "per_page=25" in export and "export=csv" in export
    sorted_page = client.get(_links(page)[-1]).get_data(as_text=True)
    export = html.unescape(re.search(r'href="([^"]+)" download', sorted_page).group(1))
    assert "sort=" in export and "per_page=25" in export


HOSTILE = [
    "sort=%27;drop%20table",
    "order=sideways",
    "per_page=99999999999999999999",
    "per_page=-5",
    "page=-1",
    "page=99999999999999999999",
    "q=%27%22%3Cscript%3E",
    "group=99999999999999999999",
    "year=abc",
    "when=%F0%9F%99%82",
    "kind=x&product=-1&organisation=abc",
    "export=xlsx",
]


@pytest.mark.parametrize("url", DEMO_LISTS)
def test_each_demo_list_answers_odd_addresses_with_a_page(demo_app, backlog_product, url):
    client = _reader(demo_app, url)
    joiner = "&" if "?" in url else "?"
    for query in HOSTILE:
        answer = client.get(f"{_url(url, backlog_product)}{joiner}{query}")
        assert answer.status_code == 200, query
        assert answer.mimetype == "text/html", query
    # A control character is refused with the app's own page, before any list reads it.
    refused = client.get(f"{_url(url, backlog_product)}{joiner}status=%00&q=%00")
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    notice = client.get(f"{_url(url, backlog_product)}{joiner}sort=nonsense")
    assert '<p class="notice" role="status">' in notice.get_data(as_text=True)


def test_filters_survive_paging_and_reach_the_export(demo_secretariat):
    client = demo_secretariat
    everything = _export(client, client.get("/participation/requests").get_data(as_text=True))
    assert len(everything) > 2, "the demo has requests waiting"
    page = client.get("/participation/requests?status=pending&per_page=25").get_data(as_text=True)
    assert '<option value="pending" selected>' in page
    for link in _links(page):
        assert "status=pending" in link and "per_page=25" in link
    # The page size form keeps the filter as a hidden field.
    assert '<input type="hidden" name="status" value="pending">' in page
    rows = _export(client, page)
    assert len(rows) > 2 and {row[4] for row in rows[1:]} == {"Pending"}
    declined = client.get("/participation/requests?status=declined").get_data(as_text=True)
    assert "No requests." in declined
    assert _export(client, declined) == [everything[0]]
    # A filter of the list of meetings narrows the export too.
    past = _export(client, client.get("/meetings/?when=past").get_data(as_text=True))
    every = _export(client, client.get("/meetings/?when=all").get_data(as_text=True))
    assert 1 < len(past) < len(every)


@pytest.mark.parametrize(
    ("url", "filtered"),
    [
        ("/participation/requests", "status=pending"),
        ("/organisations/", "q=Aarhus"),
        ("/invoices/settlements", "status=issued"),
    ],
)
def test_clearing_the_filter_is_offered_once_a_filter_is_set(demo_secretariat, url, filtered):
    assert "Clear the filter" not in demo_secretariat.get(url).get_data(as_text=True)
    page = demo_secretariat.get(f"{url}?{filtered}").get_data(as_text=True)
    assert f'<a href="{url}">Clear the filter</a>' in page


def test_the_work_queue_opens_the_requests_that_wait(demo_secretariat):
    home = demo_secretariat.get("/").get_data(as_text=True)
    assert 'href="/participation/requests?status=pending"' in home


def test_a_page_past_the_last_shows_the_last(demo_secretariat):
    answer = demo_secretariat.get("/meetings/decisions?per_page=25&page=999")
    assert answer.status_code == 200
    assert len(_rows(answer.get_data(as_text=True))) >= 1


def _thirty_more(demo_app, url: str, product_id: int) -> None:
    """Thirty more rows for the list at the address, so that it has more than one page."""
    from datetime import date, time

    from sqlalchemy import select

    from consortium.backlog.models import BacklogItem
    from consortium.meetings import services as meetings
    from consortium.participation.models import Participation

    with demo_app.app_context():
        product = db.session.get(Product, product_id)
        group = db.session.scalars(select(Group).order_by(Group.id)).first()
        for number in range(30):
            if url.startswith("/meetings/"):
                meetings.plan_meeting(
                    group,
                    title=f"Extra meeting {number}",
                    day=date(2030, 1, 1 + number),
                    starts=time(9),
                    ends=time(10),
                    place="Online",
                )
            elif url.startswith("/backlog/"):
                db.session.add(BacklogItem(product_id=product.id, title=f"Extra wish {number}"))
            else:
                organisation = members.create_organisation(
                    name=f"Extra Kommune {number}", kind="municipality", country="DK"
                )
                members.change_membership(organisation, "active", date(2025, 1, 1))
                # With the populations next year's fees are based on, as the demo's members
                # have them: the work queue waits for nothing more than before.
                for year in (date.today().year - 1, date.today().year):
                    members.set_population(organisation, year, 10_000 + number, "Statistics")
                db.session.flush()
                db.session.add(
                    Participation(
                        organisation_id=organisation.id,
                        product_id=product.id,
                        phase="agreement",
                        starts_on=date(2026, 1, 1),
                    )
                )
        db.session.commit()


@pytest.mark.sqlite  # statements are counted: the same on every database
@pytest.mark.parametrize(
    "url", ["/meetings/?when=all", "/participation/", "/backlog/products/{product}"]
)
def test_more_rows_on_a_page_ask_no_more_queries(
    demo_app, demo_secretariat, backlog_product, count_queries_in_demo, url
):
    client = demo_secretariat
    address = _url(url, backlog_product)
    joiner = "&" if "?" in address else "?"
    with count_queries_in_demo() as few:
        small = client.get(f"{address}{joiner}per_page=25").get_data(as_text=True)
    with count_queries_in_demo() as few_exported:
        client.get(f"{address}{joiner}export=csv")
    _thirty_more(demo_app, url, backlog_product)
    with count_queries_in_demo() as many:
        large = client.get(f"{address}{joiner}per_page=200").get_data(as_text=True)
    with count_queries_in_demo() as many_exported:
        client.get(f"{address}{joiner}export=csv")
    assert len(_rows(large)) >= len(_rows(small)) + 30
    assert len(many) == len(few)
    assert len(many_exported) == len(few_exported)


@pytest.mark.parametrize(
    "url",
    [
        "/invoices/overdue",
        "/invoices/runs",
        "/invoices/settlements",
        "/agreements/templates",
        "/participation/",
        "/participation/requests",
    ],
)
def test_a_contact_exports_no_list_of_the_secretariat(demo_app, url):
    client = _demo_client(demo_app, ANNA_LOGIN)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}?export=csv").status_code == 403


def test_a_contact_exports_only_what_they_see(demo_app, backlog_product):
    client = _demo_client(demo_app, ANNA_LOGIN)
    # Agreements: those of her own organisation (in Danish, with the Danish separator).
    page = client.get("/agreements/").get_data(as_text=True)
    text = client.get("/agreements/?export=csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Nummer"
    assert len(rows) > 1 and {row[2] for row in rows[1:]} == {"Syddjurs Kommune"}
    assert len(rows) - 1 == len(_rows(page))
    everything = _demo_client(demo_app, SECRETARIAT_LOGIN).get("/agreements/?status=all&export=csv")
    assert len(everything.get_data(as_text=True).splitlines()) > len(rows)
    # Meetings and decisions: those of the groups she sits in, as on her pages.
    from consortium.auth.services import find_user_by_email
    from consortium.groups import queries as group_queries

    with demo_app.app_context():
        anna = find_user_by_email(ANNA_LOGIN[0])
        hers = {member.group.name for member in group_queries.memberships_of(anna.id)}
    for url, group_column in (("/meetings/?when=all", 2), ("/meetings/decisions", 2)):
        page = client.get(url).get_data(as_text=True)
        text = client.get(f"{url}&export=csv" if "?" in url else f"{url}?export=csv")
        rows = list(csv.reader(io.StringIO(text.get_data().decode("utf-8-sig")), delimiter=";"))
        assert len(rows) - 1 == len(_rows(page)) > 0, url
        assert {row[group_column] for row in rows[1:]} <= hers, url


def test_the_backlog_export_has_the_rights_of_its_page(demo_app, backlog_product):
    url = f"/backlog/products/{backlog_product}"
    answers = set()
    for who in (ANNA_LOGIN, ("peter.madsen@demo.example.org", "demo-agency-2026")):
        client = _demo_client(demo_app, who)
        page = client.get(url)
        export = client.get(f"{url}?export=csv")
        assert export.status_code == page.status_code
        answers.add(page.status_code)
        if page.status_code == 200:
            assert export.mimetype == "text/csv"
    assert answers == {200, 403}, "one contact sees the backlog, the other does not"


def test_rows_computed_in_python_sort_by_the_same_columns_and_page_after_sorting(app):
    from consortium.listing import Column, Listing

    columns = [
        Column("name", "Name", lambda row: row[0].casefold(), lambda row: row[0]),
        Column("due", "Due", lambda row: row[1], lambda row: row[1], descending_first=True),
    ]
    rows = [("beta", date(2026, 3, 1)), ("Alfa", None), ("gamma", date(2026, 1, 1))]
    rows += [(f"zz{number:02d}", date(2025, 1, 1 + number)) for number in range(27)]
    with app.test_request_context("/?sort=due&per_page=25&page=2"):
        listing = Listing("invoicing.overdue", columns, default_sort="name")
        page = listing.paginate_rows(rows)
        # Latest first, the row without a date last, the second page after sorting.
        assert (page.total, page.pages, page.page) == (30, 2, 2)
        assert [row[0] for row in page.items][-2:] == ["zz00", "Alfa"]
        assert page.has_prev and not page.has_next
    with app.test_request_context("/?sort=due&order=asc"):
        ordered = Listing("invoicing.overdue", columns, default_sort="name").sort_rows(rows)
        assert [row[0] for row in ordered[:2]] == ["zz00", "zz01"]
        assert ordered[-1][0] == "Alfa"
    with app.test_request_context("/?page=7"):
        listing = Listing("invoicing.overdue", columns, default_sort="name")
        page = listing.paginate_rows(rows)
        assert page.page == 1 and [row[0] for row in page.items][:3] == ["Alfa", "beta", "gamma"]


def test_the_participation_export_says_each_agreement_as_the_page_does(demo_secretariat):
    client = demo_secretariat
    page = client.get("/participation/?per_page=200").get_data(as_text=True)
    rows = _export(client, page)
    column = rows[0].index("Agreement")
    words = [row[column] for row in rows[1:]]
    assert len(words) == len(_rows(page))
    assert all(words), "every participation's agreement is said in words"
    # The demo has accepted and waiting agreements; each is said as the page says it.
    assert any(word.startswith("Agreement accepted on ") for word in words)
    shown = " ".join(_words(page))
    for word in set(words):
        assert word in shown, word


def test_a_contacts_settlements_export_as_her_page_shows_them(demo_app):
    client = _demo_client(demo_app, ANNA_LOGIN)
    page = client.get("/invoices/settlements/mine?sort=part&order=asc").get_data(as_text=True)
    rows = _export(client, page)
    # In Danish: what each part becomes, as the page says it, in the page's order.
    assert rows[0] == [
        "Produkt",
        "År",
        "Organisation",
        "Hvorfor",
        "Jeres del",
        "Valuta",
        "Status",
        "Bliver til",
    ]
    shown = _words(page)
    assert len(rows) - 1 == len(shown) >= 2
    for row, words in zip(rows[1:], shown, strict=True):
        assert words.startswith(f"{row[0]} {row[1]} {row[2]}"), (row, words)
        assert words.endswith(f"{row[6]} {row[7]}"), (row, words)
    parts = [Decimal(row[4].replace(",", ".")) for row in rows[1:]]
    assert parts == sorted(parts)
    assert any(row[7].startswith("Kreditnota CN-") for row in rows[1:])
