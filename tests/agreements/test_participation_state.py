"""Whether a participation's agreement is accepted, on the pages that list participations: the
organisation's page, the product's page, the secretariat's list and a contact's own products.
Each row says accepted (with the date), waiting since (with the date), agreed outside the
system, or no agreement yet; the document is linked only for those who may open it; and the
pages ask the database as often with many rows as with few."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import format_date

from consortium.agreements import queries, services
from consortium.agreements.models import AgreementDocument
from consortium.extensions import db
from consortium.members import services as members
from consortium.participation import queries as participation_queries
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.agreements.conftest import municipality
from tests.conftest import login, make_user


def _product(slug: str, name: str) -> Product:
    product = Product(slug=slug, name=name, status="product")
    db.session.add(product)
    db.session.flush()
    return product


def _row(page: str, name: str) -> str:
    """The table row or list item of the page's content (not the menu) that names a product or
    an organisation."""
    content = page[page.index("<main") :]
    for row in re.findall(r"<(?:tr|li)>(.*?)</(?:tr|li)>", content, flags=re.S):
        if name in row:
            return row
    raise AssertionError(f"no row for {name!r}")


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _shown_day(app, when) -> str:
    with app.test_request_context():
        return format_date(when)


def _four_states(world):
    """Syddjurs takes part in four products: accepted, waiting, agreed outside, no agreement."""
    organisation = world.organisation
    accepted = participation.create_participation(
        organisation,
        _product("os2kitos", "OS2kitos"),
        phase="agreement",
        starts_on=date(2020, 1, 1),
    )
    outside = participation.create_participation(
        organisation, _product("os2mo", "OS2mo"), phase="agreement", starts_on=date(2019, 1, 1)
    )
    outside.agreed_outside_system = True
    participation.create_participation(
        organisation, _product("os2ds", "OS2ds"), phase="agreement", starts_on=date(2021, 1, 1)
    )
    accepted_document = services.make_document("participation", participation=accepted)
    services.accept(accepted_document, world.signer, role="Direktør")
    waiting_document = services.make_document("participation", participation=world.participation)
    db.session.commit()
    return accepted_document, waiting_document


def test_the_organisation_page_shows_each_participations_agreement(app, client, world):
    accepted, waiting = _four_states(world)
    login(client, "secretariat@example.org")
    page = client.get(f"/organisations/{world.organisation.id}").get_data(as_text=True)
    rows = {name: _row(page, name) for name in ("OS2kitos", "OS2forms", "OS2mo", "OS2ds")}
    assert f"Agreement accepted on {_shown_day(app, accepted.accepted_at)}" in _plain(
        rows["OS2kitos"]
    )
    assert f'href="/agreements/documents/{accepted.id}"' in rows["OS2kitos"]
    assert f"Agreement waiting since {_shown_day(app, waiting.made_at)}" in _plain(rows["OS2forms"])
    assert f'href="/agreements/documents/{waiting.id}"' in rows["OS2forms"]
    assert "Agreed outside the system" in _plain(rows["OS2mo"])
    assert "No agreement yet" in _plain(rows["OS2ds"])
    assert "/agreements/documents/" not in rows["OS2mo"] + rows["OS2ds"]


def test_the_organisations_own_contact_sees_the_states_and_opens_the_waiting_document(
    client, world
):
    _accepted, waiting = _four_states(world)
    login(client, "jens@syddjurs.example.dk")  # a contact who may not sign may still read it
    page = client.get(f"/organisations/{world.organisation.id}").get_data(as_text=True)
    row = _row(page, "OS2forms")
    assert "Aftalen venter siden" in _plain(row)  # in Danish, the contact's language
    assert f'href="/agreements/documents/{waiting.id}"' in row
    assert client.get(f"/agreements/documents/{waiting.id}").status_code == 200


def test_the_product_page_links_only_the_documents_a_contact_may_open(client, world):
    kitos = _product("os2kitos", "OS2kitos")
    ours = participation.create_participation(
        world.organisation, kitos, phase="agreement", starts_on=date(2020, 1, 1)
    )
    odder = municipality("Norddjurs Kommune", 37_000)
    theirs = participation.create_participation(
        odder, kitos, phase="agreement", starts_on=date(2021, 1, 1)
    )
    outsider = make_user("it@norddjurs.example.dk", name="Nina Holm")
    members.add_contact(odder, outsider.id, "primary", may_sign=True)
    our_document = services.make_document("participation", participation=ours)
    their_document = services.make_document("participation", participation=theirs)
    db.session.commit()

    login(client, "it@norddjurs.example.dk")
    page = client.get(f"/products/{kitos.slug}").get_data(as_text=True)
    syddjurs = _row(page, "Syddjurs Kommune")
    norddjurs = _row(page, "Norddjurs Kommune")
    assert "Agreement waiting since" in _plain(syddjurs)
    assert "/agreements/documents/" not in syddjurs
    assert f'href="/agreements/documents/{our_document.id}"' not in page
    assert client.get(f"/agreements/documents/{our_document.id}").status_code == 403
    assert f'href="/agreements/documents/{their_document.id}"' in norddjurs

    client.post("/sign-out")
    login(client, "secretariat@example.org")
    page = client.get(f"/products/{kitos.slug}").get_data(as_text=True)
    assert f'href="/agreements/documents/{our_document.id}"' in page
    assert f'href="/agreements/documents/{their_document.id}"' in page


def test_a_replaced_document_gives_way_to_the_newer_one(client, world):
    first = services.make_document("participation", participation=world.participation)
    services.accept(first, world.signer)
    newer = services.make_document("participation", participation=world.participation)
    db.session.commit()
    assert db.session.get(AgreementDocument, first.id).status == "replaced"
    login(client, "anna@syddjurs.example.dk")
    page = client.get("/participation/mine").get_data(as_text=True)
    row = _row(page, "OS2forms")
    assert "Aftalen venter siden" in _plain(row)  # in Danish, the contact's language
    assert f'href="/agreements/documents/{newer.id}"' in row
    assert f'href="/agreements/documents/{first.id}"' not in row


def test_the_states_of_many_participations_are_read_at_once(world):
    _four_states(world)
    rows = participation_queries.participations_of(world.organisation)
    found = queries.participation_states(rows)
    assert {item.product.name: found[item.id].state for item in rows} == {
        "OS2forms": "waiting",
        "OS2kitos": "accepted",
        "OS2mo": "outside",
        "OS2ds": "none",
    }
    assert queries.participation_states([]) == {}


@pytest.mark.sqlite  # statements are counted: the same on every database
def test_the_pages_ask_as_often_with_many_participations_as_with_few(client, world, count_queries):
    kitos = _product("os2kitos", "OS2kitos")
    neighbour = make_user("it@odder.example.dk")
    added = []

    def count(url: str) -> int:
        # Each request starts from an empty session, as in production: what the test's session
        # still holds from earlier requests would spare the page some of its statements.
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    def add_rows(number: int) -> None:
        for _ in range(number):
            index = len(added)
            product = _product(f"extra-{index}", f"Extra {index}")
            ours = participation.create_participation(
                world.organisation, product, phase="agreement", starts_on=date(2020, 1, 1)
            )
            document = services.make_document("participation", participation=ours)
            if index % 2:
                services.accept(document, world.signer)
            other = municipality(f"Kommune {index}", 10_000 + index)
            if index == 0:
                members.add_contact(other, neighbour.id, "finance")
            theirs = participation.create_participation(
                other, kitos, phase="agreement", starts_on=date(2020, 1, 1)
            )
            if index % 3:
                services.make_document("participation", participation=theirs)
            added.append(theirs)
        db.session.commit()

    pages = {
        "secretariat@example.org": (
            f"/organisations/{world.organisation.id}",
            f"/products/{kitos.slug}",
            "/participation/",
        ),
        "anna@syddjurs.example.dk": (
            f"/organisations/{world.organisation.id}",
            f"/products/{kitos.slug}",
            "/participation/mine",
        ),
        "it@odder.example.dk": (f"/products/{kitos.slug}",),
    }
    add_rows(2)
    for email, urls in pages.items():
        login(client, email)
        few = {url: count(url) for url in urls}
        client.post("/sign-out")
        add_rows(5)
        login(client, email)
        many = {url: count(url) for url in urls}
        # No more questions for more rows (a page may ask one fewer when a permission check
        # finds an organisation's contacts already loaded with the rows).
        assert all(many[url] <= few[url] for url in urls), (email, few, many)
        client.post("/sign-out")
