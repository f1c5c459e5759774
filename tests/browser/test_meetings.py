"""Meetings in a real browser: a group's secretary plans a meeting with an agenda, sends the
invitation, records attendance, writes the minutes with a decision and an action item and
circulates them; the chair approves and publishes them; the member who owns the action item
finds it, overdue, under their action items; and the public reads the published minutes, in
which a script written into the Markdown does not run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.mail.models import OutboxMessage
from consortium.meetings.models import Meeting
from consortium.members import services as members
from consortium.products.models import Product
from tests.browser.test_in_chromium import sign_in
from tests.groups.factories import add, contact

pytestmark = pytest.mark.browser


def _context(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    return context


def _committee(live_app):
    """The Meeting Forms steering committee with a chair, a secretary and a member."""
    with live_app.app_context():
        product = Product(slug="meeting-forms", name="Meeting Forms", status="product")
        db.session.add(product)
        organisation = members.create_organisation(
            name="Meetingby Kommune", kind="municipality", country="DK"
        )
        group = groups.create_group("steering_committee", "Meeting Forms committee", product)
        group.code = "MEETFORMS-SC"
        db.session.commit()
        people = {
            role: contact(organisation, f"{role}@meetingby.example.dk", name)
            for role, name in (
                ("chair", "Clara Chair"),
                ("secretary", "Sune Secretary"),
                ("member", "Maja Member"),
            )
        }
        for role, person in people.items():
            add(group, person, organisation, role=role)
        return group.id


def test_a_secretary_runs_a_meeting_and_the_chair_approves_the_minutes(
    browser, live_app, live_server
):
    group_id = _committee(live_app)
    day = date.today() + timedelta(days=30)
    overdue = date.today() - timedelta(days=1)

    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "secretary@meetingby.example.dk")

    # Plan the meeting from the group's page.
    page.goto(f"{live_server}/groups/{group_id}")
    page.get_by_role("link", name="Plan a meeting").click()
    page.get_by_label("Title").fill("Spring steering meeting")
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Place").fill("Town hall, room 3")
    page.locator("main form button[type=submit]").last.click()
    assert "Spring steering meeting" in page.get_by_role("heading", level=1).inner_text()
    meeting_url = page.url

    # Two agenda items; the second is moved up.
    for title, presenter in (("Budget 2028", "Clara Chair"), ("Roadmap", "Sune Secretary")):
        page.get_by_role("link", name="Add an agenda item").click()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Presenter").fill(presenter)
        page.get_by_label("Expected duration in minutes").fill("30")
        page.locator("main form button[type=submit]").last.click()
    agenda = page.locator("#agenda").inner_text()
    assert agenda.index("Budget 2028") < agenda.index("Roadmap")
    page.get_by_role("button", name="Move “Roadmap” up").click()
    agenda = page.locator("#agenda").inner_text()
    assert agenda.index("Roadmap") < agenda.index("Budget 2028")

    # The invitation goes to the three members with the calendar file.
    page.get_by_role("button", name="Send the invitation").click()
    assert "The invitation went to 3 members." in page.locator("main").inner_text()
    with live_app.app_context():
        meeting = db.session.scalars(
            db.select(Meeting).where(Meeting.title == "Spring steering meeting")
        ).one()
        meeting_id = meeting.id
        mails = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.subject.contains("Spring steering"))
        ).all()
        assert sorted(mail.recipient for mail in mails) == [
            "chair@meetingby.example.dk",
            "member@meetingby.example.dk",
            "secretary@meetingby.example.dk",
        ]
        assert all(
            [each.filename for each in mail.attachments] == ["invitation.ics"] for mail in mails
        )

    # Attendance: the chair and the secretary present, the member excused.
    page.goto(meeting_url)
    page.get_by_label("Attendance of Clara Chair").select_option("present")
    page.get_by_label("Attendance of Sune Secretary").select_option("present")
    page.get_by_label("Attendance of Maja Member").select_option("excused")
    page.get_by_role("button", name="Save the attendance").click()

    # The minutes, with a script that must not run, a decision and an action item.
    page.get_by_role("link", name="Write the minutes").click()
    page.get_by_label("1. Roadmap").fill(
        "The roadmap was **agreed**.\n\n<script>document.title = 'hacked'</script>"
    )
    page.get_by_label("2. Budget 2028").fill("The budget was discussed.")
    page.get_by_role("button", name="Save the minutes").click()
    page.get_by_label("Decision", exact=True).fill("The budget for 2028 is approved.")
    page.locator("#decisions form").get_by_label("On the agenda item").select_option(
        label="2. Budget 2028"
    )
    page.get_by_role("button", name="Record the decision").click()
    assert "MEETFORMS-SC-" in page.locator("#decisions").inner_text()
    page.get_by_label("What is to be done").fill("Send the budget to the municipalities")
    page.get_by_label("Who does it").select_option(label="Maja Member")
    page.get_by_label("Due").fill(overdue.isoformat())
    page.get_by_role("button", name="Add the action item").click()
    assert "Send the budget to the municipalities" in page.locator("#actions").inner_text()
    assert page.title() != "hacked"
    assert page.locator("main strong", has_text="agreed").count() == 1
    page.get_by_role("button", name="Circulate to the group for comments").click()
    assert "Circulated" in page.locator("main").inner_text()
    context.close()

    # The chair approves and publishes; approved minutes offer no editing.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "chair@meetingby.example.dk")
    page.goto(f"{live_server}/meetings/{meeting_id}/minutes")
    # The button leads to a page that says what will happen; its button does it.
    page.get_by_role("link", name="Approve the minutes", exact=True).click()
    page.get_by_role("button", name="Approve the minutes", exact=True).click()
    main = page.locator("main").inner_text()
    assert "Locked." in main
    assert page.get_by_role("button", name="Save the minutes").count() == 0
    page.get_by_role("button", name="Make public").click()
    assert "Yes, on the public pages" in page.locator("main").inner_text()
    context.close()

    # The member finds the action item, overdue, under their action items.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, "member@meetingby.example.dk")
    page.goto(f"{live_server}/meetings/")
    page.get_by_role("link", name="My action items").click()
    actions = page.locator("main").inner_text()
    assert "Send the budget to the municipalities" in actions
    assert "Overdue" in actions
    context.close()

    # The public reads the published minutes, and the script is shown nowhere as a script.
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{live_server}/public/minutes")
    page.get_by_role("link", name="Spring steering meeting").click()
    public = page.locator("main").inner_text()
    assert "The roadmap was agreed." in public
    assert "The budget for 2028 is approved." in public
    assert "Clara Chair" in public
    assert page.title() != "hacked"
    assert page.locator("main script").count() == 0
    context.close()
