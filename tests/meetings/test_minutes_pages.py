"""The minutes pages as a group's secretary, chair and members use them: writing per agenda item,
decisions and action items, circulating with a notice mail, comments, approval, the lock,
amending into a new version, publishing, and the PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import pytest

from consortium.auth.models import User
from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import ActionItem, Minutes
from tests.conftest import login


@pytest.fixture
def agenda(meeting):
    welcome = services.add_agenda_item(meeting, title="Welcome")
    budget = services.add_agenda_item(meeting, title="Budget 2028", presenter="Jiří Dvořák")
    db.session.commit()
    return welcome, budget


def _as(client, person):
    client.post("/sign-out")
    assert login(client, person.email).status_code == 302
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _minutes(meeting) -> Minutes:
    db.session.expire_all()
    return db.session.get(Minutes, meeting.latest_minutes.id)


def test_the_whole_flow_from_draft_to_published(
    client, meeting, agenda, secretary, chair, member, outsider, outbox
):
    welcome, budget = agenda
    url = f"/meetings/{meeting.id}/minutes"
    _as(client, secretary)
    page = _text(client.get(url))
    assert "No minutes have been written yet." in page
    assert f'name="item_{welcome.id}"' in page and 'name="general"' in page

    # Attendance recorded at the meeting shows on the minutes.
    services.record_attendance(meeting, chair, "present")
    services.record_attendance(meeting, member, "excused")
    services.add_guest(meeting, "Lars Leverandør")
    db.session.commit()

    response = client.post(
        url,
        data={
            f"item_{welcome.id}": "Everyone was *welcomed*.",
            f"item_{budget.id}": "The budget was discussed.\n\n- Ærø joins",
            "general": "Next meeting in May.",
        },
    )
    assert response.status_code == 302
    page = _text(client.get(url))
    assert "<em>welcomed</em>" in page
    assert "<li>Ærø joins</li>" in page
    assert "Draft" in page

    response = client.post(
        f"{url}/decisions",
        data={"text": "The budget for 2028 is approved.", "agenda_item": budget.id},
    )
    assert response.status_code == 302
    response = client.post(
        f"{url}/actions",
        data={
            "what": "Send the budget to the municipalities",
            "owner": str(member.id),
            "due_on": "2027-04-16",
            "agenda_item": str(budget.id),
        },
    )
    assert response.status_code == 302
    page = _text(client.get(url))
    assert "OS2FORMS-SC-2027-01" in page
    assert "Send the budget to the municipalities" in page
    attendance = page[page.index("attendance-heading") :]
    assert re.search(r"Present</dt><dd>Charlotte Chair", attendance)
    assert re.search(r"Excused</dt><dd>Mette Member", attendance)
    assert re.search(r"Guests</dt><dd>Lars Leverandør", attendance)

    # A member sees nothing of the draft yet.
    _as(client, member)
    page = _text(client.get(url))
    assert "The minutes have not been circulated yet." in page
    assert "welcomed" not in page

    _as(client, secretary)
    response = client.post(f"{url}/circulate", follow_redirects=True)
    assert "2 members have been notified" in _text(response)
    assert [m.subject for m in outbox(member.email)] == [
        "Minutes for comments: Steering committee, spring"
    ]
    assert f"/meetings/{meeting.id}/minutes" in outbox(member.email)[0].body
    assert outbox(secretary.email) == []

    _as(client, member)
    page = _text(client.get(url))
    assert "<em>welcomed</em>" in page
    assert "Approve the minutes" not in page
    response = client.post(f"{url}/comments", data={"text": "Please add that Odder abstained."})
    assert response.status_code == 302
    assert "Please add that Odder abstained." in _text(client.get(url))
    # A member neither approves nor writes.
    assert client.post(f"{url}/approve").status_code == 403
    assert client.post(url, data={"general": "changed"}).status_code == 403

    _as(client, chair)
    response = client.post(f"{url}/approve", follow_redirects=True)
    page = _text(response)
    assert "The minutes have been approved and are now locked." in page
    assert "Locked." in page
    assert "Charlotte Chair" in page[page.index("Approved by") :]
    assert "Make public" in page
    client.post(f"{url}/1/public", data={"public": "1"})
    assert _minutes(meeting).is_published

    # The public list shows them.
    client.post("/sign-out")
    assert "Steering committee, spring" in _text(client.get("/public/minutes"))


@pytest.fixture
def approved(meeting, agenda, secretary, chair):
    welcome, _budget = agenda
    minutes = services.write_minutes(meeting, secretary, {welcome.id: "Everyone was welcomed."})
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, chair)
    db.session.commit()
    return minutes


def test_approved_minutes_offer_no_edit_and_refuse_one(
    client, meeting, agenda, approved, secretary
):
    welcome, _budget = agenda
    meeting_id, welcome_id = meeting.id, welcome.id
    url = f"/meetings/{meeting.id}/minutes"
    _as(client, secretary)
    page = _text(client.get(url))
    assert "Save the minutes" not in page
    assert "Record the decision" not in page
    assert "Amend (start a new version)" in page

    response = client.post(
        url, data={f"item_{welcome.id}": "Rewritten history."}, follow_redirects=True
    )
    page = _text(response)
    assert "These minutes are approved and locked; amend them to write a new version." in page
    db.session.expire_all()
    kept = db.session.get(Minutes, approved.id)
    assert [(each.agenda_item_id, each.text) for each in kept.texts] == [
        (welcome_id, "Everyone was welcomed.")
    ]
    assert db.session.query(Minutes).filter_by(meeting_id=meeting_id).count() == 1


def test_amending_starts_a_new_version_and_keeps_the_old_one_readable(
    client, meeting, agenda, approved, secretary, member
):
    welcome, _budget = agenda
    url = f"/meetings/{meeting.id}/minutes"
    _as(client, secretary)
    page = _text(client.post(f"{url}/amend", follow_redirects=True))
    assert "Version 2 has been started as a draft." in page
    client.post(url, data={f"item_{welcome.id}": "Everyone was welcomed, twice."})
    version_1 = _text(client.get(f"{url}/1"))
    assert "Everyone was welcomed." in version_1 and "twice" not in version_1
    assert "Simon Secretary" in version_1
    assert "twice" in _text(client.get(url))

    # A member reads the approved version 1, not the new draft.
    _as(client, member)
    assert client.get(f"{url}/2").status_code == 403
    page = _text(client.get(url))
    assert "Everyone was welcomed." in page and "twice" not in page
    assert client.get(f"{url}/9").status_code == 404


def test_a_script_in_the_minutes_never_reaches_the_page_as_markup(
    client, meeting, agenda, secretary
):
    welcome, _budget = agenda
    url = f"/meetings/{meeting.id}/minutes"
    _as(client, secretary)
    client.post(
        url,
        data={
            f"item_{welcome.id}": '<script>alert("x")</script>\n\n'
            '<img src=x onerror="alert(1)">\n\n[click](javascript:alert(2)) and '
            "[safe](https://example.org)"
        },
    )
    page = _text(client.get(url))
    rendered = page[page.index('class="minutes-text"') : page.index("Write the minutes")]
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "javascript:" not in rendered.replace("[click](javascript:", "")
    assert 'href="https://example.org"' in rendered
    # The editor gives the text back as text.
    assert "&lt;script&gt;" in page


def test_other_groups_and_the_anonymous_cannot_read_private_minutes(
    client, meeting, approved, outsider
):
    url = f"/meetings/{meeting.id}/minutes"
    assert client.get(url).status_code == 302  # sign in first
    assert client.get(f"/public/minutes/{approved.id}").status_code == 404
    _as(client, outsider)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/1").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/minutes.pdf").status_code == 403
    assert "Steering committee" not in _text(client.get("/meetings/search?q=welcomed"))


def test_action_items_are_marked_done_by_their_owner_not_by_others(
    client, meeting, agenda, secretary, member, chair, outsider
):
    item = services.add_action_item(
        meeting, what="Book the room", owner=member, due_on=date.today() - timedelta(days=3)
    )
    db.session.commit()
    _as(client, member)
    page = _text(client.get("/meetings/actions"))
    assert "Book the room" in page
    assert "Overdue" in page
    assert "1 action item is overdue." in page

    _as(client, outsider)
    assert client.post(f"/meetings/actions/{item.id}/done").status_code == 403

    _as(client, member)
    response = client.post(f"/meetings/actions/{item.id}/done", data={"next": "my_actions"})
    assert response.headers["Location"].endswith("/meetings/actions")
    assert db.session.get(ActionItem, item.id).status == "done"
    assert "Book the room" not in _text(client.get("/meetings/actions"))

    _as(client, secretary)  # the group's secretary opens it again
    client.post(f"/meetings/actions/{item.id}/reopen")
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).status == "open"
    page = _text(client.get(f"/meetings/groups/{meeting.group_id}/actions"))
    assert "Book the room" in page and "Mette Member" in page
    _as(client, outsider)
    assert client.get(f"/meetings/groups/{meeting.group_id}/actions").status_code == 403


def test_an_action_item_owner_must_be_a_member_of_the_group(
    client, meeting, agenda, secretary, outsider
):
    _as(client, secretary)
    response = client.post(
        f"/meetings/{meeting.id}/minutes/actions", data={"what": "Sneak", "owner": str(outsider.id)}
    )
    assert response.status_code == 422
    assert db.session.query(ActionItem).count() == 0


def test_the_circulation_notice_is_in_the_recipients_language(
    client, meeting, agenda, secretary, member, outbox
):
    member.language = "da"
    db.session.commit()
    services.write_minutes(meeting, secretary, {None: "Tekst"})
    db.session.commit()
    _as(client, secretary)
    client.post(f"/meetings/{meeting.id}/minutes/circulate")
    mail = outbox(member.email)[0]
    assert mail.subject.startswith("Referat til kommentering")
    assert "Hej Mette Member" in mail.body


def test_the_minutes_pdf_names_attendance_decisions_and_actions(
    client, meeting, agenda, secretary, chair, member, tmp_path
):
    welcome, budget = agenda
    services.record_attendance(meeting, chair, "present")
    services.record_attendance(meeting, member, "absent")
    minutes = services.write_minutes(meeting, secretary, {budget.id: "The **budget** is fine."})
    services.record_decision(meeting, "The budget is approved.", agenda_item=budget)
    services.add_action_item(
        meeting, what="Send the budget", owner=member, due_on=date(2027, 4, 16), agenda_item=budget
    )
    db.session.commit()
    url = f"/meetings/{meeting.id}/minutes.pdf"

    _as(client, member)
    assert client.get(url).status_code == 404  # nothing approved yet
    _as(client, secretary)
    draft = client.get(url)
    assert draft.status_code == 200
    assert "draft" in draft.headers["Content-Disposition"]
    (tmp_path / "draft.pdf").write_bytes(draft.data)
    draft_text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "draft.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Draft, not approved" in draft_text

    minutes = db.session.get(Minutes, minutes.id)
    services.circulate_minutes(minutes)
    services.approve_minutes(minutes, db.session.get(User, chair.id))
    db.session.commit()
    _as(client, member)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    assert "OS2FORMS-SC-2027-03-10-v1.pdf" in response.headers["Content-Disposition"]
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Charlotte Chair" in text and "Mette Member" in text
    assert "OS2FORMS-SC-2027-01" in text
    assert "Send the budget" in text
    assert "Approved by Charlotte Chair" in text
