"""A product's backlog: contacts submit and comment, the chair or secretary accepts, rejects and
edits, suppliers estimate and move accepted work through development; every change is in the
item's history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from consortium.backlog import queries, services
from consortium.backlog.models import BacklogLink
from consortium.backlog.services import BacklogError
from consortium.extensions import db
from tests.backlog.conftest import accepted_items


def _submit(world, **values):
    values.setdefault("title", "Sign forms with MitID")
    values.setdefault("organisation", world.aarhus)
    values.setdefault("by", world.anna)
    item = services.submit_item(world.product, **values)
    db.session.commit()
    return item


def test_a_contact_submits_a_wish_for_their_organisation_and_it_waits_as_proposed(world):
    item = _submit(
        world, description="Citizens **sign** the form.", type="wish", category="Signing"
    )
    assert item.status == "proposed"
    assert item.organisation == world.aarhus
    assert item.submitted_by_user_id == world.anna.id
    assert item.description == "Citizens **sign** the form."
    assert [each.title for each in queries.items(world.product)] == ["Sign forms with MitID"]
    assert queries.categories(world.product) == ["Signing"]


def test_a_commitment_is_enough_to_submit(world):
    item = _submit(world, organisation=world.kolding, by=world.karl)
    assert item.organisation == world.kolding


@pytest.mark.parametrize(
    ("who", "organisation", "code"),
    [
        ("vera", "vejle", "not_participating"),  # Vejle takes part in another product
        ("anna", "odense", "not_a_contact"),  # Anna speaks for Aarhus, not Odense
        ("anna", None, "organisation_required"),
    ],
)
def test_an_item_is_submitted_only_for_a_participating_organisation_one_speaks_for(
    world, who, organisation, code
):
    with pytest.raises(BacklogError) as refused:
        _submit(
            world,
            by=getattr(world, who),
            organisation=getattr(world, organisation) if organisation else None,
        )
    assert refused.value.code == code
    assert refused.value.message  # said in words


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Null\x00byte"}, "title"),
        ({"type": "feature"}, "type"),
        ({"description": "a\x00b"}, "description"),
        ({"category": "c" * 101}, "category"),
    ],
)
def test_bad_input_is_refused_with_a_message(world, values, code):
    with pytest.raises(BacklogError) as refused:
        _submit(world, **values)
    assert refused.value.code == code
    assert refused.value.message


def test_the_chair_accepts_and_rejects_with_a_reason_and_the_history_shows_every_change(world):
    item = _submit(world)
    services.accept_item(item)
    services.edit_item(
        item, title="Sign forms with MitID Erhverv", description="", type="epic", category=""
    )
    db.session.commit()
    with pytest.raises(BacklogError) as refused:
        services.reject_item(item, "   ")
    assert refused.value.code == "reason_required"
    services.reject_item(item, "Covered by the signing module.")
    db.session.commit()
    assert item.status == "rejected"
    assert item.rejection_reason == "Covered by the signing module."

    history = queries.item_history(item)
    changes = [entry.changes for entry in reversed(history)]
    assert changes[1]["status"] == {"old": "proposed", "new": "accepted"}
    assert changes[2]["title"] == {
        "old": "Sign forms with MitID",
        "new": "Sign forms with MitID Erhverv",
    }
    assert changes[2]["type"] == {"old": "wish", "new": "epic"}
    assert changes[3]["status"] == {"old": "accepted", "new": "rejected"}
    assert changes[3]["rejection_reason"]["new"] == "Covered by the signing module."


def test_an_item_cannot_be_accepted_twice_or_delivered_before_development(world):
    item = _submit(world)
    services.accept_item(item)
    with pytest.raises(BacklogError) as twice:
        services.accept_item(item)
    assert twice.value.code == "status_change"
    with pytest.raises(BacklogError) as early:
        services.move_item(item, "delivered")
    assert early.value.code == "status_change"
    services.move_item(item, "in_development")
    services.move_item(item, "delivered")
    assert item.status == "delivered"


def test_a_supplier_estimates_in_money_with_hours_and_a_note(world):
    item = _submit(world)
    services.estimate_item(
        item, amount="120000.5", hours="160", note="Two sprints", by=world.supplier_user
    )
    db.session.commit()
    assert item.estimate == Decimal("120000.50")
    assert item.estimate_currency == "DKK"
    assert item.estimate_hours == Decimal("160.0")
    assert item.estimate_note == "Two sprints"
    assert item.estimated_by_user_id == world.supplier_user.id
    assert item.estimated_by_supplier.name == "Magenta ApS"
    estimate_change = queries.item_history(item)[0].changes["estimate"]
    assert estimate_change == {"old": None, "new": "120000.50"}


@pytest.mark.parametrize("amount", ["-1", "abc", "1e400", "NaN", "Infinity", "1000000000000"])
def test_an_estimate_that_is_no_amount_is_refused(world, amount):
    item = _submit(world)
    with pytest.raises(BacklogError) as refused:
        services.estimate_item(item, amount=amount, by=world.supplier_user)
    assert refused.value.code == "estimate_amount"


def test_links_are_web_addresses_only_and_comments_are_kept_in_order(world):
    item = _submit(world)
    link = services.add_link(
        item, label="Issue", url="https://github.com/OS2Forms/os2forms/issues/12", by=world.anna
    )
    for url in ("javascript:alert(1)", "ftp://example.org/x", "https://", "http://a b.dk"):
        with pytest.raises(BacklogError) as refused:
            services.add_link(item, label="Bad", url=url)
        assert refused.value.code == "link_url"
    services.comment(item, world.olga, "Odense needs this too.")
    services.comment(item, world.anna, "Thanks!")
    db.session.commit()
    assert [each.url for each in item.links] == [link.url]
    assert [each.text for each in item.comments] == ["Odense needs this too.", "Thanks!"]
    with pytest.raises(BacklogError):
        services.comment(item, world.anna, "")


def test_the_database_refuses_a_link_that_is_no_web_address(world):
    item = _submit(world)
    db.session.add(BacklogLink(item=item, label="x", url="javascript:alert(1)"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_filters_search_and_sort(world):
    first = _submit(world, title="Export to PDF", category="Output", type="wish")
    second = _submit(world, title="Crash on upload", category="Files", type="bug")
    third = _submit(
        world,
        title="Import from Excel",
        description="A 100% PDF-free import",
        organisation=world.odense,
        by=world.olga,
    )
    services.accept_item(second)
    db.session.commit()
    search = queries.ItemFilter

    def titles(**values):
        return [each.title for each in queries.items(world.product, search(**values))]

    assert titles(search="pdf") == [third.title, first.title]
    assert titles(search="100%") == [third.title]
    assert titles(type="bug") == [second.title]
    assert titles(status="accepted") == [second.title]
    assert titles(category="Output") == [first.title]
    assert titles(organisation_id=world.odense.id) == [third.title]
    assert titles(sort="title") == ["Crash on upload", "Export to PDF", "Import from Excel"]
    assert titles(sort="oldest") == ["Export to PDF", "Crash on upload", "Import from Excel"]


def test_an_item_in_an_open_round_is_not_rejected_or_moved(world):
    from tests.backlog.conftest import open_round

    items = accepted_items(world, 2)
    open_round(world, items)
    with pytest.raises(BacklogError) as refused:
        services.reject_item(items[0], "No longer needed")
    assert refused.value.code == "item_in_open_round"
    with pytest.raises(BacklogError):
        services.move_item(items[0], "in_development")


def test_the_history_shows_links_added_and_removed_and_comments_of_that_item_only(world):
    item = _submit(world)
    for _ in range(11):  # ids that begin with the same digits, such as #1 and #12
        other = _submit(world, title="Other")
    services.add_link(other, label="Elsewhere", url="https://example.org/other")
    link = services.add_link(item, label="Issue", url="https://example.org/issue/1")
    services.comment(item, world.olga, "Needed in Odense.")
    services.remove_link(link)
    db.session.commit()
    history = [(entry.record_type, entry.action) for entry in queries.item_history(item)]
    assert history == [
        ("backlog_link", "delete"),
        ("backlog_comment", "create"),
        ("backlog_link", "create"),
        ("backlog_item", "create"),
    ]
