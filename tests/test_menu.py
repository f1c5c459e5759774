"""The main menu as each kind of visitor reads it: its groups, their entries, the page marked
as current, and nothing a visitor cannot use."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from consortium import permissions
from consortium.extensions import db
from tests.conftest import login, make_user


def menu(client, url: str = "/") -> list[tuple[str, list[str]]]:
    """The menu as a screen reader lists it: each top entry with the entries of its group."""
    response = client.get(url)
    assert response.status_code == 200, url
    nav = html.fromstring(response.get_data(as_text=True)).get_element_by_id("main-menu")
    entries = []
    for item in nav.xpath("./details/ul/li"):
        summary = item.xpath("./details/summary")
        if summary:
            entries.append(
                (
                    summary[0].text_content().strip(),
                    [a.text_content().strip() for a in item.xpath(".//ul//a")],
                )
            )
        else:
            entries.append((item.text_content().strip(), []))
    return entries


def current(client, url: str) -> tuple[list[str], list[str]]:
    """The entries marked as the current page, and the groups marked as holding it."""
    page = html.fromstring(client.get(url).get_data(as_text=True))
    nav = page.get_element_by_id("main-menu")
    return (
        [a.text_content().strip() for a in nav.xpath(".//a[@aria-current='page']")],
        [s.text_content().strip() for s in nav.xpath(".//summary[@aria-current='true']")],
    )


def _organisation(name: str = "Aarhus Kommune"):
    from consortium.members import services as members

    return members.create_organisation(name=name, kind="municipality", country="DK")


def _contact(email: str, *organisations):
    from consortium.members import services as members

    user = make_user(email)
    for organisation in organisations:
        members.add_contact(organisation, user.id, "primary")
    return user


def _group_member_without_organisation(email: str):
    """A member of the board whose contact link to the organisation they represented is gone."""
    from consortium.groups import services as groups

    organisation = _organisation("Former Kommune")
    user = _contact(email, organisation)
    board = groups.create_group("board", "Menu board")
    groups.add_member(board, user, organisation=organisation, starts_on=date(2025, 1, 1))
    for contact in list(organisation.contacts):
        db.session.delete(contact)
    db.session.flush()
    db.session.expire_all()
    return user


def _supplier_contact(email: str):
    from consortium.suppliers.models import Supplier, SupplierContact

    user = make_user(email)
    supplier = Supplier(
        name="Menu Supplier ApS",
        country="DK",
        registration_number="55133018",
        contact_name="Menu",
        contact_email="menu@supplier.example.dk",
        status="approved",
    )
    db.session.add(supplier)
    db.session.flush()
    db.session.add(SupplierContact(supplier_id=supplier.id, user_id=user.id))
    db.session.flush()
    return user


def test_anonymous_visitors_see_the_public_pages_and_sign_in(client):
    assert menu(client) == [
        ("Home", []),
        ("Products", []),
        ("Members", []),
        ("Suppliers", []),
        ("Minutes", []),
        ("Sign in", []),
    ]


def test_the_secretariat_sees_five_groups_instead_of_thirteen_entries(secretariat_client):
    assert menu(secretariat_client) == [
        ("Home", []),
        ("Register", ["Organisations", "Suppliers", "Agreements"]),
        ("Products", ["Catalogue", "Participation", "Backlog"]),
        ("Governance", ["Groups", "Meetings"]),
        ("Money", ["Fees", "Invoices"]),
        ("Administration", ["Users", "Settings", "Audit trail", "Outbox", "Sent messages"]),
        ("My profile", []),
        ("Sign out", []),
    ]


def test_a_municipal_contact_finds_their_organisation_and_its_pages(app, client):
    aarhus = _organisation()
    _contact("contact@example.org", aarhus)
    login(client, "contact@example.org")
    assert menu(client) == [
        ("Home", []),
        (
            "My organisation",
            ["Aarhus Kommune", "Our products", "Our fees", "Our invoices", "Our documents"],
        ),
        ("Products", []),
        ("Governance", ["My groups", "Meetings"]),
        ("My profile", []),
        ("Sign out", []),
    ]
    links = html.fromstring(client.get("/").get_data(as_text=True)).get_element_by_id("main-menu")
    targets = {a.text_content().strip(): a.get("href") for a in links.xpath(".//a")}
    assert targets["Aarhus Kommune"] == f"/organisations/{aarhus.id}"
    assert targets["Our fees"] == f"/fees/organisations/{aarhus.id}/expected"
    # Every entry opens a page the contact may see.
    for label in ("Aarhus Kommune", "Our products", "Our fees", "Our invoices", "Our documents"):
        assert client.get(targets[label]).status_code == 200, label


def test_a_contact_of_two_organisations_gets_each_one_and_its_fees(app, client):
    _contact("two@example.org", _organisation("Aarhus Kommune"), _organisation("Odder Kommune"))
    login(client, "two@example.org")
    assert dict(menu(client))["My organisation"] == [
        "Aarhus Kommune",
        "Odder Kommune",
        "Our products",
        "Our fees: Aarhus Kommune",
        "Our fees: Odder Kommune",
        "Our invoices",
        "Our documents",
    ]


def test_a_supplier_contact_sees_their_company_and_no_organisation_menu(app, client):
    _supplier_contact("supplier@example.org")
    login(client, "supplier@example.org")
    entries = menu(client)
    assert entries == [
        ("Home", []),
        ("My company", ["Our company", "Our documents"]),
        ("Products", []),
        ("Governance", ["My groups", "Meetings"]),
        ("My profile", []),
        ("Sign out", []),
    ]
    labels = {label for top, group in entries for label in [top, *group]}
    assert not labels & {"My organisation", "Organisations", "Our fees", "Our invoices"}


def test_a_group_member_without_an_organisation_sees_their_groups_only(app, client):
    _group_member_without_organisation("member@example.org")
    login(client, "member@example.org")
    assert "Menu board" in client.get("/groups/mine").get_data(as_text=True)
    assert menu(client) == [
        ("Home", []),
        ("Products", []),
        ("Governance", ["My groups", "Meetings"]),
        ("My profile", []),
        ("Sign out", []),
    ]


@pytest.mark.parametrize("role", ["secretariat", "contact", "supplier", "member", "user"])
def test_every_entry_opens_a_page_the_visitor_may_see(app, client, role):
    """The menu offers what the permission module grants: no entry answers "not allowed"."""
    email = f"{role}@example.org"
    if role == "contact":
        _contact(email, _organisation())
    elif role == "supplier":
        _supplier_contact(email)
    elif role == "member":
        _group_member_without_organisation(email)
    else:
        make_user(email, secretariat=role == "secretariat")
    login(client, email)
    page = html.fromstring(client.get("/").get_data(as_text=True))
    urls = page.get_element_by_id("main-menu").xpath(".//a/@href")
    assert len(urls) >= 4
    for url in urls:
        assert client.get(url).status_code in (200, 302), url


def test_the_secretariat_entries_follow_the_permissions(app, client):
    """A signed-in user who is no one's contact is offered none of the secretariat's pages."""
    user = make_user("plain@example.org")
    login(client, "plain@example.org")
    offered = {label for top, group in menu(client) for label in [top, *group]}
    for action, label in [
        ("organisations.manage", "Organisations"),
        ("suppliers.manage", "Suppliers"),
        ("fees.manage", "Fees"),
        ("invoices.manage", "Invoices"),
        ("users.manage", "Users"),
        ("audit.read", "Audit trail"),
    ]:
        assert not permissions.can(user, action)
        assert label not in offered


@pytest.mark.parametrize(
    ("url", "entry", "group"),
    [
        ("/", "Home", None),
        ("/organisations/", "Organisations", "Register"),
        ("/organisations/new", "Organisations", "Register"),
        ("/settings/tiers", "Settings", "Administration"),
        ("/fees/", "Fees", "Money"),
        ("/invoices/overdue", "Invoices", "Money"),
        ("/meetings/decisions", "Meetings", "Governance"),
        ("/users/invite", "Users", "Administration"),
        ("/profile", "My profile", None),
    ],
)
def test_the_current_page_and_its_group_are_marked(secretariat_client, url, entry, group):
    assert current(secretariat_client, url) == ([entry], [group] if group else [])


def test_a_contact_finds_the_organisation_they_are_on_marked(app, client):
    aarhus = _organisation()
    _contact("marked@example.org", aarhus)
    login(client, "marked@example.org")
    assert current(client, f"/organisations/{aarhus.id}") == (
        ["Aarhus Kommune"],
        ["My organisation"],
    )
    assert current(client, f"/fees/organisations/{aarhus.id}/expected") == (
        ["Our fees"],
        ["My organisation"],
    )


def test_the_menu_works_without_script(client):
    """Disclosures in HTML, the script only an addition loaded after the page."""
    page = client.get("/").get_data(as_text=True)
    tree = html.fromstring(page)
    nav = tree.get_element_by_id("main-menu")
    assert nav.xpath("./details[@class='menu']/summary")[0].text_content().strip() == "Menu"
    scripts = tree.xpath("//script")
    assert [(s.get("src").partition("?")[0], "defer" in s.attrib) for s in scripts] == [
        ("/static/js/menu.js", True)
    ]
    assert all(not (s.text or "").strip() for s in scripts)
