"""The organisation list: sorting by column headers, page sizes and filters kept in every link,
chosen columns, export as shown, and work on the selected rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.members import services
from consortium.members.models import Membership, Organisation
from tests.conftest import login, make_user


def _organisation(name, population=None, status=None, number=None, created_days_ago=0):
    organisation = services.create_organisation(
        name=name, kind="municipality", country="DK", registration_number=number
    )
    if population is not None:
        services.set_population(organisation, 2025, population, "Statistics Denmark")
    if status is not None:
        services.change_membership(organisation, status, date(2020, 1, 1))
    return organisation


@pytest.fixture
def register(app):
    """Three organisations whose names, populations and statuses sort differently."""
    organisations = {
        "Aarhus Kommune": _organisation("Aarhus Kommune", 367_095, "active", "55133018"),
        "Odder Kommune": _organisation("Odder Kommune", 23_706, "applied", "29189773"),
        "Bornholms Regionskommune": _organisation("Bornholms Regionskommune", 39_000, None),
    }
    db.session.commit()
    return organisations


def _names(page: str) -> list[str]:
    """The organisation names in the table's rows, top to bottom."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'href="/organisations/\d+">([^<]+)</a>', body)


def _csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_a_header_sorts_and_a_second_click_reverses(secretariat_client, register):
    page = secretariat_client.get("/organisations/").get_data(as_text=True)
    assert _names(page) == ["Aarhus Kommune", "Bornholms Regionskommune", "Odder Kommune"]
    header = re.search(r'<th scope="col" aria-sort="ascending"><a [^>]*href="([^"]+)">Name', page)
    assert header, "the sorted column says so to screen readers"
    reversed_page = secretariat_client.get(header.group(1).replace("&amp;", "&"))
    names = _names(reversed_page.get_data(as_text=True))
    assert names == ["Odder Kommune", "Bornholms Regionskommune", "Aarhus Kommune"]
    assert 'aria-sort="descending"' in reversed_page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Numbers: the largest first on the first click, smallest first reversed.
        (
            "col=population&sort=population&order=desc",
            ["Aarhus Kommune", "Bornholms Regionskommune", "Odder Kommune"],
        ),
        (
            "col=population&sort=population&order=asc",
            ["Odder Kommune", "Bornholms Regionskommune", "Aarhus Kommune"],
        ),
        # Membership in the order of its steps (applied before active), none last.
        (
            "col=membership&sort=membership&order=asc",
            ["Odder Kommune", "Aarhus Kommune", "Bornholms Regionskommune"],
        ),
        (
            "col=membership&sort=membership&order=desc",
            ["Aarhus Kommune", "Odder Kommune", "Bornholms Regionskommune"],
        ),
    ],
)
def test_numbers_and_statuses_sort_both_ways(secretariat_client, register, query, expected):
    page = secretariat_client.get(f"/organisations/?{query}").get_data(as_text=True)
    assert _names(page) == expected


def test_dates_sort_both_ways(secretariat_client, register):
    register["Odder Kommune"].created_at -= timedelta(days=30)
    register["Aarhus Kommune"].created_at -= timedelta(days=10)
    db.session.commit()
    newest = _names(secretariat_client.get("/organisations/?sort=created").get_data(as_text=True))
    assert newest == ["Bornholms Regionskommune", "Aarhus Kommune", "Odder Kommune"]
    oldest = secretariat_client.get("/organisations/?sort=created&order=asc")
    assert _names(oldest.get_data(as_text=True)) == list(reversed(newest))


def test_filters_sort_and_page_size_survive_paging(secretariat_client, app):
    for number in range(30):
        _organisation(f"Kommune {number:02d}", status="active")
    db.session.commit()
    page = secretariat_client.get(
        "/organisations/?status=active&sort=name&order=desc&per_page=25"
    ).get_data(as_text=True)
    assert len(_names(page)) == 25
    assert _names(page)[0] == "Kommune 29"
    following = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    for kept in ("status=active", "sort=name", "order=desc", "per_page=25", "page=2"):
        assert kept in following
    second = secretariat_client.get(following).get_data(as_text=True)
    assert _names(second) == [f"Kommune {number:02d}" for number in range(4, -1, -1)]
    # The sort links and the export link keep the filter and the page size too.
    export = re.search(r'href="([^"]+)" download', second).group(1).replace("&amp;", "&")
    assert "status=active" in export and "per_page=25" in export and "export=csv" in export


@pytest.mark.parametrize(
    "query",
    [
        "sort=name;drop table organisation",
        "sort=__class__&order=sideways",
        "per_page=1000000",
        "per_page=-1",
        "page=99999999999999999999&per_page=25",
        "col=password_hash&col=%F0%9F%99%82",
        "q=" + "x" * 5000,
        "sort=population&order=desc&export=csv&per_page=abc",
    ],
)
def test_unknown_or_hostile_parameters_are_ignored(secretariat_client, register, query):
    response = secretariat_client.get(f"/organisations/?{query}")
    assert response.status_code == 200


def test_a_page_says_when_it_ignores_what_the_address_asks(secretariat_client, register):
    page = secretariat_client.get("/organisations/?sort=secret&per_page=7").get_data(as_text=True)
    assert "The list cannot be sorted that way" in page
    assert "A page shows 25, 50, 100 or 200 rows" in page
    assert _names(page) == ["Aarhus Kommune", "Bornholms Regionskommune", "Odder Kommune"]


def test_chosen_columns_are_shown_and_kept(secretariat_client, register):
    page = secretariat_client.get(
        "/organisations/?col=none&col=number&col=population&col=contact"
    ).get_data(as_text=True)
    assert "55133018" in page and "367,095" in page
    headers = re.findall(r'<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)', page)
    assert "Registration number" in headers and "Primary contact" in headers
    assert "Membership" not in headers, "unchosen columns are left out"
    sort_link = re.search(r'href="([^"]+)">Kind', page).group(1)
    assert "col=number" in sort_link and "col=population" in sort_link


def test_export_equals_what_is_shown_on_every_page(secretariat_client, register):
    aarhus = register["Aarhus Kommune"]
    person = make_user("kim@aarhus.example.dk", name="Kim Primary")
    services.add_contact(aarhus, person.id, "primary")
    aarhus.name = "=HYPERLINK(1) Aarhus"
    db.session.commit()
    query = "col=none&col=number&col=population&col=contact&sort=population&order=desc&per_page=25"
    rows = _csv(secretariat_client.get(f"/organisations/?{query}&export=csv"))
    assert rows[0] == [
        "Name",
        "Kind",
        "Country",
        "Registration number",
        "Population (latest year)",
        "Primary contact",
    ]
    assert rows[1] == [
        "'=HYPERLINK(1) Aarhus",
        "Municipality",
        "Denmark",
        "55133018",
        "367095",
        "Kim Primary",
    ]
    assert [row[0] for row in rows[2:]] == ["Bornholms Regionskommune", "Odder Kommune"]


def test_export_uses_the_readers_separator(client, register, secretariat):
    secretariat.language = "da"
    db.session.commit()
    login(client, secretariat.email)
    text = client.get("/organisations/?export=csv").get_data().decode("utf-8-sig")
    assert text.startswith("Navn;")


def test_a_long_list_runs_as_few_queries_as_a_short_one(secretariat_client, count_queries, app):
    def queries_for_list() -> int:
        with count_queries() as statements:
            secretariat_client.get("/organisations/?col=none&col=population&col=contact&col=tier")
        with count_queries() as exported:
            secretariat_client.get("/organisations/?col=contact&col=tier&export=csv")
        return len(statements) + len(exported)

    for number in range(3):
        organisation = _organisation(f"Few {number}", 1000 + number, "active")
        services.add_contact(organisation, make_user(f"f{number}@example.org").id, "primary")
    db.session.commit()
    few = queries_for_list()
    for number in range(40):
        organisation = _organisation(f"Many {number}", 2000 + number, "active")
        services.add_contact(organisation, make_user(f"p{number}@example.org").id, "primary")
    db.session.commit()
    assert queries_for_list() == few


def test_a_contact_sees_no_selection_and_exports_only_their_own(client, register):
    person = make_user("it@aarhus.example.dk")
    services.add_contact(register["Aarhus Kommune"], person.id, "primary")
    db.session.commit()
    login(client, person.email)
    page = client.get("/organisations/").get_data(as_text=True)
    assert 'name="organisation"' not in page
    assert "Change membership status" not in page
    rows = _csv(client.get("/organisations/?export=csv"))
    assert [row[0] for row in rows[1:]] == ["Aarhus Kommune"]


def test_select_all_shown_works_without_a_script(secretariat_client, register):
    page = secretariat_client.get("/organisations/?select=all").get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="organisation"[^>]*>', page)
    assert len(boxes) == 3 and all("checked" in box for box in boxes)
    for organisation in register.values():
        assert f'<label for="select-{organisation.id}"' in page
        assert f"Select {organisation.name}" in page


def test_exporting_the_selected_rows_keeps_the_columns_and_order(secretariat_client, register):
    chosen = [register["Odder Kommune"].id, register["Aarhus Kommune"].id]
    response = secretariat_client.post(
        "/organisations/selection/export?col=none&col=number&sort=name&order=desc",
        data={"organisation": [str(number) for number in chosen]},
    )
    rows = _csv(response)
    assert rows[0] == ["Name", "Kind", "Country", "Registration number"]
    assert [row[0] for row in rows[1:]] == ["Odder Kommune", "Aarhus Kommune"]


def test_writing_to_the_contacts_of_the_selected(secretariat_client, register):
    chosen = [register["Odder Kommune"].id, register["Aarhus Kommune"].id]
    response = secretariat_client.post(
        "/organisations/selection/write",
        data={"organisation": [str(number) for number in chosen] + ["abc", "99999999999999"]},
    )
    assert response.status_code == 303
    expected = "&".join(f"organisation={number}" for number in sorted(chosen))
    assert response.headers["Location"] == f"/messages/new?{expected}"


def _statuses(organisation: Organisation) -> list[str]:
    return list(
        db.session.scalars(
            select(Membership.status)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.id)
        )
    )


def test_bulk_status_change_is_applied_and_audited(secretariat_client, register):
    aarhus, odder = register["Aarhus Kommune"], register["Odder Kommune"]
    form = secretariat_client.post(
        "/organisations/selection/membership", data={"organisation": [aarhus.id, odder.id]}
    ).get_data(as_text=True)
    assert "The 2 selected organisations" in form
    assert "Please fill in this field" not in form, "the form opens without mistakes"
    response = secretariat_client.post(
        "/organisations/selection/membership",
        data={
            "organisation": [aarhus.id, odder.id],
            "status": "lapsed",
            "status_on": "2026-06-30",
            "reason": "Did not renew",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _statuses(aarhus) == ["active", "lapsed"]
    assert _statuses(odder) == ["applied", "lapsed"]
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "membership")
    ).all()
    lapsed = [entry for entry in audited if "lapsed" in str(entry.changes.get("status"))]
    assert len(lapsed) == 2
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The membership of 2 organisations is now: Lapsed." in page


def test_bulk_status_change_refused_for_one_changes_none(secretariat_client, register):
    aarhus, odder = register["Aarhus Kommune"], register["Odder Kommune"]
    page = secretariat_client.post(
        "/organisations/selection/membership",
        data={
            "organisation": [aarhus.id, odder.id],
            "status": "active",
            "status_on": "2026-06-30",
        },
    ).get_data(as_text=True)
    assert "Nothing has been changed" in page
    assert "Aarhus Kommune</a>: The membership has this status already." in page
    assert "Odder Kommune</a>:" not in page
    assert _statuses(aarhus) == ["active"]
    assert _statuses(odder) == ["applied"]


def test_bulk_actions_are_refused_to_others(client, register):
    person = make_user("it@aarhus.example.dk")
    services.add_contact(register["Aarhus Kommune"], person.id, "primary")
    db.session.commit()
    login(client, person.email)
    own = register["Aarhus Kommune"].id
    data = {"organisation": [own], "status": "resigned", "status_on": "2026-06-30"}
    assert client.post("/organisations/selection/membership", data=data).status_code == 403
    assert client.post("/organisations/selection/export", data=data).status_code == 403
    assert client.post("/organisations/selection/write", data=data).status_code == 403
    assert _statuses(register["Aarhus Kommune"]) == ["active"]


def test_bulk_change_needs_a_csrf_token(csrf_app, register, secretariat):
    client = csrf_app.test_client()
    from tests.conftest import sign_in

    sign_in(client, secretariat.email)
    aarhus = register["Aarhus Kommune"]
    data = {"organisation": [aarhus.id], "status": "resigned", "status_on": "2026-06-30"}
    client.post("/organisations/selection/membership", data=data)
    assert _statuses(aarhus) == ["active"]
