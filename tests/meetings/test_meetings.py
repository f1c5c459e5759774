"""Planning, changing and cancelling meetings; their agenda and attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Meeting
from consortium.meetings.services import MeetingError


def _reloaded(meeting: Meeting) -> Meeting:
    meeting_id = meeting.id
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def _plan(group, day, starts, ends, timezone="Europe/Copenhagen", **fields):
    return services.plan_meeting(
        group, title="Meeting", day=day, starts=starts, ends=ends, timezone=timezone, **fields
    )


@pytest.mark.parametrize(
    ("day", "utc_start", "offset"),
    [
        # The Saturday before summer time begins (29 March 2027), and the Monday after.
        (date(2027, 3, 27), datetime(2027, 3, 27, 9, 0, tzinfo=UTC), "+01:00"),
        (date(2027, 3, 29), datetime(2027, 3, 29, 8, 0, tzinfo=UTC), "+02:00"),
        # The Saturday before winter time (31 October 2027), and the Monday after.
        (date(2027, 10, 30), datetime(2027, 10, 30, 8, 0, tzinfo=UTC), "+02:00"),
        (date(2027, 11, 1), datetime(2027, 11, 1, 9, 0, tzinfo=UTC), "+01:00"),
    ],
)
def test_ten_oclock_stays_ten_oclock_in_copenhagen_across_the_clock_change(
    committee, day, utc_start, offset
):
    meeting = _reloaded(_plan(committee, day, time(10, 0), time(12, 0)))
    assert meeting.starts_at == utc_start
    assert meeting.local_start.strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 10:00"
    assert meeting.local_start.isoformat().endswith(offset)
    assert meeting.local_end.strftime("%H:%M") == "12:00"
    assert meeting.timezone == "Europe/Copenhagen"


def test_a_meeting_over_the_night_the_clocks_go_back_lasts_an_hour_longer(committee):
    meeting = _reloaded(_plan(committee, date(2027, 10, 31), time(0, 30), time(4, 30)))
    assert meeting.ends_at - meeting.starts_at == datetime(1, 1, 1, 5) - datetime(1, 1, 1, 0)


def test_a_time_the_clocks_skip_is_refused_with_the_reason(committee):
    with pytest.raises(MeetingError) as refused:
        _plan(committee, date(2027, 3, 28), time(2, 30), time(3, 30))
    assert refused.value.code == "time_does_not_exist"
    assert "02:30" in refused.value.message
    assert "Europe/Copenhagen" in refused.value.message


def test_a_meeting_in_another_zone_keeps_that_zone(committee):
    meeting = _reloaded(
        _plan(committee, date(2027, 6, 1), time(9, 0), time(10, 0), "Europe/Prague")
    )
    assert meeting.timezone == "Europe/Prague"
    assert meeting.starts_at == datetime(2027, 6, 1, 7, 0, tzinfo=UTC)


def test_the_associations_time_zone_is_the_default(committee):
    meeting = _plan(committee, date(2027, 1, 5), time(9, 0), time(10, 0), timezone=None)
    assert meeting.timezone == "Europe/Copenhagen"
    assert meeting.starts_at == datetime(2027, 1, 5, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "Europe/Copen\x00hagen", "../etc/passwd", "x" * 500]
)
def test_an_unknown_time_zone_is_refused(committee, zone):
    with pytest.raises(MeetingError) as refused:
        _plan(committee, date(2027, 1, 5), time(9, 0), time(10, 0), zone)
    assert refused.value.code == "timezone"


def test_a_meeting_ends_after_it_starts(committee):
    with pytest.raises(MeetingError) as refused:
        _plan(committee, date(2027, 1, 5), time(10, 0), time(10, 0))
    assert refused.value.code == "ends_before_start"


@pytest.mark.parametrize("title", ["", "   ", "a" * 201, "Budget\x00"])
def test_a_title_must_be_given_and_plain(committee, title):
    with pytest.raises(MeetingError):
        services.plan_meeting(
            committee, title=title, day=date(2027, 1, 5), starts=time(9), ends=time(10)
        )


def test_every_current_member_is_invited(meeting, chair, secretary, member, outsider):
    invited = {attendance.user_id: attendance.reply for attendance in meeting.attendances}
    assert invited == {chair.id: "invited", secretary.id: "invited", member.id: "invited"}


def test_a_board_meeting_is_a_board_meeting(app):
    from consortium.groups import services as groups

    board = groups.create_group("board", "The board")
    meeting = _plan(board, date(2027, 2, 1), time(16), time(18))
    assert meeting.kind == "board"


def test_a_new_time_keeps_the_invitation_and_raises_its_sequence(meeting):
    uid = meeting.uid
    assert meeting.sequence == 0
    changed = services.update_meeting(
        meeting,
        title=meeting.title,
        day=date(2027, 3, 31),
        starts=time(13, 0),
        ends=time(15, 0),
        timezone=None,
        place=meeting.place,
        video_url="",
    )
    meeting = _reloaded(meeting)
    assert changed
    assert meeting.uid == uid
    assert meeting.sequence == 1
    # After the change to summer time 13:00 in Copenhagen is 11:00 UTC.
    assert meeting.starts_at == datetime(2027, 3, 31, 11, 0, tzinfo=UTC)


def test_saving_a_meeting_unchanged_sends_nothing_new(meeting):
    local = meeting.local_start
    changed = services.update_meeting(
        meeting,
        title=meeting.title,
        day=local.date(),
        starts=local.time(),
        ends=meeting.local_end.time(),
        timezone=meeting.timezone,
        place=meeting.place,
        video_url=meeting.video_url,
    )
    assert not changed
    assert _reloaded(meeting).sequence == 0


def test_a_cancelled_meeting_takes_the_next_sequence_and_no_more_changes(meeting):
    services.cancel_meeting(meeting)
    meeting = _reloaded(meeting)
    assert meeting.status == "cancelled"
    assert meeting.sequence == 1
    assert meeting.cancelled_at is not None
    with pytest.raises(MeetingError) as refused:
        services.cancel_meeting(meeting)
    assert refused.value.code == "already_cancelled"
    with pytest.raises(MeetingError):
        services.add_agenda_item(meeting, title="Late item")


def test_the_agenda_keeps_the_order_it_is_given(meeting):
    welcome = services.add_agenda_item(meeting, title="Welcome", expected_minutes=5)
    budget = services.add_agenda_item(
        meeting, title="Budget 2028", presenter="Simon", expected_minutes=30
    )
    roadmap = services.add_agenda_item(meeting, title="Roadmap", description="**Q3**")
    assert [item.title for item in _reloaded(meeting).agenda] == [
        "Welcome",
        "Budget 2028",
        "Roadmap",
    ]

    services.reorder_agenda(meeting, [roadmap.id, welcome.id, budget.id])
    assert [item.title for item in _reloaded(meeting).agenda] == [
        "Roadmap",
        "Welcome",
        "Budget 2028",
    ]

    services.move_agenda_item(budget, -1)
    assert [item.title for item in _reloaded(meeting).agenda] == [
        "Roadmap",
        "Budget 2028",
        "Welcome",
    ]
    services.move_agenda_item(roadmap, -1)  # already first
    assert [item.position for item in _reloaded(meeting).agenda] == [1, 2, 3]

    services.remove_agenda_item(budget)
    agenda = _reloaded(meeting).agenda
    assert [(item.position, item.title) for item in agenda] == [(1, "Roadmap"), (2, "Welcome")]


@pytest.mark.parametrize("order", ["none", "missing", "twice", "foreign"])
def test_a_new_order_must_name_every_item_once(meeting, order):
    first = services.add_agenda_item(meeting, title="One")
    second = services.add_agenda_item(meeting, title="Two")
    ids = {
        "none": [],
        "missing": [first.id],
        "twice": [first.id, first.id],
        "foreign": [first.id, second.id + 1000],
    }[order]
    with pytest.raises(MeetingError) as refused:
        services.reorder_agenda(meeting, ids)
    assert refused.value.code == "agenda_order"


@pytest.mark.parametrize("minutes", [0, -5, 100_000])
def test_an_expected_duration_is_sensible(meeting, minutes):
    with pytest.raises(MeetingError) as refused:
        services.add_agenda_item(meeting, title="Long", expected_minutes=minutes)
    assert refused.value.code == "expected_minutes"


def test_an_agenda_item_with_a_decision_stays(meeting):
    item = services.add_agenda_item(meeting, title="Budget")
    services.record_decision(meeting, "The budget is approved.", agenda_item=item)
    with pytest.raises(MeetingError) as refused:
        services.remove_agenda_item(item)
    assert refused.value.code == "agenda_item_in_use"


def test_members_reply_and_the_secretary_records_who_came(meeting, member, chair, outsider):
    services.reply_to_invitation(meeting, member, "attending")
    services.reply_to_invitation(meeting, chair, "declined")
    services.reply_to_invitation(meeting, member, "declined")  # changed their mind
    services.record_attendance(meeting, member, "excused")
    services.record_attendance(meeting, chair, "present")
    services.add_guest(meeting, "Gitte Guest (supplier)", "present")
    meeting = _reloaded(meeting)
    by_name = {each.name: (each.reply, each.presence) for each in meeting.attendances}
    assert by_name["Mette Member"] == ("declined", "excused")
    assert by_name["Charlotte Chair"] == ("declined", "present")
    assert by_name["Gitte Guest (supplier)"] == ("attending", "present")
    assert len([each for each in meeting.attendances if each.user_id == member.id]) == 1


def test_only_members_reply_and_only_yes_or_no(meeting, outsider, member):
    with pytest.raises(MeetingError) as refused:
        services.reply_to_invitation(meeting, outsider, "attending")
    assert refused.value.code == "not_a_member"
    with pytest.raises(MeetingError) as refused:
        services.reply_to_invitation(meeting, member, "maybe")
    assert refused.value.code == "reply"
    with pytest.raises(MeetingError) as refused:
        services.record_attendance(meeting, member, "asleep")
    assert refused.value.code == "presence"
    with pytest.raises(MeetingError) as refused:
        services.add_guest(meeting, "\x00")
    assert refused.value.code == "guest_name"


def test_nobody_replies_to_a_cancelled_meeting(meeting, member):
    services.cancel_meeting(meeting)
    with pytest.raises(MeetingError) as refused:
        services.reply_to_invitation(meeting, member, "attending")
    assert refused.value.code == "cancelled"
