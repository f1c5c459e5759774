"""The global search: the box in the header, the results by kind, and nothing a reader may not
see elsewhere."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from consortium.extensions import db
from consortium.members import services as members
from consortium.products.models import Product
from tests.conftest import login, make_user
from tests.test_routes import give_own_records, route_objects


def _page(client, query, **args):
    response = client.get("/search", query_string={"q": query, **args})
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _results(page) -> dict[str, list[str]]:
    """The page's results: {kind heading without its count: [link texts]}."""
    found = {}
    for section in page.select("main section.search-kind"):
        heading = re.sub(r"\s*\(\d+\)$", "", section.h2.get_text(" ", strip=True))
        found[heading] = [link.get_text(" ", strip=True) for link in section.select("li > a")]
    return found


def _everything(page) -> list[str]:
    return [title for titles in _results(page).values() for title in titles]


def _signed_in(client, email, *, secretariat=False):
    user = make_user(email, secretariat=secretariat)
    assert login(client, email).status_code == 302
    return user


def _organisation(name, **fields):
    return members.create_organisation(name=name, kind="municipality", country="DK", **fields)


# --- the box in the header ------------------------------------------------------------------


def test_every_signed_in_page_has_the_search_box_in_its_header(secretariat_client):
    page = BeautifulSoup(secretariat_client.get("/").get_data(as_text=True), "html.parser")
    form = page.select_one("header form[role=search]")
    assert form is not None
    assert form["method"] == "get" and form["action"] == "/search"
    field = form.select_one("input[name=q]")
    assert page.select_one(f"label[for={field['id']}]").get_text(strip=True)


def test_visitors_who_are_not_signed_in_get_no_search_box_and_are_asked_to_sign_in(client):
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    assert page.select_one("header form[role=search]") is None
    response = client.get("/search?q=aarhus")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# --- what is searched, and how ----------------------------------------------------------------


def test_organisations_by_name_number_municipality_code_ean_and_email(secretariat_client):
    aarhus = _organisation(
        "Aarhus Kommune",
        registration_number="55133018",
        municipality_code="751",
        email="post@aarhus.example.dk",
    )
    members.save_billing_identity(aarhus, None, name="Økonomi", gln="5798000000018")
    _organisation("Odder Kommune", registration_number="29189765", municipality_code="727")
    db.session.commit()
    for query in ("aarhus", "AARHUS kommune", "55133018", "751", "5798000000018", "post@aarhus"):
        assert _results(_page(secretariat_client, query)).get("Organisations") == [
            "Aarhus Kommune"
        ], query
    found = _page(secretariat_client, "5798000000018").select_one("section.search-kind li")
    assert "EAN 5798000000018" in found.get_text(" ", strip=True)
    assert found.a["href"] == f"/organisations/{aarhus.id}"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ærø", "Ærø Kommune"),
        ("ÆRØ", "Ærø Kommune"),
        ("kobenhavn", "Københavns Kommune"),
        ("københavns", "Københavns Kommune"),
        ("ricany", "Město Říčany"),
        ("ŘÍČANY", "Město Říčany"),
        ("mesto", "Město Říčany"),
        ("muller", "Müller Stiftung"),
    ],
)
def test_case_and_diacritics_do_not_matter(secretariat_client, query, name):
    for each in ("Ærø Kommune", "Københavns Kommune", "Město Říčany", "Müller Stiftung"):
        _organisation(each)
    db.session.commit()
    assert _results(_page(secretariat_client, query)).get("Organisations") == [name]


def test_ae_is_a_letter_of_its_own(secretariat_client):
    _organisation("Ærø Kommune")
    db.session.commit()
    assert "Organisations" not in _results(_page(secretariat_client, "aeroe"))


def test_every_word_must_match_and_like_wildcards_are_plain_characters(secretariat_client):
    _organisation("Aarhus Kommune")
    _organisation("Aarhus Vand 100% A_S")
    db.session.commit()
    assert _results(_page(secretariat_client, "kommune aarhus"))["Organisations"] == [
        "Aarhus Kommune"
    ]
    assert _results(_page(secretariat_client, "100%"))["Organisations"] == ["Aarhus Vand 100% A_S"]
    assert "Organisations" not in _results(_page(secretariat_client, "a_s kommune"))
    assert "Organisations" not in _results(_page(secretariat_client, "%%"))


def test_an_exact_identifier_finds_its_record_first(secretariat_client):
    # Sorted by name the foundation would come first; its name only contains the number.
    _organisation("Aarhus Kommune", registration_number="55133018")
    _organisation("Alpha 55133018 Fond")
    db.session.commit()
    _organisation("Aabenraa Kommune", registration_number="29189730")
    db.session.commit()
    # Typed with spaces, as on a letterhead, too.
    for query in ("55133018", "55 13 30 18"):
        page = _page(secretariat_client, query)
        assert _results(page)["Organisations"] == ["Aarhus Kommune", "Alpha 55133018 Fond"]
        first, second = page.select("section.search-kind li")
        assert "exact match" in first.get_text(" ", strip=True)
        assert "exact match" not in second.get_text(" ", strip=True)


def test_the_kind_holding_the_exact_identifier_comes_first(app, client):
    objects = route_objects()
    db.session.commit()
    _signed_in(client, "sekretariat@example.org", secretariat=True)
    from consortium.invoicing.models import Invoice

    number = db.session.get(Invoice, objects["invoice"]).number
    page = _page(client, number)
    assert (
        page.select("section.search-kind h2")[0].get_text().startswith("Invoices and credit notes")
    )
    assert _results(page)["Invoices and credit notes"][0] == number


def test_products_groups_suppliers_agreements_minutes_decisions_and_backlog_items(app, client):
    objects = route_objects()
    db.session.commit()
    _signed_in(client, "sekretariat@example.org", secretariat=True)
    results = _results(_page(client, "route"))
    assert "Route backlog product" in results["Products"]
    assert {"Route board", "Route minutes board", "Route coordination group"} <= set(
        results["Groups"]
    )
    assert results["Suppliers"] == ["Route Supplier ApS"]
    assert results["Backlog items"] == [
        f"#{objects['backlog_item']} Route wish",
        f"#{objects['backlog_item'] - 1} Route counted wish",
    ]
    assert "Route minutes board: Route budget meeting 2" in results["Minutes"]
    assert _results(_page(client, "29189757"))["Suppliers"] == ["Route Supplier ApS"]
    assert _results(_page(client, "agr-2099-00001"))["Agreement documents"] == [
        "AGR-2099-00001: Membership"
    ]
    assert _results(_page(client, "ROUTE-MB"))["Groups"] == ["Route minutes board"]
    assert _results(_page(client, f"#{objects['backlog_item']}"))["Backlog items"][0] == (
        f"#{objects['backlog_item']} Route wish"
    )


def test_decisions_by_their_number(app, client):
    from consortium.groups import services as groups
    from consortium.meetings import services as meetings

    secretary = make_user("secretary@example.org", name="Sally Secretary")
    organisation = _organisation("Aarhus Kommune")
    members.add_contact(organisation, secretary.id, "primary")
    group = groups.create_group("board", "The board")
    group.code = "BOARD"
    groups.add_member(
        group, secretary, organisation=organisation, role="secretary", starts_on=date(2025, 1, 1)
    )
    meeting = meetings.plan_meeting(
        group, title="Spring meeting", day=date(2027, 4, 2), starts=time(10), ends=time(12)
    )
    meetings.write_minutes(meeting, secretary, {None: "We met."})
    decision = meetings.record_decision(meeting, "The budget is approved.", recorded_by=secretary)
    db.session.commit()
    _signed_in(client, "sekretariat@example.org", secretariat=True)
    page = _page(client, decision.code.lower())
    assert _results(page)["Decisions"] == [decision.code]
    assert page.select_one("section.search-kind h2").get_text().startswith("Decisions")


# --- only what the reader may see -------------------------------------------------------------

# What the records of tests/test_routes.py answer to, and whether each visitor finds them:
# the secretariat everything; a contact of Aarhus Kommune its organisation, invoice, document
# and colleague, and the backlog of the product it takes part in; everyone else only the
# product catalogue.
ROUTE_QUERIES = {
    "organisation": ("aarhus", "Organisations", "Aarhus Kommune"),
    "ean": ("5798000000018", "Organisations", "Aarhus Kommune"),
    "person": ("other@example.org", "People", "Other"),
    "invoice": ("{invoice_number}", "Invoices and credit notes", "{invoice_number}"),
    "agreement": ("AGR-2099", "Agreement documents", "AGR-2099-00001: Membership"),
    "supplier": ("route supplier", "Suppliers", "Route Supplier ApS"),
    "group": ("route board", "Groups", "Route board"),
    "private minutes": ("route budget meeting 1", "Minutes", None),
    "backlog": ("route wish", "Backlog items", None),
    "product": ("route backlog", "Products", "Route backlog product"),
}
SEES = {
    "secretariat": set(ROUTE_QUERIES),
    "own contact": {"organisation", "ean", "person", "invoice", "agreement", "backlog", "product"},
    "contact": {"product"},
    "supplier contact": {"product"},
    "group member": {"product"},
    "user": {"product"},
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_reader_finds_only_what_they_may_see(app, client, role):
    from consortium.invoicing.models import Invoice

    objects = route_objects()
    visitor = make_user(f"{role.replace(' ', '-')}@example.org", secretariat=role == "secretariat")
    give_own_records(role, visitor, objects)
    db.session.commit()
    assert login(client, visitor.email).status_code == 302
    invoice_number = db.session.get(Invoice, objects["invoice"]).number
    for name, (query, kind, title) in ROUTE_QUERIES.items():
        results = _results(_page(client, query.format(invoice_number=invoice_number)))
        titles = results.get(kind, [])
        if name in SEES[role]:
            if title is None:
                assert titles, (role, name)
            else:
                assert title.format(invoice_number=invoice_number) in titles, (role, name, results)
        else:
            assert not titles, (role, name, results)


def test_a_member_finds_their_own_groups_minutes_and_published_minutes_only(app, client):
    objects = route_objects()
    db.session.commit()
    # "other" is the secretary of the minutes board and a member of the route board.
    assert login(client, "other@example.org").status_code == 302
    results = _results(_page(client, "route budget meeting"))
    assert set(results["Minutes"]) == {
        "Route minutes board: Route budget meeting 1",
        "Route minutes board: Route budget meeting 2",
    }
    stranger = make_user("stranger@example.org")
    db.session.commit()
    client.post("/sign-out")
    assert login(client, stranger.email).status_code == 302
    results = _results(_page(client, "route budget meeting"))
    # Only the published minutes, never the draft of meeting 1.
    assert results["Minutes"] == ["Route minutes board: Route budget meeting 2"]
    assert "Groups" not in _results(_page(client, "route"))
    assert objects


def test_a_contact_finds_colleagues_but_cannot_browse_the_users(app, client):
    own = _organisation("Syddjurs Kommune")
    anna = make_user("anna@syddjurs.example.dk", name="Anna Jensen")
    karen = make_user("karen@syddjurs.example.dk", name="Karen Holm")
    make_user("jens@odense.example.dk", name="Jens Poulsen")
    members.add_contact(own, anna.id, "primary")
    members.add_contact(own, karen.id, "it")
    db.session.commit()
    assert login(client, anna.email).status_code == 302
    page = _page(client, "karen")
    assert _results(page)["People"] == ["Karen Holm"]
    assert page.select_one("section.search-kind li a")["href"] == f"/organisations/{own.id}"
    for query in ("jens", "odense", "jens@odense.example.dk", "example.dk", "Poulsen"):
        assert "Jens Poulsen" not in _everything(_page(client, query)), query


def test_the_secretariat_finds_every_person_by_name_and_email(secretariat_client):
    jens = make_user("jens@odense.example.dk", name="Jens Poulsen")
    db.session.commit()
    page = _page(secretariat_client, "JENS@odense.example.dk")
    assert _results(page)["People"] == ["Jens Poulsen"]
    assert page.select_one("section.search-kind li a")["href"] == f"/users/{jens.id}"


def test_a_contact_does_not_find_another_organisations_draft_or_issued_invoices(app, client):
    from consortium.invoicing import services as invoicing

    own = _organisation("Syddjurs Kommune")
    other = _organisation("Norddjurs Kommune")
    anna = make_user("anna@syddjurs.example.dk")
    members.add_contact(own, anna.id, "primary")
    for organisation in (own, other):
        identity = members.save_billing_identity(organisation, None, name="Økonomi")
        draft = invoicing.create_draft(organisation, identity)
        invoicing.add_line(draft, "membership", "Membership fee", Decimal("1000.00"))
    db.session.commit()
    assert login(client, anna.email).status_code == 302
    # Drafts are not the contact's to see either, not even their own organisation's.
    assert "Invoices and credit notes" not in _results(_page(client, "djurs"))
    client.post("/sign-out")
    _signed_in(client, "sekretariat@example.org", secretariat=True)
    assert len(_results(_page(client, "djurs"))["Invoices and credit notes"]) == 2


# --- many results, and odd queries -------------------------------------------------------------


def test_ten_of_a_kind_then_a_link_to_all_of_them(secretariat_client):
    for number in range(12):
        db.session.add(Product(slug=f"widget-{number:02d}", name=f"Widget {number:02d}"))
    db.session.commit()
    page = _page(secretariat_client, "widget")
    assert len(_results(page)["Products"]) == 10
    assert page.select_one("section.search-kind h2").get_text(strip=True) == "Products (12)"
    show_all = page.find("a", string=re.compile("Show all 12"))
    assert show_all["href"] == "/search?q=widget&kind=products"
    listed = page.find("a", string=re.compile("Open the list filtered by"))
    assert listed["href"] == "/products/?q=widget"
    everything = _page(secretariat_client, "widget", kind="products")
    assert len(_results(everything)["Products"]) == 12
    assert everything.find("a", string=re.compile("Show all")) is None


def test_the_number_of_queries_does_not_grow_with_the_register(secretariat_client, count_queries):
    def run() -> int:
        with count_queries() as statements:
            _page(secretariat_client, "kommune")
        return len(statements)

    for number in range(5):
        organisation = _organisation(f"Kommune {number}")
        members.save_billing_identity(organisation, None, name="Økonomi")
    db.session.commit()
    few = run()
    for number in range(5, 40):
        organisation = _organisation(f"Kommune {number}")
        members.save_billing_identity(organisation, None, name="Økonomi")
    db.session.commit()
    assert run() == few


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a name, a number or an email address to search for."),
        ("   ", "Type a name, a number or an email address to search for."),
        ("a", "Type at least 2 characters to search for."),
        ("x" * 10_000, "The search is too long: type at most 100 characters."),
        ("9" * 101, "The search is too long: type at most 100 characters."),
    ],
)
def test_a_query_that_cannot_be_searched_gets_a_message(secretariat_client, query, message):
    page = _page(secretariat_client, query)
    assert page.select_one("main .message").get_text(strip=True) == message
    assert not page.select("section.search-kind")


@pytest.mark.parametrize(
    "query",
    ["9" * 100, "99999999999999999999", "#99999999999", "'; drop table user; --", "\\", "%_"],
)
def test_odd_queries_are_searched_without_an_error(secretariat_client, query):
    page = _page(secretariat_client, query)
    assert page.select_one("main [role=status]") is not None


def test_a_nul_byte_is_refused_with_a_message(secretariat_client):
    response = secretariat_client.get("/search?q=aar%00hus")
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True)


def test_an_unknown_kind_searches_every_kind(secretariat_client):
    _organisation("Aarhus Kommune")
    db.session.commit()
    assert _results(_page(secretariat_client, "aarhus", kind="nonsense"))["Organisations"] == [
        "Aarhus Kommune"
    ]


def test_the_page_speaks_the_readers_language(app, client):
    make_user("dansk@example.org", language="da")
    db.session.commit()
    assert login(client, "dansk@example.org").status_code == 302
    page = _page(client, "a")
    assert page.select_one("main h1").get_text(strip=True) == "Søg"
    assert page.select_one("main .message").get_text(strip=True) == (
        "Skriv mindst 2 tegn for at søge."
    )
