"""A product's backlog of items and the prioritisation rounds its coordination group runs.

An item's history is the audit trail of its row: every change of a field, who made it and when.
A round's ballots (one per organisation), the weights frozen when it opened and the result
written when it closed are locked by the database once the round is closed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.meetings.models import Decision
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier

ITEM_TYPES = ("wish", "bug", "epic")
ITEM_STATUSES = (
    "proposed",
    "accepted",
    "prioritised",
    "in_development",
    "delivered",
    "rejected",
)
# The methods of counting a round: dot voting, budget approval counted greedily or by the
# Method of Equal Shares, and Borda ranking.
ROUND_METHODS = ("points", "budget-greedy", "equal-shares", "borda")
BUDGET_METHODS = ("budget-greedy", "equal-shares")
WEIGHTINGS = ("equal", "cost_share", "tier")
ROUND_STATUSES = ("draft", "open", "closed")
# Where an organisation's frozen weight came from.
WEIGHT_SOURCES = ("equal", "recorded_share", "live_share", "tier")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Backlog:
    """A product's backlog as the permission rules see it: who takes part in the product, who
    sits in its groups, who supplies it. Not a table; every item and round has one."""

    permission_subject = "backlog"

    def __init__(self, product: Product) -> None:
        self.product = product

    def has_participant_contact(self, user_id: int) -> bool:
        """Whether the user is a contact of an organisation taking part in the product today."""
        from consortium.backlog.queries import participant_contact

        return participant_contact(self.product, user_id)

    def has_coordinator(self, user_id: int) -> bool:
        """Whether the user chairs or is secretary of one of the product's coordination groups."""
        from consortium.backlog.queries import coordinates

        return coordinates(self.product, user_id)

    def has_group_member(self, user_id: int) -> bool:
        """Whether the user sits in one of the product's groups today."""
        from consortium.backlog.queries import sits_in_product_group

        return sits_in_product_group(self.product, user_id)

    def has_supplier_contact(self, user_id: int) -> bool:
        """Whether the user is a contact of a supplier with a valid agreement for the product."""
        from consortium.backlog.queries import supplies

        return supplies(self.product, user_id)

    def __repr__(self) -> str:
        return f"<Backlog {self.product.slug}>"


class BacklogItem(db.Model):
    """A wish, bug or epic on a product's backlog."""

    __tablename__ = "backlog_item"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(_in("type", ITEM_TYPES), name="known_type"),
        CheckConstraint(_in("status", ITEM_STATUSES), name="known_status"),
        CheckConstraint("estimate IS NULL OR estimate >= 0", name="estimate_not_negative"),
        CheckConstraint(
            "estimate_hours IS NULL OR estimate_hours >= 0", name="estimate_hours_not_negative"
        ),
        CheckConstraint("priority_rank IS NULL OR priority_rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Markdown, sanitised when it is shown.
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(10), default="wish")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    # None when the secretariat entered the item for nobody in particular.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The supplier's estimate in money, with hours noted beside it.
    estimate: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    estimate_currency: Mapped[str | None] = mapped_column(String(3))
    estimate_hours: Mapped[Decimal | None] = mapped_column(Numeric(9, 1))
    estimate_note: Mapped[str] = mapped_column(Text, default="")
    estimated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    estimated_by_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"))
    estimated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # The rank the latest closed round gave the item.
    priority_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_user_id])
    estimated_by: Mapped[User | None] = relationship(foreign_keys=[estimated_by_user_id])
    estimated_by_supplier: Mapped[Supplier | None] = relationship()
    links: Mapped[list[BacklogLink]] = relationship(
        back_populates="item", order_by="BacklogLink.id"
    )
    comments: Mapped[list[BacklogComment]] = relationship(
        back_populates="item", order_by="BacklogComment.id"
    )

    # The trail keeps the time of every change already; the row's own stamp is bookkeeping.
    __audit_ignored__ = frozenset({"updated_at"})
    permission_subject = "backlog_item"

    @property
    def backlog(self) -> Backlog:
        return Backlog(self.product)

    @property
    def audit_label(self) -> str:
        return f"#{self.id} {self.title}"

    def __repr__(self) -> str:
        return f"<BacklogItem {self.id} {self.status} {self.title!r}>"


class BacklogLink(db.Model):
    """A link from an item to elsewhere, such as the issue in the product's tracker."""

    __tablename__ = "backlog_link"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name="http_url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[BacklogItem] = relationship(back_populates="links")

    @property
    def audit_label(self) -> str:
        return f"#{self.item_id} {self.label}"

    def __repr__(self) -> str:
        return f"<BacklogLink {self.item_id} {self.url!r}>"


class BacklogComment(db.Model):
    """A comment on an item, by a person (for an organisation when they are its contact)."""

    __tablename__ = "backlog_comment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[BacklogItem] = relationship(back_populates="comments")
    user: Mapped[User | None] = relationship()

    @property
    def backlog(self) -> Backlog:
        return self.item.backlog

    @property
    def audit_label(self) -> str:
        return f"#{self.item_id}"

    def __repr__(self) -> str:
        return f"<BacklogComment {self.id} on {self.item_id}>"


class PrioritisationRound(db.Model):
    """A coordination group's round: accepted items, a method, a weighting and a time to close.

    Draft, then open (the weights are frozen), then closed: the result is written, the items
    are prioritised and the group's decision recorded; the database refuses any change after.
    """

    __tablename__ = "backlog_round"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(_in("method", ROUND_METHODS), name="known_method"),
        CheckConstraint(_in("weighting", WEIGHTINGS), name="known_weighting"),
        CheckConstraint(_in("status", ROUND_STATUSES), name="known_status"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint(
            "method <> 'points' OR (points_total >= 1 AND max_per_item >= 1)",
            name="points_given",
        ),
        CheckConstraint(
            "method NOT IN ('budget-greedy', 'equal-shares') OR budget >= 0", name="budget_given"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(20))
    # Points: each organisation distributes points_total, at most max_per_item on one item.
    points_total: Mapped[int | None] = mapped_column(Integer)
    max_per_item: Mapped[int | None] = mapped_column(Integer)
    # The budget methods: the money the funded items may cost together.
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    weighting: Mapped[str] = mapped_column(String(20), default="equal")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None when the round closed at its closing time.
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the budget methods left unspent (no completion step: the money left is shown).
    budget_left: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), unique=True)

    product: Mapped[Product] = relationship()
    group: Mapped[Group] = relationship()
    decision: Mapped[Decision | None] = relationship()
    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", order_by="RoundItem.item_id"
    )
    weights: Mapped[list[RoundWeight]] = relationship(
        back_populates="round", order_by="RoundWeight.organisation_id"
    )
    ballots: Mapped[list[Ballot]] = relationship(
        back_populates="round", order_by="Ballot.organisation_id"
    )
    results: Mapped[list[RoundResult]] = relationship(
        back_populates="round", order_by="RoundResult.position"
    )

    permission_subject = "backlog_round"

    @property
    def backlog(self) -> Backlog:
        return Backlog(self.product)

    @property
    def is_budget_method(self) -> bool:
        return self.method in BUDGET_METHODS

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    def is_due(self, now: datetime) -> bool:
        """Whether the round is open and its closing time has come."""
        return self.status == "open" and now >= self.closes_at

    def has_chair_or_secretary(self, user_id: int) -> bool:
        """Whether the user chairs or is secretary of the round's group today."""
        return self.group.has_current_member(user_id, roles=("chair", "secretary"))

    def has_group_member(self, user_id: int) -> bool:
        return self.group.has_current_member(user_id)

    def weight_of(self, organisation_id: int) -> RoundWeight | None:
        return next(
            (each for each in self.weights if each.organisation_id == organisation_id), None
        )

    def vote_right(self, organisation: Organisation) -> VoteRight:
        return VoteRight(self, organisation)

    @property
    def audit_label(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<PrioritisationRound {self.id} {self.method} {self.status}>"


class VoteRight:
    """An organisation's place in a round, which the permission rules are asked about: any
    contact of a participating organisation who sits in the round's group fills in its ballot."""

    permission_subject = "backlog_vote"

    def __init__(self, round: PrioritisationRound, organisation: Organisation) -> None:  # noqa: A002
        self.round = round
        self.organisation = organisation

    def may_vote(self, user_id: int) -> bool:
        return (
            self.round.weight_of(self.organisation.id) is not None
            and self.organisation.has_contact(user_id)
            and self.round.has_group_member(user_id)
        )

    def __repr__(self) -> str:
        return f"<VoteRight round={self.round.id} organisation={self.organisation.id}>"


class RoundItem(db.Model):
    """An item in a round, with the cost the budget methods count (its estimate when the round
    opened)."""

    __tablename__ = "backlog_round_item"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", name="uq_backlog_round_item_round_item"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("backlog_round.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id"), index=True)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    round: Mapped[PrioritisationRound] = relationship(back_populates="items")
    item: Mapped[BacklogItem] = relationship()

    def __repr__(self) -> str:
        return f"<RoundItem {self.round_id}/{self.item_id}>"


class RoundWeight(db.Model):
    """An organisation's weight in a round, frozen when the round opened, with where it came
    from (its recorded share of the budget, the fee engine's live share, its size tier)."""

    __tablename__ = "backlog_round_weight"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "round_id", "organisation_id", name="uq_backlog_round_weight_round_organisation"
        ),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint(_in("source", WEIGHT_SOURCES), name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("backlog_round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    source: Mapped[str] = mapped_column(String(20))
    # The tier, or the budget year, the weight was read from.
    basis: Mapped[str] = mapped_column(String(100), default="")

    round: Mapped[PrioritisationRound] = relationship(back_populates="weights")
    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<RoundWeight {self.round_id}/{self.organisation_id} {self.weight}>"


class Ballot(db.Model):
    """An organisation's one ballot in a round; whoever cast it last is kept."""

    __tablename__ = "backlog_ballot"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint(
            "round_id", "organisation_id", name="uq_backlog_ballot_round_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("backlog_round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    cast_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[PrioritisationRound] = relationship(back_populates="ballots")
    organisation: Mapped[Organisation] = relationship()
    cast_by: Mapped[User | None] = relationship()
    entries: Mapped[list[BallotEntry]] = relationship(
        back_populates="ballot", order_by="BallotEntry.item_id", cascade="all, delete-orphan"
    )

    @property
    def values(self) -> dict[int, int]:
        """Item id → points, 1 for approval, or the rank."""
        return {entry.item_id: entry.value for entry in self.entries}

    @property
    def audit_label(self) -> str:
        return f"{self.round_id}/{self.organisation_id}"

    def __repr__(self) -> str:
        return f"<Ballot round={self.round_id} organisation={self.organisation_id}>"


class BallotEntry(db.Model):
    """What a ballot gives one item: points, 1 for approval, or its rank."""

    __tablename__ = "backlog_ballot_entry"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("ballot_id", "item_id", name="uq_backlog_ballot_entry_ballot_item"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("backlog_ballot.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id"), index=True)
    value: Mapped[int] = mapped_column(Integer)

    ballot: Mapped[Ballot] = relationship(back_populates="entries")

    def __repr__(self) -> str:
        return f"<BallotEntry {self.ballot_id}/{self.item_id}: {self.value}>"


class RoundResult(db.Model):
    """One row of a closed round's result, in order: rank (tied items share it), the exact
    score as text, and whether a budget method funded the item."""

    __tablename__ = "backlog_round_result"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", name="uq_backlog_round_result_round_item"),
        UniqueConstraint("round_id", "position", name="uq_backlog_round_result_round_position"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("backlog_round.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_item.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[str] = mapped_column(String(100))
    funded: Mapped[bool | None] = mapped_column(Boolean)

    round: Mapped[PrioritisationRound] = relationship(back_populates="results")
    item: Mapped[BacklogItem] = relationship()

    def __repr__(self) -> str:
        return f"<RoundResult {self.round_id} #{self.rank} item {self.item_id} {self.score}>"
