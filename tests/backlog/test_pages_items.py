"""The backlog's pages for items, used as a municipal contact, another municipality's contact,
the coordination group's chair, a supplier with and without an agreement for the product, the
secretariat and an anonymous visitor."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from consortium.backlog.models import BacklogItem, BacklogLink
from consortium.extensions import db
from tests.backlog.conftest import accepted_items
from tests.conftest import login


def _as(client, person):
    client.post("/sign-out")
    assert login(client, person.email).status_code == 302
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _submit(client, world, **values):
    data = {
        "organisation": str(world.aarhus.id),
        "title": "Sign forms with MitID",
        "type": "wish",
        "category": "Signing",
        "description": "Citizens **sign** the form.",
    } | values
    return client.post(f"/backlog/products/{world.product.id}/submit", data=data)


def test_a_contact_submits_a_wish_and_the_chair_accepts_it(client, world):
    _as(client, world.anna)
    page = client.get(f"/backlog/products/{world.product.id}")
    assert page.status_code == 200
    assert "Submit a wish" in _text(page)
    form = client.get(f"/backlog/products/{world.product.id}/submit")
    assert "Aarhus Kommune" in _text(form)
    answer = _submit(client, world, description="Sign **now**.\n\n<script>alert('x')</script>")
    assert answer.status_code == 302
    item = db.session.scalar(
        db.select(BacklogItem).where(BacklogItem.title == "Sign forms with MitID")
    )
    assert answer.headers["Location"].endswith(f"/backlog/items/{item.id}")
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert "Proposed" in shown
    assert "<strong>now</strong>" in shown
    assert "<script>alert" not in shown
    assert "Aarhus Kommune" in shown
    # Anna may not accept her own wish.
    assert client.post(f"/backlog/items/{item.id}/accept").status_code == 403
    _as(client, world.chair)
    assert "Accept" in _text(client.get(f"/backlog/items/{item.id}"))
    assert client.post(f"/backlog/items/{item.id}/accept").status_code == 302
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert '<dd id="status">Accepted' in shown
    # The history names the change of status in words.
    history = shown.split('id="history"')[1]
    assert "Proposed" in history and "Accepted" in history


def test_the_chair_rejects_with_a_reason_the_submitter_reads(client, world):
    item = accepted_items(world, 1)[0]
    _as(client, world.chair)
    missing = client.post(f"/backlog/items/{item.id}/reject", data={"reason": "   "})
    assert missing.status_code == 422
    assert "Please fill in this field." in _text(missing)
    assert db.session.get(BacklogItem, item.id).status == "accepted"
    assert (
        client.post(
            f"/backlog/items/{item.id}/reject", data={"reason": "Covered by the new forms module."}
        ).status_code
        == 302
    )
    _as(client, world.anna)
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert "Rejected" in shown
    assert "Covered by the new forms module." in shown


def test_the_chair_edits_an_item_and_others_may_not(client, world):
    item = accepted_items(world, 1)[0]
    _as(client, world.anna)
    assert client.get(f"/backlog/items/{item.id}/edit").status_code == 403
    _as(client, world.secretary)
    form = client.get(f"/backlog/items/{item.id}/edit")
    assert form.status_code == 200 and "Wish 1" in _text(form)
    answer = client.post(
        f"/backlog/items/{item.id}/edit",
        data={"title": "Wish one, sharpened", "type": "epic", "category": "Forms"},
    )
    assert answer.status_code == 302
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert "Wish one, sharpened" in shown and "Epic" in shown
    empty = client.post(
        f"/backlog/items/{item.id}/edit", data={"title": "", "type": "wish", "category": ""}
    )
    assert empty.status_code == 422
    assert db.session.get(BacklogItem, item.id).title == "Wish one, sharpened"


def test_a_supplier_estimates_in_the_readers_numbers_and_moves_the_work_on(client, world):
    item = accepted_items(world, 1)[0]
    _as(client, world.supplier_user)
    client.post("/language", data={"language": "da", "next": "/"})
    page = client.get(f"/backlog/items/{item.id}")
    assert page.status_code == 200
    answer = client.post(
        f"/backlog/items/{item.id}/estimate",
        data={"amount": "125.000,50", "hours": "37,5", "note": "Includes tests."},
    )
    assert answer.status_code == 302
    stored = db.session.get(BacklogItem, item.id)
    assert stored.estimate == Decimal("125000.50")
    assert stored.estimate_hours == Decimal("37.5")
    assert stored.estimated_by_supplier.name == "Magenta ApS"
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert "125.000,50" in shown and "Magenta ApS" in shown
    wrong = client.post(
        f"/backlog/items/{item.id}/estimate", data={"amount": "lots", "hours": "-3"}
    )
    assert wrong.status_code == 422
    assert db.session.get(BacklogItem, item.id).estimate == Decimal("125000.50")
    # Into development, then delivered.
    assert (
        client.post(f"/backlog/items/{item.id}/move", data={"target": "delivered"}).status_code
        == 302
    )
    assert db.session.get(BacklogItem, item.id).status == "accepted"
    client.post(f"/backlog/items/{item.id}/move", data={"target": "in_development"})
    client.post(f"/backlog/items/{item.id}/move", data={"target": "delivered"})
    assert db.session.get(BacklogItem, item.id).status == "delivered"
    # The supplier neither accepts nor edits.
    assert client.post(f"/backlog/items/{item.id}/accept").status_code == 403
    assert client.get(f"/backlog/items/{item.id}/edit").status_code == 403


def test_links_are_added_and_removed_and_must_be_web_addresses(client, world):
    item = accepted_items(world, 1)[0]
    _as(client, world.supplier_user)
    refused = client.post(
        f"/backlog/items/{item.id}/links",
        data={"label": "Tracker", "url": "javascript:alert(1)"},
    )
    assert refused.status_code == 422
    assert "http://" in _text(refused)
    assert not db.session.scalars(db.select(BacklogLink)).all()
    url = "https://tracker.example.dk/issues/123"
    answer = client.post(f"/backlog/items/{item.id}/links", data={"label": "Issue 123", "url": url})
    assert answer.status_code == 302
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    assert f'href="{url}"' in shown
    link = db.session.scalars(db.select(BacklogLink)).one()
    # A contact reads the link but may not remove it.
    _as(client, world.anna)
    assert client.post(f"/backlog/items/{item.id}/links/{link.id}/remove").status_code == 403
    _as(client, world.chair)
    assert client.post(f"/backlog/items/{item.id}/links/{link.id}/remove").status_code == 302
    assert f'href="{url}"' not in _text(client.get(f"/backlog/items/{item.id}"))


def test_contacts_and_the_supplier_comment(client, world):
    item = accepted_items(world, 1)[0]
    _as(client, world.karl)
    empty = client.post(f"/backlog/items/{item.id}/comments", data={"text": ""})
    assert empty.status_code == 422
    answer = client.post(
        f"/backlog/items/{item.id}/comments", data={"text": "Kolding needs this too."}
    )
    assert answer.status_code == 302
    _as(client, world.supplier_user)
    client.post(f"/backlog/items/{item.id}/comments", data={"text": "About two sprints."})
    shown = _text(client.get(f"/backlog/items/{item.id}"))
    comments = shown.split('id="comments"')[1]
    assert comments.index("Kolding needs this too.") < comments.index("About two sprints.")
    assert "Karl Kolding" in comments


@pytest.mark.parametrize("who", ["vera", "other_supplier_user", "outsider"])
def test_outsiders_do_not_see_the_backlog(client, world, who):
    item = accepted_items(world, 1)[0]
    _as(client, getattr(world, who))
    product = world.product.id
    for url in (
        f"/backlog/products/{product}",
        f"/backlog/products/{product}/items.csv",
        f"/backlog/products/{product}/submit",
        f"/backlog/products/{product}/rounds",
        f"/backlog/items/{item.id}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/backlog/items/{item.id}/comments", data={"text": "x"}).status_code == 403
    assert "OS2forms" not in _text(client.get("/backlog/"))


def test_the_anonymous_visitor_is_asked_to_sign_in(client, world):
    item = accepted_items(world, 1)[0]
    answer = client.get(f"/backlog/items/{item.id}")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_the_menu_and_the_product_page_lead_to_the_backlog(client, world):
    _as(client, world.anna)
    home = _text(client.get("/"))
    assert 'href="/backlog/"' in home
    listed = _text(client.get("/backlog/"))
    assert "OS2forms" in listed and "OS2rollekatalog" not in listed
    product = _text(client.get(f"/products/{world.product.slug}"))
    assert f'href="/backlog/products/{world.product.id}"' in product
    _as(client, world.outsider)
    assert 'href="/backlog/"' not in _text(client.get("/"))
    _as(client, world.other_supplier_user)
    assert f'href="/backlog/products/{world.product.id}"' not in _text(
        client.get(f"/products/{world.product.slug}")
    )


def _items_for_the_list(world):
    first, second, third = accepted_items(world, 3)
    first.title, first.category, first.type = '=HYPERLINK("http://x")', "Signing", "bug"
    second.category = "Forms"
    third.title = "Archive old forms"
    db.session.commit()
    return first, second, third


def test_filters_search_and_sort_are_kept_in_the_address_and_in_the_exports(client, world):
    first, second, third = _items_for_the_list(world)
    _as(client, world.olga)
    base = f"/backlog/products/{world.product.id}"
    by_type = _text(client.get(f"{base}?type=bug"))
    assert "HYPERLINK" in by_type and "Archive old forms" not in by_type
    searched = _text(client.get(f"{base}?q=archive"))
    assert "Archive old forms" in searched and "Wish 2" not in searched
    by_category = _text(client.get(f"{base}?category=Forms"))
    assert "Wish 2" in by_category and "Archive" not in by_category
    by_title = _text(client.get(f"{base}?sort=title"))
    table = by_title.split('id="items"')[1]
    assert table.index("Archive old forms") < table.index("Wish 2")
    assert 'aria-sort="ascending"' in table
    # The exports carry the filter of the page.
    assert "items.csv?q=archive" in searched
    exported = client.get(f"{base}/items.csv?type=bug")
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["id"] for row in rows] == [str(first.id)]
    assert rows[0]["title"].startswith("'=")
    listed = json.loads(client.get(f"{base}/items.json?sort=title").get_data(as_text=True))
    assert [each["title"] for each in listed][:2] == ['=HYPERLINK("http://x")', "Archive old forms"]


@pytest.mark.parametrize(
    "query",
    ["?sort=%27;drop", "?organisation=99999999999999999999", "?q=" + "x" * 5000, "?type=🙂"],
)
def test_odd_addresses_show_the_list(client, world, query):
    _items_for_the_list(world)
    _as(client, world.anna)
    assert client.get(f"/backlog/products/{world.product.id}{query}").status_code == 200
    assert client.get(f"/backlog/products/{world.product.id}/items.json{query}").status_code == 200


def test_the_secretariat_submits_for_no_organisation_in_particular_and_manages(client, world):
    _as(client, world.secretariat)
    form = _text(client.get(f"/backlog/products/{world.product.id}/submit"))
    assert "No organisation in particular" in form
    answer = _submit(client, world, organisation="none", title="Accessibility review")
    assert answer.status_code == 302
    item = db.session.scalar(
        db.select(BacklogItem).where(BacklogItem.title == "Accessibility review")
    )
    assert item.organisation is None
    assert client.post(f"/backlog/items/{item.id}/accept").status_code == 302
    assert db.session.get(BacklogItem, item.id).status == "accepted"


def test_a_contact_cannot_submit_for_an_organisation_they_do_not_speak_for(client, world):
    _as(client, world.olga)
    answer = _submit(client, world, organisation=str(world.aarhus.id))
    assert answer.status_code == 422
    answer = _submit(client, world, organisation="none")
    assert answer.status_code == 422
    assert db.session.scalars(db.select(BacklogItem)).all() == []
