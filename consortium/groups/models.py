"""Groups and their members' terms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium.auth.models import User
from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db
from consortium.members.models import Organisation
from consortium.periods import in_force_on
from consortium.products.models import Product
from consortium.suppliers.models import Supplier

GROUP_KINDS = (
    "board",
    "general_assembly",
    "steering_committee",
    "coordination_group",
    "topic_group",
)
# Kinds that belong to a product.
PRODUCT_GROUP_KINDS = ("steering_committee", "coordination_group", "topic_group")
MEMBER_ROLES = ("chair", "secretary", "member", "observer")


class Group(db.Model):
    __tablename__ = "group"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    # The short code that names the group's decisions ("OS2FORMS-SC" in OS2FORMS-SC-2027-04).
    code: Mapped[str | None] = mapped_column(String(30), unique=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product | None] = relationship()
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", order_by="GroupMember.starts_on"
    )

    # What the rules in consortium/permissions.py take this record for.
    permission_subject = "group"

    def has_current_member(self, user_id: int, roles: tuple[str, ...] | None = None) -> bool:
        """Whether the user sits in the group today (in one of the roles, when given)."""
        from consortium.groups.queries import is_current_member

        return is_current_member(user_id, self, roles=roles)

    @property
    def audit_label(self) -> str:
        return self.name


class GroupMember(db.Model):
    """A person's term in a group, representing an organisation (or a supplier)."""

    __tablename__ = "group_member"
    __audited__ = True
    # One open-ended term per person and group; overlapping terms with an end are refused by
    # the services under a lock on the group.
    __table_args__ = (
        Index(
            "uq_group_member_open",
            "group_id",
            "user_id",
            unique=True,
            postgresql_where=text("ends_on IS NULL"),
            sqlite_where=text("ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"))
    role: Mapped[str] = mapped_column(String(20), default="member")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    group: Mapped[Group] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    supplier: Mapped[Supplier | None] = relationship()

    def current_on(self, day: date) -> bool:
        return in_force_on(self.starts_on, self.ends_on, day)
