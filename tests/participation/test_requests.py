"""Contacts ask to join or leave; the secretariat approves or declines; both see the state."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.participation import services
from consortium.participation.models import Participation, ParticipationRequest
from consortium.products.models import Product
from tests.conftest import login, make_user


def _join(client, organisation, product, **data):
    # Earlier requests closed the session the fixtures' objects came from.
    organisation, product = db.session.merge(organisation), db.session.merge(product)
    values = {
        "product": str(product.id),
        "phase": "agreement",
        "starts_on": "2026-01-01",
        "billing_identity": str(organisation.billing_identities[0].id),
        "message": "We would like to use it.",
    } | data
    return client.post(f"/participation/organisations/{organisation.id}/join", data=values)


def test_a_contact_asks_to_join_and_the_secretariat_approves(
    app, contact_client, person, aarhus, product, outbox
):
    aarhus_id, identity_id = aarhus.id, aarhus.billing_identities[0].id
    response = _join(contact_client, aarhus, product, phase="commitment", amount_per_year="25000")
    assert response.status_code == 302
    request = db.session.scalar(select(ParticipationRequest))
    assert (request.kind, request.status, request.phase) == ("join", "pending", "commitment")
    assert request.requested_by_user_id == person.id
    (mail,) = outbox("secretariat@association.example.org")
    assert "Aarhus Kommune asks to join OS2forms" in mail.subject
    assert f"/participation/requests/{request.id}" in mail.body
    page = contact_client.get("/participation/mine").get_data(as_text=True)
    assert "OS2forms" in page and "Pending" in page

    make_user("boss@example.org", secretariat=True)
    client = app.test_client()
    login(client, "boss@example.org")
    page = client.get("/participation/requests").get_data(as_text=True)
    assert "Aarhus Kommune" in page and "Pending" in page
    assert client.get(f"/participation/requests/{request.id}").status_code == 200
    response = client.post(f"/participation/requests/{request.id}/approve")
    assert response.status_code == 302
    participation = db.session.scalar(select(Participation))
    assert (participation.phase, participation.starts_on) == ("commitment", date(2026, 1, 1))
    assert participation.amount_per_year == 25000
    assert (participation.organisation_id, participation.billing_identity_id) == (
        aarhus_id,
        identity_id,
    )
    request = db.session.get(ParticipationRequest, request.id)
    assert request.status == "approved" and request.participation_id == participation.id
    (decision,) = outbox(person.email)
    assert "has been approved" in decision.subject
    page = contact_client.get("/participation/mine").get_data(as_text=True)
    assert "Approved" in page and "Give notice to leave OS2forms" in page


def test_declining_needs_a_reason_the_contact_reads(
    secretariat_client, person, aarhus, product, outbox
):
    request = services.request_join(
        aarhus,
        product,
        person,
        phase="agreement",
        starts_on=date(2026, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    db.session.commit()
    page = secretariat_client.post(
        f"/participation/requests/{request.id}/decline", data={"reason": ""}
    ).get_data(as_text=True)
    assert "Please fill in this field." in page
    assert db.session.get(ParticipationRequest, request.id).status == "pending"
    response = secretariat_client.post(
        f"/participation/requests/{request.id}/decline",
        data={"reason": "The product takes no new members this year."},
    )
    assert response.status_code == 302
    request = db.session.get(ParticipationRequest, request.id)
    assert request.status == "declined"
    (mail,) = outbox(person.email)
    assert "declined" in mail.subject
    assert "The product takes no new members this year." in mail.body
    assert db.session.scalar(select(Participation)) is None
    # A decided request cannot be decided again.
    secretariat_client.post(f"/participation/requests/{request.id}/approve")
    assert db.session.scalar(select(Participation)) is None


def test_notice_to_leave_is_approved_with_the_end_from_the_terms(
    secretariat_client, person, aarhus, product, outbox
):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2020, 1, 1), notice_months=6
    )
    request = services.request_leave(participation, person, "We stop using it.")
    request.requested_at = request.requested_at.replace(year=2026, month=3, day=15)
    db.session.commit()
    response = secretariat_client.post(f"/participation/requests/{request.id}/approve")
    assert response.status_code == 302
    participation = db.session.get(Participation, participation.id)
    assert participation.notice_given_on == date(2026, 3, 15)
    assert participation.ends_on == date(2026, 12, 31)
    (mail,) = outbox(person.email)
    assert "ends on" in mail.body


def test_a_contact_gives_notice_through_the_page(contact_client, aarhus, product):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2020, 1, 1)
    )
    db.session.commit()
    response = contact_client.post(
        f"/participation/{participation.id}/leave", data={"message": "Bye"}
    )
    assert response.status_code == 302
    request = db.session.scalar(select(ParticipationRequest))
    assert (request.kind, request.participation_id) == ("leave", participation.id)
    page = contact_client.post(f"/participation/{participation.id}/leave", data={})
    assert "already a pending request" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("retired", "This product is retired; no one can join it."),
        ("participating", "The organisation already takes part in this product in that period."),
        ("pending", "There is already a pending request of the organisation for this product."),
        (
            "early",
            "The start date is before the organisation&#39;s membership started (Jan 1, 2012).",
        ),
    ],
)
def test_refusals_are_explained(contact_client, person, aarhus, product, retired, case, message):
    target = product
    starts_on = "2026-01-01"
    if case == "retired":
        target = retired
    elif case == "participating":
        services.create_participation(
            aarhus, product, phase="agreement", starts_on=date(2025, 1, 1)
        )
    elif case == "pending":
        services.request_join(
            aarhus,
            product,
            person,
            phase="agreement",
            starts_on=date(2026, 1, 1),
            billing_identity=None,
            amount_per_year=None,
        )
    else:
        starts_on = "2011-06-01"
    db.session.commit()
    before = len(db.session.scalars(select(ParticipationRequest)).all())
    response = _join(contact_client, aarhus, target, starts_on=starts_on)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert len(db.session.scalars(select(ParticipationRequest)).all()) == before


def test_a_non_member_cannot_join(client, odder, product):
    person = make_user("it@odder.example.dk")
    members.add_contact(odder, person.id, "primary")
    db.session.commit()
    login(client, person.email)
    page = _join(client, odder, product).get_data(as_text=True)
    assert "Only a member organisation can join a product." in page


def test_a_contact_requests_only_for_their_own_organisation(odder, product, contact_client):
    odder_id = db.session.merge(odder).id
    assert _join(contact_client, odder, product).status_code == 403
    assert contact_client.get(f"/participation/organisations/{odder_id}/join").status_code == 403
    assert db.session.scalar(select(ParticipationRequest)) is None
    assert contact_client.get("/participation/requests").status_code == 403


def test_approving_rechecks_the_rules(secretariat_client, person, aarhus, product):
    request = services.request_join(
        aarhus,
        product,
        person,
        phase="agreement",
        starts_on=date(2026, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    members.change_membership(aarhus, "resigned", date(2026, 2, 1))
    db.session.commit()
    response = secretariat_client.post(f"/participation/requests/{request.id}/approve")
    assert response.status_code == 302
    assert db.session.get(ParticipationRequest, request.id).status == "pending"
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only a member organisation can join a product." in page


def test_no_mail_to_the_secretariat_without_its_address(app, person, aarhus, product):
    from consortium.settings.services import get_settings

    get_settings().email = ""
    services.request_join(
        aarhus,
        product,
        person,
        phase="agreement",
        starts_on=date(2026, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    assert db.session.scalar(select(OutboxMessage)) is None


def test_notice_asked_before_the_start_counts_from_the_first_day(
    secretariat_client, person, aarhus, product
):
    starts_on = date.today() + timedelta(days=40)
    participation = services.create_participation(
        aarhus,
        product,
        phase="agreement",
        starts_on=starts_on,
        notice_months=0,
        ends_at_year_end=False,
    )
    request = services.request_leave(participation, person, "We changed our minds.")
    db.session.commit()
    response = secretariat_client.post(f"/participation/requests/{request.id}/approve")
    assert response.status_code == 302
    participation = db.session.get(Participation, participation.id)
    assert participation.notice_given_on == starts_on
    assert participation.ends_on == starts_on


def _offered(page: str) -> list[str]:
    select_html = page.split('name="product"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]+)</option>", select_html)


def test_the_join_form_offers_only_products_the_organisation_can_join(
    contact_client, person, aarhus, product, retired
):
    other = Product(slug="cityvizor", name="Cityvizor", status="product")
    asked = Product(slug="rollekatalog", name="Rollekatalog", status="product")
    ended = Product(slug="ended", name="Ended Product", status="product")
    db.session.add_all([other, asked, ended])
    db.session.flush()
    services.create_participation(aarhus, product, phase="agreement", starts_on=date(2025, 1, 1))
    services.create_participation(
        aarhus, ended, phase="agreement", starts_on=date(2020, 1, 1), ends_on=date(2021, 12, 31)
    )
    services.request_join(
        aarhus,
        asked,
        person,
        phase="agreement",
        starts_on=date(2026, 1, 1),
        billing_identity=None,
        amount_per_year=None,
    )
    db.session.commit()
    page = contact_client.get(f"/participation/organisations/{aarhus.id}/join").get_data(
        as_text=True
    )
    assert _offered(page) == ["Cityvizor", "Ended Product"]


def test_the_join_form_says_when_there_is_nothing_to_join(contact_client, aarhus, product, retired):
    services.create_participation(aarhus, product, phase="agreement", starts_on=date(2025, 1, 1))
    db.session.commit()
    page = contact_client.get(f"/participation/organisations/{aarhus.id}/join").get_data(
        as_text=True
    )
    assert _offered(page) == []
    assert "There is no product Aarhus Kommune can join at the moment" in page


def test_a_product_that_does_not_exist_is_refused_with_a_message(contact_client, aarhus):
    response = contact_client.post(
        f"/participation/organisations/{aarhus.id}/join",
        data={"product": "999999", "phase": "agreement", "starts_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "Choose a product from the list." in response.get_data(as_text=True)
    assert db.session.scalar(select(ParticipationRequest)) is None
