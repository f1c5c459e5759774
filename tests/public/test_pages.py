"""The public pages: the catalogue's search and filters, a product's page, members, suppliers."""

from __future__ import annotations

import re

import pytest

from consortium.extensions import db
from consortium.products.models import Product


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def names_listed(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/public/products/[^"]+">([^<]+)</a></h2>', page)


def test_the_catalogue_lists_all_but_retired_products_by_name(client, registry):
    page = text_of(client.get("/public/products"))
    assert names_listed(page) == ["Borgerportal", "Ideen", "Kalender"]
    assert "3 products" in page
    assert "Show the retired products" in page


def test_retired_products_are_listed_when_asked_for(client, registry):
    page = text_of(client.get("/public/products?status=retired"))
    assert names_listed(page) == ["Gammel"]
    # A retired product's page stays reachable.
    assert "An old system" in text_of(client.get("/public/products/gammel"))


def test_filters_by_status_level_and_licence(client, registry):
    assert names_listed(text_of(client.get("/public/products?status=project"))) == ["Kalender"]
    assert names_listed(text_of(client.get("/public/products?level=N2"))) == ["Borgerportal"]
    assert names_listed(text_of(client.get("/public/products?licence=EUPL-1.2"))) == ["Kalender"]
    assert names_listed(text_of(client.get("/public/products?level=N2&status=idea"))) == []
    # Unknown values are ignored rather than an error.
    assert len(names_listed(text_of(client.get("/public/products?status=x&level=N9")))) == 3


def test_the_licence_filter_offers_the_licences_in_use(client, registry):
    page = text_of(client.get("/public/products"))
    options = re.search(r'<select id="licence".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', options) == ["EUPL-1.2", "MPL-2.0"]


def test_search_finds_names_and_descriptions_in_any_language(client, registry):
    assert names_listed(text_of(client.get("/public/products?q=kalend"))) == ["Kalender"]
    assert names_listed(text_of(client.get("/public/products?q=CITIZENS"))) == ["Borgerportal"]
    assert names_listed(text_of(client.get("/public/products?q=borgerne"))) == ["Borgerportal"]
    assert names_listed(text_of(client.get("/public/products?q=deutsch"))) == ["Ideen"]
    page = text_of(client.get("/public/products?q=nothing-like-it"))
    assert names_listed(page) == [] and "No product matches the search." in page
    # Wildcards are searched for as such.
    assert names_listed(text_of(client.get("/public/products?q=%25"))) == []


def test_the_catalogue_is_paged(client, registry):
    for number in range(25):
        db.session.add(Product(slug=f"extra-{number:02}", name=f"Extra {number:02}"))
    db.session.commit()
    first = text_of(client.get("/public/products"))
    assert len(names_listed(first)) == 20
    assert "Page 1 of 2" in first
    second = text_of(client.get("/public/products?page=2"))
    assert len(names_listed(second)) == 8
    filtered = text_of(client.get("/public/products?q=extra&page=2"))
    assert names_listed(filtered) == ["Extra 20", "Extra 21", "Extra 22", "Extra 23", "Extra 24"]


def test_descriptions_fall_back_to_english_then_to_any_language(app, client, registry):
    page = text_of(client.get("/public/products"))
    assert "A portal for citizens" in page and "En portal til borgere" not in page
    assert "Kun på dansk" in page  # no English: the one there is
    assert 'lang="da">Kun på dansk' in page
    assert "Nur auf Deutsch" in page or "Jen česky" in page
    # A Danish reader gets the Danish text where there is one.
    danish = text_of(client.get("/public/products", headers={"Accept-Language": "da"}))
    assert "En portal til borgere" in danish and "A portal for citizens" not in danish
    product = text_of(
        client.get("/public/products/borgerportal", headers={"Accept-Language": "da"})
    )
    assert "Borgerne finder deres sager." in product and "Citizens find" not in product


def test_a_product_page_shows_description_level_licence_and_links(client, registry):
    page = text_of(client.get("/public/products/borgerportal"))
    assert "<h1>Borgerportal</h1>" in page
    assert "Citizens find their cases." in page and "Second part." in page
    assert "<li>Cases</li>" in page and "<li>Bookings</li>" in page
    assert "N2" in page and "MPL-2.0" in page
    assert 'href="https://git.example.org/borgerportal"' in page
    assert 'href="https://borgerportal.example.org"' in page


def test_an_unknown_product_is_not_found(client, registry):
    assert client.get("/public/products/no-such-product").status_code == 404


def test_only_current_participations_are_shown(client, registry):
    page = text_of(client.get("/public/products/borgerportal"))
    section = re.search(r'id="organisations-heading".*?</section>', page, re.S).group(0)
    assert "Aarhus Kommune" in section
    assert "Praha 7" in section  # its participation ends today: still taking part
    assert "Odense Kommune" not in section  # ended yesterday
    kalender = text_of(client.get("/public/products/kalender"))
    assert "Former Kommune" not in kalender  # starts next year
    assert "No organisation takes part at the moment." in kalender


def test_only_approved_suppliers_with_an_agreement_in_force_are_shown(client, registry):
    page = text_of(client.get("/public/products/borgerportal"))
    section = re.search(r'id="suppliers-heading".*?</section>', page, re.S).group(0)
    assert "Approved ApS" in section
    for hidden in ("Pending ApS", "Rejected ApS", "Expired ApS", "Future ApS"):
        assert hidden not in section


def test_groups_show_their_current_chairs_and_only_published_emails(client, registry):
    page = text_of(client.get("/public/products/borgerportal"))
    section = re.search(r'id="groups-heading".*?</section>', page, re.S).group(0)
    assert "Borgerportal steering committee" in section
    assert "Petra Published" in section
    assert 'href="mailto:petra.published@example.org"' in section
    assert "Hans Hidden" in section and "hans.hidden@example.org" not in section
    # A chair without a name is not shown by their address instead.
    assert "nameless.chair" not in section and "Name not published" in section
    assert "Frida Former" not in section  # term ended
    assert "Gustav Member" not in section  # members are not listed, only chairs
    assert "The board" not in section  # not the product's group


def test_the_member_list_shows_active_members_only(client, registry):
    page = text_of(client.get("/public/members"))
    rows = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert rows == ["Aarhus Kommune", "Odense Kommune", "Praha 7"]
    assert "Municipality" in page and "Denmark" in page and "Czechia" in page
    assert "Former Kommune" not in page and "Applicant Region" not in page
    assert "3 organisations are members of the association." in page


def test_the_member_list_sorts_by_column_and_exports_as_shown(client, registry):
    latest = text_of(client.get("/public/members?sort=country&order=desc"))
    assert re.findall(r'<th scope="row">([^<]+)</th>', latest) == [
        "Aarhus Kommune",
        "Odense Kommune",
        "Praha 7",
    ]
    page = text_of(client.get("/public/members?sort=country&order=asc"))
    assert re.findall(r'<th scope="row">([^<]+)</th>', page) == [
        "Praha 7",
        "Aarhus Kommune",
        "Odense Kommune",
    ]
    assert 'aria-sort="ascending"><a class="sort-link" href="/public/members?sort=country' in page
    export = re.search(r'href="([^"]+)" download', page).group(1).replace("&amp;", "&")
    assert "sort=country" in export and "order=asc" in export
    answer = client.get(export)
    assert answer.mimetype == "text/csv"
    lines = answer.get_data().decode("utf-8-sig").splitlines()
    assert lines == [
        "Name,Kind,Country",
        "Praha 7,Municipality,Czechia",
        "Aarhus Kommune,Municipality,Denmark",
        "Odense Kommune,Municipality,Denmark",
    ]
    # Nothing of a member but its name, kind and country, whoever asks.
    assert "Former Kommune" not in answer.get_data(as_text=True)


def test_the_supplier_list_shows_approved_suppliers_and_their_products(client, registry):
    page = text_of(client.get("/public/suppliers"))
    assert re.findall(r"<h2>([^<]+)</h2>", page) == ["Approved ApS", "Expired ApS", "Future ApS"]
    assert "Pending ApS" not in page and "Rejected ApS" not in page
    approved = re.search(r'<li id="supplier-\d+">\s*<h2>Approved ApS.*?</li>', page, re.S).group(0)
    assert "Development, Hosting" in approved and "We build portals." in approved
    assert 'href="/public/products/borgerportal">Borgerportal</a>' in approved
    assert 'href="/public/products/kalender">Kalender</a>' in approved
    expired = re.search(r"<h2>Expired ApS.*?</li>", page, re.S).group(0)
    assert "Borgerportal" not in expired and "None at the moment" in expired
    assert "contact person" not in page


def test_anonymous_visitors_find_the_public_pages_from_the_home_page(client, registry):
    page = text_of(client.get("/"))
    for url in ("/public/products", "/public/members", "/public/suppliers"):
        assert f'href="{url}"' in page


def test_the_pages_have_a_heading_landmarks_and_labelled_filters(client, registry):
    for url in (
        "/public/products",
        "/public/products/borgerportal",
        "/public/members",
        "/public/suppliers",
    ):
        page = text_of(client.get(url))
        assert page.count("<h1>") == 1 and '<main id="main"' in page and "<nav" in page
    catalogue = text_of(client.get("/public/products"))
    for name in ("q", "status", "level", "licence"):
        assert f'<label for="{name}">' in catalogue and f'id="{name}"' in catalogue
    assert 'role="search"' in catalogue


def test_the_catalogue_runs_a_fixed_number_of_queries(app, client, registry, count_queries):
    def count(url):
        with count_queries() as statements:
            text_of(client.get(url))
        return len(statements)

    count("/public/products")  # the first request also loads what later ones find cached
    few = count("/public/products")
    for number in range(10):
        db.session.add(Product(slug=f"more-{number}", name=f"More {number}"))
    db.session.commit()
    assert count("/public/products") == few


def test_the_publiccode_yml_is_public_and_names_only_current_parties(client, registry):
    import yaml

    page = text_of(client.get("/public/products/borgerportal"))
    assert 'href="/public/products/borgerportal/publiccode.yml"' in page
    response = client.get("/public/products/borgerportal/publiccode.yml")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    data = yaml.safe_load(response.get_data(as_text=True))
    assert data["name"] == "Borgerportal"
    assert data["usedBy"] == ["Aarhus Kommune", "Praha 7"]
    assert data["maintenance"]["type"] == "contract"
    assert [c["name"] for c in data["maintenance"]["contractors"]] == ["Approved ApS"]
    assert "@" not in response.get_data(as_text=True)
    assert client.get("/public/products/nothing/publiccode.yml").status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "0", "abc"])
def test_the_catalogue_survives_any_page_number(client, registry, page):
    response = client.get(f"/public/products?page={page}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/public/products", "/public/members", "/public/suppliers", "/privacy/"]
)
def test_an_anonymous_visitor_finds_the_supplier_registration(client, path):
    page = text_of(client.get(path))
    assert 'href="/suppliers/register"' in page


def test_the_public_supplier_list_invites_companies_to_register(client, registry):
    page = text_of(client.get("/public/suppliers"))
    assert "Register your company as a supplier" in page
