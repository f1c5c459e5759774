"""The public minutes: the list, one set of minutes with its decisions and attendance by name
only, and the minutes on the product's public page; private minutes are 404."""

from __future__ import annotations

import pytest

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Minutes


@pytest.fixture
def approved(meeting, secretary, chair, member):
    item = services.add_agenda_item(meeting, title="Budget 2028")
    services.record_attendance(meeting, chair, "present")
    services.record_attendance(meeting, member, "excused")
    services.add_guest(meeting, "Lars Leverandør")
    minutes = services.write_minutes(
        meeting, secretary, {item.id: "The budget is **approved**.\n\n<script>alert(1)</script>"}
    )
    services.record_decision(meeting, "The budget for 2028 is approved.", agenda_item=item)
    services.add_action_item(meeting, what="Send the internal memo", owner=member)
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    db.session.commit()
    return minutes


def test_private_minutes_are_not_public(client, approved, product):
    assert client.get(f"/public/minutes/{approved.id}").status_code == 404
    assert "Steering committee, spring" not in client.get("/public/minutes").get_data(as_text=True)
    product_page = client.get(f"/public/products/{product.slug}").get_data(as_text=True)
    assert "Steering committee, spring" not in product_page
    assert "The product's groups have published no minutes yet." in product_page
    assert client.get("/public/minutes/999999").status_code == 404
    assert client.get("/public/minutes/99999999999999").status_code == 404


def test_published_minutes_show_text_decisions_and_names_only(client, approved, product, chair):
    chair.publish_email = True
    services.set_minutes_public(approved, True)
    db.session.commit()
    listing = client.get("/public/minutes").get_data(as_text=True)
    assert "Steering committee, spring" in listing
    assert "OS2forms steering committee" in listing
    page = client.get(f"/public/minutes/{approved.id}").get_data(as_text=True)
    assert "<strong>approved</strong>" in page
    assert "<script>alert(1)" not in page
    assert "OS2FORMS-SC-2027-01" in page and "The budget for 2028 is approved." in page
    assert "Charlotte Chair" in page and "Mette Member" in page and "Lars Leverandør" in page
    # Names only: no addresses, even a published one, and no internal action items.
    assert "@aarhus.example.dk" not in page
    assert "Send the internal memo" not in page
    product_page = client.get(f"/public/products/{product.slug}").get_data(as_text=True)
    assert f"/public/minutes/{approved.id}" in product_page


def test_minutes_taken_off_the_public_pages_are_404_again(client, approved):
    services.set_minutes_public(approved, True)
    db.session.commit()
    assert client.get(f"/public/minutes/{approved.id}").status_code == 200
    services.set_minutes_public(db.session.get(Minutes, approved.id), False)
    db.session.commit()
    assert client.get(f"/public/minutes/{approved.id}").status_code == 404


def test_only_the_approved_version_is_public_while_a_new_one_is_written(
    client, approved, secretary
):
    services.set_minutes_public(approved, True)
    draft = services.amend_minutes(approved, secretary)
    db.session.commit()
    assert client.get(f"/public/minutes/{draft.id}").status_code == 404
    assert client.get(f"/public/minutes/{approved.id}").status_code == 200
