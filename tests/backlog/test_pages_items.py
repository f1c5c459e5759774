"""The backlog's pages for items, used as a municipal contact, another municipality's contact,
the coordination group's chair, a supplier with and without an agreement for the product, the
secretariat and an anonymous visitor."""

from __future__ import annotations

from consortium.backlog.models import BacklogItem
from consortium.extensions import db
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
