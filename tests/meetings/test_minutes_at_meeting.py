"""Circulated minutes are approved by the group's chair or at the next meeting: the secretary
records that a later meeting of the group, which has begun, approved them; the minutes are then
locked and say at which meeting they were approved."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date, time, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Meeting, Minutes
from consortium.meetings.services import MeetingError
from tests.conftest import login

TODAY = date.today()


def _plan(group, title: str, day: date, starts: time = time(10), ends: time = time(12)):
    return services.plan_meeting(
        group, title=title, day=day, starts=starts, ends=ends, timezone="Europe/Copenhagen"
    )


@pytest.fixture
def autumn(committee, chair, secretary, member):
    """A meeting two months ago whose minutes were circulated."""
    meeting = _plan(committee, "Steering committee, autumn", TODAY - timedelta(days=60))
    item = services.add_agenda_item(meeting, title="Budget 2028")
    minutes = services.write_minutes(meeting, secretary, {item.id: "The budget was discussed."})
    services.circulate_minutes(minutes)
    db.session.commit()
    return meeting


@pytest.fixture
def circulated(autumn) -> Minutes:
    return autumn.latest_minutes


@pytest.fixture
def winter(committee):
    """The group's next meeting, a week ago."""
    meeting = _plan(committee, "Steering committee, winter", TODAY - timedelta(days=7))
    db.session.commit()
    return meeting


def _fresh(minutes_id: int) -> Minutes:
    db.session.expire_all()
    return db.session.get(Minutes, minutes_id)


def test_the_secretary_records_approval_at_the_next_meeting(circulated, winter, secretary):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    db.session.commit()

    minutes = _fresh(circulated.id)
    assert minutes.state == "approved"
    assert minutes.is_locked
    assert minutes.approved_at_meeting.id == winter.id
    assert minutes.approved_by.name == "Simon Secretary"
    assert minutes.approved_at is not None
    with pytest.raises(MeetingError) as refused:
        services.write_minutes(minutes.meeting, secretary, {None: "Changed afterwards"})
    assert refused.value.code == "minutes_approved"


def test_the_database_keeps_the_approving_meeting(circulated, winter, secretary, committee):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    other = _plan(committee, "Another meeting", TODAY - timedelta(days=3))
    db.session.commit()
    with pytest.raises(DatabaseError, match="approved minutes are locked"):
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE meeting_minutes SET approved_at_meeting_id = :other WHERE id = :id"),
                {"other": other.id, "id": circulated.id},
            )
    with pytest.raises(DatabaseError, match="approved minutes are locked"):
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE meeting_minutes SET approved_at_meeting_id = NULL WHERE id = :id"),
                {"id": circulated.id},
            )
    assert _fresh(circulated.id).approved_at_meeting_id == winter.id


def test_the_chairs_own_approval_still_works(circulated, chair):
    services.approve_minutes(circulated, chair)
    db.session.commit()
    minutes = _fresh(circulated.id)
    assert minutes.state == "approved"
    assert minutes.approved_by.name == "Charlotte Chair"
    assert minutes.approved_at_meeting is None


def test_the_secretary_does_not_approve_alone(circulated, secretary):
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary)
    assert refused.value.code == "not_allowed_to_approve"
    assert _fresh(circulated.id).state == "circulated"


@pytest.mark.parametrize("person", ["member", "outsider"])
def test_a_member_or_an_outsider_cannot_record_it(request, circulated, winter, person):
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, request.getfixturevalue(person), at_meeting=winter)
    assert refused.value.code == "not_allowed_to_record_approval"
    assert "secretary" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_a_meeting_of_another_group(circulated, coordination, secretary):
    theirs = _plan(coordination, "Coordination", TODAY - timedelta(days=5))
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=theirs)
    assert refused.value.code == "approval_meeting_other_group"
    assert "another group's" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_an_earlier_meeting_nor_at_the_same(circulated, autumn, committee, secretary):
    summer = _plan(committee, "Steering committee, summer", TODAY - timedelta(days=120))
    for earlier in (summer, autumn):
        with pytest.raises(MeetingError) as refused:
            services.approve_minutes(circulated, secretary, at_meeting=earlier)
        assert refused.value.code == "approval_meeting_not_later"
        assert "is not later than the meeting of the minutes" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_at_a_cancelled_meeting(circulated, winter, secretary):
    services.cancel_meeting(winter)
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=winter)
    assert refused.value.code == "approval_meeting_cancelled"
    assert "was cancelled" in refused.value.message


def test_not_at_a_meeting_that_has_not_begun(circulated, committee, secretary):
    spring = _plan(committee, "Steering committee, spring", TODAY + timedelta(days=30))
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(circulated, secretary, at_meeting=spring)
    assert refused.value.code == "approval_meeting_not_begun"
    assert "has not begun yet" in refused.value.message
    assert _fresh(circulated.id).state == "circulated"


def test_not_twice(circulated, winter, secretary, chair):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    for by, at_meeting in ((secretary, winter), (chair, None)):
        with pytest.raises(MeetingError) as refused:
            services.approve_minutes(circulated, by, at_meeting=at_meeting)
        assert refused.value.code == "minutes_approved"
    assert _fresh(circulated.id).approved_at_meeting_id == winter.id


def test_draft_minutes_are_not_approved_at_a_meeting(autumn, winter, secretary, chair):
    services.approve_minutes(autumn.latest_minutes, chair)
    draft = services.amend_minutes(autumn.latest_minutes, secretary)
    with pytest.raises(MeetingError) as refused:
        services.approve_minutes(draft, secretary, at_meeting=winter)
    assert refused.value.code == "minutes_not_circulated"


def test_the_secretariat_records_it_for_any_group(circulated, winter, secretariat):
    services.approve_minutes(circulated, secretariat, at_meeting=winter)
    db.session.commit()
    minutes = _fresh(circulated.id)
    assert (minutes.approved_at_meeting_id, minutes.approved_by.name) == (
        winter.id,
        "Sam Secretariat",
    )


def test_approved_once_when_the_chair_and_the_secretary_act_at_once(committed_app):
    """Half approve as the chair, half record the next meeting's approval, all at the same
    moment: the minutes are approved once, and the others are told they already are."""
    from consortium.auth.models import User
    from consortium.groups import services as groups
    from tests.conftest import make_user
    from tests.meetings.test_races import N, _at_once

    with committed_app.app_context():
        group = groups.create_group("board", "The board")
        autumn = _plan(group, "Board, autumn", TODAY - timedelta(days=60))
        winter = _plan(group, "Board, winter", TODAY - timedelta(days=7))
        minutes = services.write_minutes(autumn, None, {None: "Approved."})
        services.circulate_minutes(minutes)
        chair = make_user("chair@example.org", secretariat=True)
        ids = (minutes.id, winter.id, chair.id)
        db.session.commit()

        def approve(index: int) -> str:
            minutes_id, winter_id, chair_id = ids
            found = db.session.get(Minutes, minutes_id)
            at_meeting = db.session.get(Meeting, winter_id) if index % 2 else None
            services.approve_minutes(found, db.session.get(User, chair_id), at_meeting=at_meeting)
            return "at the meeting" if at_meeting else "by the chair"

        outcomes = _at_once(committed_app, approve)
        approved = [outcome for outcome in outcomes if isinstance(outcome, str)]
        assert len(approved) == 1, outcomes
        refusals = [outcome for outcome in outcomes if isinstance(outcome, MeetingError)]
        assert [refusal.code for refusal in refusals] == ["minutes_approved"] * (N - 1)
        stored = _fresh(ids[0])
        assert stored.state == "approved"
        assert (stored.approved_at_meeting_id == ids[1]) == (approved == ["at the meeting"])


# --- the pages -------------------------------------------------------------------------------


def _as(client, person):
    client.post("/sign-out")
    assert login(client, person.email).status_code == 302
    return client


def _page(response) -> str:
    """The page's text as a reader sees it: tags dropped, spaces run together."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _select(response) -> str:
    """The select of the meetings that may have approved the minutes."""
    found = re.search(
        r'<select[^>]*name="at_meeting".*?</select>', response.get_data(as_text=True), re.S
    )
    return found.group(0) if found else ""


def _long(day: date, language: str = "en") -> str:
    return format_date(day, "long", locale=language)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    return " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )


@pytest.fixture
def others(committee, coordination, autumn):
    """Meetings the approval may not be recorded at: the group's next one (in a month), a
    cancelled one, an earlier one and one of another group."""
    future = _plan(committee, "Steering committee, spring", TODAY + timedelta(days=30))
    cancelled = _plan(committee, "Steering committee, cancelled", TODAY - timedelta(days=20))
    services.cancel_meeting(cancelled)
    earlier = _plan(committee, "Steering committee, summer", TODAY - timedelta(days=120))
    theirs = _plan(coordination, "Coordination", TODAY - timedelta(days=5))
    db.session.commit()
    return {"future": future, "cancelled": cancelled, "earlier": earlier, "theirs": theirs}


def test_the_secretary_records_the_next_meetings_approval_and_everyone_reads_it(
    client, autumn, circulated, winter, others, secretary, chair, member, tmp_path
):
    url = f"/meetings/{autumn.id}/minutes"
    winter_day = _long(winter.local_start.date())

    page = _page(_as(client, secretary).get(url))
    assert "Record approval at a later meeting" in page
    assert "Approve the minutes" not in page  # the chair approves alone, not the secretary
    offered = re.findall(r'<option value="(\d+)"', _select(client.get(url)))
    assert offered == [str(winter.id)]

    response = client.post(f"{url}/approve-at-meeting", data={"at_meeting": winter.id})
    assert response.status_code == 302
    page = _page(client.get(url))
    assert f"The approval at the meeting of {winter_day} has been recorded" in page
    assert f"Approved at the meeting of {winter_day} (recorded by Simon Secretary," in page
    assert "Locked." in page
    assert "Record approval at a later meeting" not in page
    assert "Write the minutes" not in page
    assert _fresh(circulated.id).approved_at_meeting_id == winter.id

    # A member reads the same on the minutes, the meeting's page and the PDF.
    page = _page(_as(client, member).get(url))
    assert f"Approved at the meeting of {winter_day} (recorded by Simon Secretary," in page
    page = _page(client.get(f"/meetings/{autumn.id}"))
    assert f"Version 1, approved at the meeting of {winter_day}." in page
    response = client.get(f"{url[: -len('/minutes')]}/minutes.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data, tmp_path)
    assert f"Approved at the meeting of {winter_day} (recorded by Simon Secretary," in text
    assert "Approved by" not in text

    # Amended, the approved version stays in the list with the meeting that approved it.
    services.amend_minutes(_fresh(circulated.id), secretary)
    db.session.commit()
    page = _page(_as(client, secretary).get(url))
    assert f"approved at the meeting of {winter_day} (recorded by Simon Secretary," in page


def test_the_public_reads_at_which_meeting_the_minutes_were_approved(
    client, circulated, winter, secretary, chair
):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    services.set_minutes_public(circulated, True)
    db.session.commit()
    page = _page(client.get(f"/public/minutes/{circulated.id}"))
    assert f"Approved At the meeting of {_long(winter.local_start.date())}" in page


def test_the_chair_sees_both_ways_to_approve(client, autumn, circulated, winter, chair):
    page = _page(_as(client, chair).get(f"/meetings/{autumn.id}/minutes"))
    assert "Approve the minutes" in page
    assert "Record approval at a later meeting" in page
    assert client.post(f"/meetings/{autumn.id}/minutes/approve").status_code == 302
    page = _page(client.get(f"/meetings/{autumn.id}/minutes"))
    assert "Approved by Charlotte Chair" in page
    assert "Approved at the meeting of" not in page


def test_without_a_later_meeting_that_has_begun_the_page_says_so(
    client, autumn, circulated, others, secretary
):
    page = _page(_as(client, secretary).get(f"/meetings/{autumn.id}/minutes"))
    assert "No later meeting of the group has begun yet" in page
    assert _select(client.get(f"/meetings/{autumn.id}/minutes")) == ""


@pytest.mark.parametrize("person", ["member", "outsider"])
def test_a_member_and_an_outsider_are_refused(request, client, autumn, circulated, winter, person):
    _as(client, request.getfixturevalue(person))
    page = _page(client.get(f"/meetings/{autumn.id}/minutes"))
    assert "Record approval at a later meeting" not in page
    response = client.post(
        f"/meetings/{autumn.id}/minutes/approve-at-meeting", data={"at_meeting": winter.id}
    )
    assert response.status_code == 403
    assert _fresh(circulated.id).state == "circulated"


def test_signed_out_one_is_asked_to_sign_in(client, autumn, circulated, winter):
    response = client.post(
        f"/meetings/{autumn.id}/minutes/approve-at-meeting", data={"at_meeting": winter.id}
    )
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert _fresh(circulated.id).state == "circulated"


@pytest.mark.parametrize(
    "value",
    ["future", "cancelled", "earlier", "theirs", "", "\x00", "9" * 40, "-1", "<script>", "1e309"],
)
def test_any_other_meeting_or_value_is_refused_on_the_form(
    client, autumn, circulated, winter, others, secretary, value
):
    sent = str(others[value].id) if value in others else value
    _as(client, secretary)
    response = client.post(
        f"/meetings/{autumn.id}/minutes/approve-at-meeting", data={"at_meeting": sent}
    )
    assert response.status_code == 422
    page = _page(response)
    assert (
        "Choose one of the group's later meetings that have begun." in page
        or "Contains a character that is not allowed" in page
        or "Please fill in this field." in page
    )
    assert _fresh(circulated.id).state == "circulated"


def test_a_second_approval_is_refused_with_a_message(client, autumn, circulated, winter, secretary):
    _as(client, secretary)
    url = f"/meetings/{autumn.id}/minutes/approve-at-meeting"
    assert client.post(url, data={"at_meeting": winter.id}).status_code == 302
    response = client.post(url, data={"at_meeting": winter.id}, follow_redirects=True)
    assert "These minutes are approved and locked" in _page(response)
    assert _fresh(circulated.id).approved_by.name == "Simon Secretary"


def test_a_meeting_cancelled_after_the_page_was_shown_is_refused(
    client, autumn, circulated, winter, secretary
):
    """The form offers the meetings of the moment it is sent: one cancelled meanwhile is gone."""
    _as(client, secretary)
    services.cancel_meeting(db.session.get(Meeting, winter.id))
    db.session.commit()
    response = client.post(
        f"/meetings/{autumn.id}/minutes/approve-at-meeting", data={"at_meeting": winter.id}
    )
    assert response.status_code == 422
    assert _fresh(circulated.id).state == "circulated"


def test_the_minutes_pdf_says_it_in_the_readers_language(
    client, autumn, circulated, winter, secretary, member, tmp_path
):
    services.approve_minutes(circulated, secretary, at_meeting=winter)
    member.language = "da"
    db.session.commit()
    _as(client, member)
    text = _pdf_text(client.get(f"/meetings/{autumn.id}/minutes.pdf").data, tmp_path)
    assert f"Godkendt på mødet den {_long(winter.local_start.date(), 'da')}" in text
    assert "Simon Secretary" in text


def test_the_secretariats_queue_leads_to_the_one_circulated_minutes(
    app, circulated, committee, secretary
):
    from consortium.main import workqueue

    def entry() -> workqueue.Entry:
        with app.test_request_context():
            queue = workqueue.secretariat_queue(user_id=0)
        return next(item for item in queue.entries if item.key == "minutes_to_approve")

    assert (entry().count, entry().url) == (
        1,
        f"/meetings/{circulated.meeting_id}/minutes",
    )
    # With a second set waiting, the entry leads to the past meetings instead.
    other = _plan(committee, "Extra meeting", TODAY - timedelta(days=30))
    item = services.add_agenda_item(other, title="Roads")
    services.circulate_minutes(services.write_minutes(other, secretary, {item.id: "Noted."}))
    db.session.commit()
    assert (entry().count, entry().url) == (2, "/meetings/?when=past")
