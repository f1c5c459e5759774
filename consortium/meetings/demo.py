"""The demo's meetings: the groups get their short codes; a product's steering committee and
coordination group have met twice with approved, published minutes (attendance, decisions,
action items: one of the demo member Anna Jensen's overdue, one done), the coordination group
also once with private minutes, and each meets again soon with an agenda and a paper; the
board and the general assembly meet soon, with the bylaws' deadlines to show (the board's
notice went out late). Invitations are recorded as sent, their mails kept in the outbox like
the demo's invoices: the demo's past, not news for anyone.

Loaded after the groups (consortium/groups/demo.py). Uses the services only, except for the
days things happened, which the demo sets in the past.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.extensions import db
from consortium.groups import queries as group_queries
from consortium.groups.models import Group
from consortium.mail.models import KEPT, OutboxMessage
from consortium.meetings import services
from consortium.meetings.mail import send_invitation
from consortium.meetings.models import Meeting

ANNA = "anna.jensen@demo.example.org"
ZONE = "Europe/Copenhagen"


def group_code(group: Group) -> str:
    """The demo's code of a group: BOARD, GA, or the product's slug with SC or CG."""
    if group.kind == "board":
        return "BOARD"
    if group.kind == "general_assembly":
        return "GA"
    suffix = {"steering_committee": "SC", "coordination_group": "CG"}.get(group.kind, "TG")
    slug = group.product.slug if group.product is not None else str(group.id)
    return f"{slug.upper().replace('_', '-')[:26]}-{suffix}"


def load_demo(today: date | None = None) -> None:
    """Give every group its code and add the meetings described above."""
    today = today or date.today()
    groups = db.session.scalars(select(Group).order_by(Group.id)).all()
    if not groups:
        return
    for group in groups:
        if group.code is None:
            services.set_group_code(group, group_code(group))
    anna = auth_services.find_user_by_email(ANNA)
    before = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0

    committee = _with_member(groups, "steering_committee", anna)
    coordination = _with_member(groups, "coordination_group", anna)
    if committee is not None:
        _product_group_year(committee, today, anna, private=False)
    if coordination is not None:
        _product_group_year(coordination, today, anna, private=True)
    for group in groups:
        if group.kind == "general_assembly":
            meeting = _meeting(group, "Annual general assembly", today + timedelta(days=24), 14)
            _agenda(meeting, ANNUAL_AGENDA)
            _invite(meeting, today - timedelta(days=20))
        elif group.kind == "board":
            meeting = _meeting(group, "Board meeting", today + timedelta(days=10), 15)
            _agenda(meeting, BOARD_AGENDA)
            # Called two days ago, when the bylaws wanted two weeks' notice.
            _invite(meeting, today - timedelta(days=2))
    # The demo's mail is kept in the outbox, never sent, whatever the mail settings.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > before)
        .values(status=KEPT, next_attempt_at=None)
    )
    db.session.flush()


ANNUAL_AGENDA = (
    ("Election of the chair of the meeting", ""),
    ("The board's annual report", "The board's chair"),
    ("The accounts 2026", "The secretariat"),
    ("Proposals", ""),
    ("Membership fee and budget", "The secretariat"),
    ("Election of board members", ""),
)
BOARD_AGENDA = (
    ("Products at level N2 and N3", "The secretariat"),
    ("Preparing the general assembly", "The board's chair"),
)


def _with_member(groups: list[Group], kind: str, user: User | None) -> Group | None:
    """The first group of the kind that the user sits in (else the first of the kind)."""
    of_kind = [group for group in groups if group.kind == kind]
    if user is not None:
        for group in of_kind:
            if group.has_current_member(user.id):
                return group
    return of_kind[0] if of_kind else None


def _moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _meeting(group: Group, title: str, day: date, hour: int) -> Meeting:
    return services.plan_meeting(
        group,
        title=title,
        day=day,
        starts=time(hour, 0),
        ends=time(hour + 2, 0),
        timezone=ZONE,
        place="Aarhus Rådhus, mødelokale 3",
        video_url="https://meet.example.org/" + (group.code or "meeting").lower(),
    )


def _agenda(meeting: Meeting, items: tuple[tuple[str, str], ...]) -> list:
    return [
        services.add_agenda_item(meeting, title=title, presenter=presenter, expected_minutes=20)
        for title, presenter in items
    ]


def _invite(meeting: Meeting, on: date) -> None:
    """Send the invitation as the page does (each member's mail in their language with the
    .ics), recorded as sent on that day."""
    send_invitation(meeting)
    meeting.invited_at = _moment(on, 8)


def _present(meeting: Meeting, excused: int | None = None) -> list[User]:
    """Record everyone invited as present (one of them excused); the members, in order."""
    people = [each.user for each in meeting.attendances if each.user is not None]
    for index, person in enumerate(people):
        services.record_attendance(meeting, person, "excused" if index == excused else "present")
    return people


def _approve(
    meeting: Meeting,
    texts: dict,
    author: User,
    public: bool,
    on: date,
    at_meeting: Meeting | None = None,
) -> None:
    """Minutes written, circulated and approved on that day: by the group's chair, or (with
    ``at_meeting``) at that later meeting, as the author recorded it."""
    chair = next(
        (
            member.user
            for member in group_queries.current_members(meeting.group)
            if member.role == "chair"
        ),
        author,
    )
    minutes = services.write_minutes(meeting, author, texts)
    services.circulate_minutes(minutes)
    minutes.created_at = _moment(on - timedelta(days=8))
    minutes.circulated_at = _moment(on - timedelta(days=7))
    minutes.approved_at = _moment(on)
    minutes.state = "approved"
    minutes.approved_by = chair if at_meeting is None else author
    minutes.approved_at_meeting = at_meeting
    db.session.flush()
    if public:
        services.set_minutes_public(minutes, True)


def _product_group_year(group: Group, today: date, anna: User | None, *, private: bool) -> None:
    """Two past meetings with approved minutes (the second private when ``private``), and the
    next one soon with an agenda and a paper."""
    product = group.product.name if group.product is not None else group.name
    first_day, second_day = today - timedelta(days=84), today - timedelta(days=28)

    first = _meeting(group, f"{product}: spring meeting", first_day, 10)
    budget, roadmap, _other = _agenda(
        first, (("Budget for next year", ""), ("Roadmap", ""), ("Any other business", ""))
    )
    _invite(first, first_day - timedelta(days=21))
    people = _present(first, excused=2)
    secretary = people[1] if len(people) > 1 else people[0]
    services.record_decision(
        first,
        f"The budget of {product} for next year is recommended to the board as presented.",
        agenda_item=budget,
        recorded_by=secretary,
    )
    services.record_decision(
        first,
        "The next release concentrates on accessibility (WCAG 2.1 AA) and the Danish "
        "municipalities' shared login.",
        agenda_item=roadmap,
        recorded_by=secretary,
    )
    owner = anna or people[0]
    services.add_action_item(
        first,
        what="Collect the municipalities' wishes for the next release",
        owner=owner,
        due_on=first_day + timedelta(days=42),  # open and overdue
        agenda_item=roadmap,
        created_by=secretary,
    )
    done = services.add_action_item(
        first,
        what="Send the budget to the secretariat",
        owner=people[0],
        due_on=first_day + timedelta(days=14),
        agenda_item=budget,
        created_by=secretary,
    )
    services.mark_action_done(done, people[0])
    done.done_at = _moment(first_day + timedelta(days=10))
    second = _meeting(group, f"{product}: status meeting", second_day, 13)
    # The spring meeting's minutes were approved at the next meeting.
    _approve(
        first,
        {
            budget.id: "The secretariat presented the budget. **Unanimous** recommendation.",
            roadmap.id: "The supplier showed the roadmap.\n\n- accessibility\n- shared login",
        },
        secretary,
        public=True,
        on=second_day + timedelta(days=1),
        at_meeting=second,
    )
    (status,) = _agenda(second, (("Status of the release", "The supplier"),))
    _invite(second, second_day - timedelta(days=14))
    _present(second)
    services.record_decision(
        second,
        "The release goes to the test municipalities in four weeks.",
        agenda_item=status,
        recorded_by=secretary,
    )
    _approve(
        second,
        {status.id: "The release is on time; two bugs found in testing are being fixed."},
        secretary,
        public=not private,
        on=second_day + timedelta(days=8),
    )

    upcoming = _meeting(group, f"{product}: summer meeting", today + timedelta(days=21), 10)
    items = _agenda(upcoming, (("Approval of the minutes", ""), ("Budget follow-up", "")))
    services.attach_paper(
        upcoming,
        "budget-follow-up.pdf",
        demo_pdf(f"{product}: budget follow-up"),
        agenda_item=items[1],
        uploaded_by=secretary,
    )
    _invite(upcoming, today - timedelta(days=3))


def demo_pdf(line: str) -> bytes:
    """A one-page PDF with one line of text: the demo's paper."""
    text = line.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = zlib.compress(b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
