"""Approving or declining a request asks first, on a page that says what will happen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.participation import services
from consortium.participation.models import Participation, ParticipationRequest
from tests.confirmations import read_confirmation


def _join_request(aarhus, product, person):
    request = services.request_join(
        aarhus,
        product,
        person,
        phase="commitment",
        starts_on=date(2026, 1, 1),
        billing_identity=None,
        amount_per_year=Decimal("25000"),
    )
    db.session.commit()
    return request


def test_the_request_page_leads_to_both_decisions(secretariat_client, person, aarhus, product):
    request = _join_request(aarhus, product, person)
    page = secretariat_client.get(f"/participation/requests/{request.id}").get_data(as_text=True)
    assert f'href="/participation/requests/{request.id}/approve/confirm"' in page
    assert f'href="/participation/requests/{request.id}/decline/confirm"' in page
    assert 'method="post"' not in page.split('id="main"')[1]


def test_approving_a_join_names_the_start_the_pledge_and_who_is_mailed(
    secretariat_client, person, aarhus, product, outbox
):
    request = _join_request(aarhus, product, person)
    url = f"/participation/requests/{request.id}/approve/confirm"
    confirmation = read_confirmation(secretariat_client, url)
    assert confirmation.title == "Approve this request?"
    assert confirmation.record == "Aarhus Kommune asks to join OS2forms"
    assert confirmation.consequences[0] == (
        "Aarhus Kommune takes part in OS2forms from Jan 1, 2026, as Commitment."
    )
    assert "It pledges DKK\xa025,000.00 a year." in confirmation.consequences
    assert "it@aarhus.example.dk is mailed the decision." in confirmation.consequences
    assert "This cannot be undone." in confirmation.text
    db.session.expire_all()
    assert db.session.get(ParticipationRequest, request.id).status == "pending"
    assert db.session.scalar(select(Participation)) is None
    assert outbox(person.email) == []
    assert secretariat_client.post(confirmation.action).status_code == 302
    assert db.session.scalar(select(Participation)) is not None


def test_approving_notice_names_the_last_day(secretariat_client, person, aarhus, product):
    participation = services.create_participation(
        aarhus, product, phase="agreement", starts_on=date(2020, 1, 1), notice_months=6
    )
    request = services.request_leave(participation, person, "We stop using it.")
    request.requested_at = request.requested_at.replace(year=2026, month=3, day=15)
    db.session.commit()
    confirmation = read_confirmation(
        secretariat_client, f"/participation/requests/{request.id}/approve/confirm"
    )
    assert confirmation.record == "Aarhus Kommune gives notice on OS2forms"
    assert confirmation.consequences[0] == (
        "The participation of Aarhus Kommune in OS2forms ends on Dec 31, 2026."
    )
    db.session.expire_all()
    assert db.session.get(Participation, participation.id).ends_on is None


def test_declining_asks_for_the_reason_and_keeps_it_on_a_mistake(
    secretariat_client, person, aarhus, product, outbox
):
    request = _join_request(aarhus, product, person)
    url = f"/participation/requests/{request.id}/decline/confirm"
    confirmation = read_confirmation(secretariat_client, url)
    assert confirmation.title == "Decline this request?"
    assert "it@aarhus.example.dk is mailed the decision." in confirmation.consequences
    page = secretariat_client.post(confirmation.action, data={"reason": ""})
    text = page.get_data(as_text=True)
    assert "Decline this request?" in text and "Please fill in this field." in text
    assert db.session.get(ParticipationRequest, request.id).status == "pending"
    assert outbox(person.email) == []


def test_a_decided_request_is_not_asked_again(secretariat_client, person, aarhus, product):
    request = _join_request(aarhus, product, person)
    secretariat_client.post(f"/participation/requests/{request.id}/approve")
    response = secretariat_client.get(
        f"/participation/requests/{request.id}/decline/confirm", follow_redirects=True
    )
    assert response.request.path == f"/participation/requests/{request.id}"
