"""Meetings of a group: agenda, papers, attendance, minutes in versions, decisions and actions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.groups.models import Group

MEETING_KINDS = ("ordinary", "board", "general_assembly")
MEETING_STATUSES = ("planned", "cancelled")
REPLIES = ("invited", "attending", "declined")
PRESENCES = ("present", "absent", "excused")
MINUTES_STATES = ("draft", "circulated", "approved")
ACTION_STATUSES = ("open", "done")


class Meeting(db.Model):
    """A meeting of a group, stored in UTC with the time zone it was planned in."""

    __tablename__ = "meeting"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="ordinary")
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    # The invitation's iCalendar UID stays for the meeting's life; every change that is sent
    # out again (a new time, a cancellation) takes the next sequence number.
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    planned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the invitation first went out to the members; a new time or a cancellation is sent
    # only to a meeting whose invitation was sent.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[Group] = relationship()
    planned_by: Mapped[User | None] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position"
    )
    papers: Mapped[list[Paper]] = relationship(back_populates="meeting", order_by="Paper.id")
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id"
    )
    minutes_versions: Mapped[list[Minutes]] = relationship(
        back_populates="meeting", order_by="Minutes.version", foreign_keys="Minutes.meeting_id"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="Decision.number"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting", order_by="ActionItem.id"
    )

    permission_subject = "meeting"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """The start as the clock in the meeting's time zone shows it."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def latest_minutes(self) -> Minutes | None:
        return self.minutes_versions[-1] if self.minutes_versions else None

    @property
    def approved_minutes(self) -> Minutes | None:
        """The latest approved version, the one that counts."""
        approved = [each for each in self.minutes_versions if each.state == "approved"]
        return approved[-1] if approved else None

    def has_current_member(self, user_id: int, roles: tuple[str, ...] | None = None) -> bool:
        """Whether the user sits in the meeting's group today (in one of the roles)."""
        return self.group.has_current_member(user_id, roles)

    @property
    def audit_label(self) -> str:
        return f"{self.group.name}: {self.title}" if self.group else self.title

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r} {self.starts_at:%Y-%m-%d %H:%M}Z>"


class AgendaItem(db.Model):
    """One point of a meeting's agenda, in the order the meeting takes them."""

    __tablename__ = "agenda_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    expected_minutes: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    papers: Mapped[list[Paper]] = relationship(back_populates="agenda_item", order_by="Paper.id")

    @property
    def audit_label(self) -> str:
        return f"{self.position}. {self.title}"

    def __repr__(self) -> str:
        return f"<AgendaItem {self.meeting_id}/{self.position} {self.title!r}>"


class Paper(db.Model):
    """A document sent with the agenda, kept in the database."""

    __tablename__ = "meeting_paper"
    __audited__ = True
    # The bytes are kept once, not copied into the trail.
    __audit_redacted__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="papers")
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="papers")

    @property
    def audit_label(self) -> str:
        return self.filename

    def __repr__(self) -> str:
        return f"<Paper {self.id} {self.filename!r} {self.media_type}>"


class Attendance(db.Model):
    """A member's reply to the invitation and whether they were there; or a guest."""

    __tablename__ = "meeting_attendance"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_attendance_user"),
        CheckConstraint("user_id IS NOT NULL OR guest_name <> ''", name="a_member_or_a_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    reply: Mapped[str] = mapped_column(String(20), default="invited")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    presence: Mapped[str | None] = mapped_column(String(20))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    user: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def audit_label(self) -> str:
        return self.guest_name or str(self.user_id)

    def __repr__(self) -> str:
        return f"<Attendance {self.meeting_id} {self.user_id or self.guest_name!r} {self.reply}>"


class Minutes(db.Model):
    """One version of a meeting's minutes. Approved, it is locked: the database refuses to
    change it, and a later change is a new version."""

    __tablename__ = "meeting_minutes"
    __audited__ = True
    __table_args__ = (UniqueConstraint("meeting_id", "version", name="uq_meeting_minutes_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The later meeting of the group that approved the minutes, when they were not approved by
    # the chair alone; ``approved_by`` is then who recorded it and ``approved_at`` when.
    approved_at_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    # Whether the approved minutes are on the public pages; the one thing that may change
    # after approval.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    meeting: Mapped[Meeting] = relationship(
        back_populates="minutes_versions", foreign_keys=[meeting_id]
    )
    author: Mapped[User | None] = relationship(foreign_keys=[author_user_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_user_id])
    approved_at_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[approved_at_meeting_id]
    )
    texts: Mapped[list[MinutesText]] = relationship(
        back_populates="minutes", order_by="MinutesText.id"
    )
    comments: Mapped[list[MinutesComment]] = relationship(
        back_populates="minutes", order_by="MinutesComment.created_at"
    )

    permission_subject = "minutes"

    @property
    def is_locked(self) -> bool:
        return self.state == "approved"

    @property
    def is_published(self) -> bool:
        return self.state == "approved" and self.is_public

    def text_for(self, agenda_item: AgendaItem | None) -> str:
        """The minutes' text on an agenda item (None: what was said outside the agenda)."""
        wanted = agenda_item.id if agenda_item is not None else None
        for each in self.texts:
            if each.agenda_item_id == wanted:
                return each.text
        return ""

    def has_current_member(self, user_id: int, roles: tuple[str, ...] | None = None) -> bool:
        return self.meeting.has_current_member(user_id, roles)

    @property
    def audit_label(self) -> str:
        return f"{self.meeting.audit_label} v{self.version}" if self.meeting else str(self.version)

    def __repr__(self) -> str:
        return f"<Minutes {self.meeting_id} v{self.version} {self.state}>"


class MinutesText(db.Model):
    """The minutes' Markdown text on one agenda item (or on none: other business)."""

    __tablename__ = "meeting_minutes_text"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("minutes_id", "agenda_item_id", name="uq_meeting_minutes_text_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="texts")
    agenda_item: Mapped[AgendaItem | None] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesText {self.minutes_id}/{self.agenda_item_id}>"


class MinutesComment(db.Model):
    """A member's comment on circulated minutes."""

    __tablename__ = "meeting_minutes_comment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesComment {self.minutes_id} by {self.user_id}>"


class DecisionSequence(db.Model):
    """The last decision number a group took in a year; numbers run without a gap."""

    __tablename__ = "decision_number_sequence"
    __table_args__ = (
        UniqueConstraint("group_id", "year", name="uq_decision_number_sequence_group_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<DecisionSequence {self.group_id}/{self.year}: {self.last_number}>"


class Decision(db.Model):
    """A decision a group took, numbered per group and year (OS2FORMS-SC-2027-04): at a meeting,
    or without one (a prioritisation round's result, decided by the group's votes)."""

    __tablename__ = "decision"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("group_id", "year", "number", name="uq_decision_group_year_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship()
    meeting: Mapped[Meeting | None] = relationship(back_populates="decisions")
    agenda_item: Mapped[AgendaItem | None] = relationship()

    @property
    def taken_on(self) -> date:
        """The day of the decision: its meeting's day where the meeting was held, else the day
        it was recorded in the association's time zone (a round's closing)."""
        if self.meeting is not None:
            return self.meeting.local_start.date()
        from consortium.settings.services import get_settings

        return self.recorded_at.astimezone(ZoneInfo(get_settings().timezone)).date()

    @property
    def audit_label(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"<Decision {self.code}>"


class ActionItem(db.Model):
    """Something a person is to do by a day, agreed at a meeting."""

    __tablename__ = "action_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="action_items")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_user_id])

    permission_subject = "action_item"

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on is not None and self.due_on < today

    @property
    def audit_label(self) -> str:
        return self.what[:80]

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status} due {self.due_on}>"
