"""Cancelling a meeting and approving minutes ask first, on a page that says what happens."""

from __future__ import annotations

from consortium.extensions import db
from consortium.meetings import mail, services
from consortium.meetings.models import Meeting, Minutes
from tests.confirmations import read_confirmation
from tests.conftest import login


def test_cancelling_names_the_members_who_are_told(client, meeting, secretary, outbox):
    mail.send_invitation(meeting)
    db.session.commit()
    sent = len(outbox("member@aarhus.example.dk"))
    login(client, secretary.email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/cancel/confirm"' in page

    confirmation = read_confirmation(client, f"/meetings/{meeting.id}/cancel/confirm")
    assert confirmation.title == "Cancel the meeting?"
    assert confirmation.record.startswith("Steering committee, spring, ")
    told = confirmation.consequences[1]
    assert told.startswith("3 invited members are mailed the cancellation")
    assert "Charlotte Chair" in told and "Mette Member" in told
    assert "This cannot be undone." in confirmation.text
    db.session.expire_all()
    assert not db.session.get(Meeting, meeting.id).is_cancelled
    assert len(outbox("member@aarhus.example.dk")) == sent


def test_cancelling_before_the_invitation_tells_nobody(client, meeting, secretary):
    login(client, secretary.email)
    confirmation = read_confirmation(client, f"/meetings/{meeting.id}/cancel/confirm")
    assert "Nobody is mailed: the invitation has not been sent." in confirmation.consequences


def test_a_member_is_not_asked_to_cancel(client, meeting, member):
    login(client, member.email)
    assert client.get(f"/meetings/{meeting.id}/cancel/confirm").status_code == 403


def test_approving_minutes_says_they_are_locked(client, meeting, secretary, chair):
    minutes = services.write_minutes(meeting, secretary, {None: "Everyone was welcomed."})
    services.circulate_minutes(minutes)
    db.session.commit()
    login(client, chair.email)
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/minutes/approve/confirm"' in page

    confirmation = read_confirmation(client, f"/meetings/{meeting.id}/minutes/approve/confirm")
    assert confirmation.title == "Approve the minutes?"
    assert confirmation.record == "Minutes: Steering committee, spring"
    assert confirmation.consequences[0].startswith("Version 1 of the minutes is approved")
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).state == "circulated"
    assert client.post(confirmation.action).status_code == 302
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).state == "approved"


def test_draft_minutes_have_nothing_to_approve(client, meeting, secretary, chair):
    services.write_minutes(meeting, secretary, {None: "Everyone was welcomed."})
    db.session.commit()
    login(client, chair.email)
    response = client.get(f"/meetings/{meeting.id}/minutes/approve/confirm")
    assert response.status_code == 302
