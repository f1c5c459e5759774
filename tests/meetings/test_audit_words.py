"""The secretariat reads a meeting's changes in the audit trail in words: the kind of record,
its fields as the meetings name them, and the fixed choices in the reader's language."""

from __future__ import annotations

from consortium.extensions import db
from consortium.meetings import services


def test_a_decision_and_an_action_item_read_in_words(secretariat_client, meeting, member):
    decision = services.record_decision(meeting, "The budget is approved.")
    item = services.add_action_item(meeting, what="Send the budget", owner=member)
    services.mark_action_done(item)
    db.session.commit()

    page = secretariat_client.get(f"/audit/decision/{decision.id}").get_data(as_text=True)
    assert "Decision number" in page
    assert "OS2FORMS-SC-2027-01" in page
    assert "Requirement (English)" not in page  # the word of another record's "text"
    assert "Year (population" not in page

    page = secretariat_client.get(f"/audit/action_item/{item.id}").get_data(as_text=True)
    assert "Action item" in page
    assert "<del>Open</del> → <ins>Done</ins>" in page


def test_a_meetings_kind_reply_and_presence_read_in_words(secretariat_client, meeting, member):
    services.reply_to_invitation(meeting, member, "attending")
    attendance = services.record_attendance(meeting, member, "excused")
    attendance_id = attendance.id
    services.cancel_meeting(meeting)
    db.session.commit()
    page = secretariat_client.get(f"/audit/meeting/{meeting.id}").get_data(as_text=True)
    assert "<del>Planned</del> → <ins>Cancelled</ins>" in page
    page = secretariat_client.get(f"/audit/meeting_attendance/{attendance_id}").get_data(
        as_text=True
    )
    assert "<ins>Attending</ins>" in page
    assert "<ins>Excused</ins>" in page
    assert "Member" in page
