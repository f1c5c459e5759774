"""Reads for the backlog: who takes part in a product, a backlog with filters, an item's
history, a round's participants, turnout and the ballots a person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import selectinload

from consortium.audit.models import AuditEntry
from consortium.backlog.models import (
    ITEM_STATUSES,
    ITEM_TYPES,
    BacklogItem,
    Ballot,
    PrioritisationRound,
)
from consortium.db import in_force_on
from consortium.extensions import db
from consortium.groups.models import Group, GroupMember
from consortium.members.models import Organisation, OrganisationContact
from consortium.participation.models import Participation
from consortium.products.models import Product
from consortium.suppliers import queries as supplier_queries
from consortium.suppliers.models import SupplierContact

# The phase of a participation that makes an organisation a voter in the product's rounds.
VOTING_PHASE = "agreement"
SORTS = ("newest", "oldest", "title", "rank", "estimate", "status")


def _participating(product: Product, day: date, phases: tuple[str, ...] | None = None) -> Any:
    query = select(Participation.organisation_id).where(
        Participation.product_id == product.id,
        in_force_on(Participation.starts_on, Participation.ends_on, day),
    )
    if phases:
        query = query.where(Participation.phase.in_(phases))
    return query


def participating_organisations(
    product: Product, on: date | None = None, phases: tuple[str, ...] | None = None
) -> list[Organisation]:
    """The organisations taking part in the product on the day (in the phases), by name."""
    day = on or date.today()
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(_participating(product, day, phases)))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def round_participants(round: PrioritisationRound, on: date) -> list[Organisation]:  # noqa: A002
    """The organisations whose participation agreement for the round's product is in force on
    the day: the round's voters."""
    return participating_organisations(round.product, on, (VOTING_PHASE,))


def participant_contact(product: Product, user_id: int, on: date | None = None) -> bool:
    """Whether the user is a contact of an organisation taking part in the product."""
    day = on or date.today()
    found = db.session.scalar(
        select(OrganisationContact.id)
        .where(
            OrganisationContact.user_id == user_id,
            OrganisationContact.organisation_id.in_(_participating(product, day)),
        )
        .limit(1)
    )
    return found is not None


def organisations_for_submitting(product: Product, user_id: int) -> list[Organisation]:
    """The organisations taking part in the product today that the user is a contact of: those
    the user may submit items for."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(OrganisationContact, OrganisationContact.organisation_id == Organisation.id)
            .where(
                OrganisationContact.user_id == user_id,
                Organisation.id.in_(_participating(product, date.today())),
            )
            .order_by(Organisation.name, Organisation.id)
        )
    )


def _member_of_product_group(
    product: Product, user_id: int, kinds: tuple[str, ...] | None, roles: tuple[str, ...] | None
) -> bool:
    day = date.today()
    query = (
        select(GroupMember.id)
        .join(Group, GroupMember.group_id == Group.id)
        .where(
            Group.product_id == product.id,
            GroupMember.user_id == user_id,
            in_force_on(GroupMember.starts_on, GroupMember.ends_on, day),
        )
    )
    if kinds:
        query = query.where(Group.kind.in_(kinds))
    if roles:
        query = query.where(GroupMember.role.in_(roles))
    return db.session.scalar(query.limit(1)) is not None


def coordinates(product: Product, user_id: int) -> bool:
    """Whether the user is the current chair or secretary of a coordination group of the
    product."""
    return _member_of_product_group(
        product, user_id, ("coordination_group",), ("chair", "secretary")
    )


def sits_in_product_group(product: Product, user_id: int) -> bool:
    """Whether the user sits in one of the product's groups today."""
    return _member_of_product_group(product, user_id, None, None)


def supplies(product: Product, user_id: int, on: date | None = None) -> bool:
    """Whether the user is a contact of an approved supplier whose agreement covers the product
    on the day."""
    suppliers = supplier_queries.suppliers_with_valid_agreement(product, on)
    if not suppliers:
        return False
    found = db.session.scalar(
        select(SupplierContact.id)
        .where(
            SupplierContact.user_id == user_id,
            SupplierContact.supplier_id.in_([supplier.id for supplier in suppliers]),
        )
        .limit(1)
    )
    return found is not None


def coordination_groups(product: Product) -> list[Group]:
    """The product's coordination groups, by name."""
    return list(
        db.session.scalars(
            select(Group)
            .where(Group.product_id == product.id, Group.kind == "coordination_group")
            .order_by(Group.name, Group.id)
        )
    )


def candidate_product_ids(user_id: int, on: date | None = None) -> set[int]:
    """The products whose backlog the user may see, at most: those an organisation they are a
    contact of takes part in, those with a group they sit in, those a supplier they speak for
    has an agreement for. The permission rules decide among them."""
    from consortium.suppliers.models import Supplier, SupplierAgreement, agreement_product

    day = on or date.today()
    taking_part = select(Participation.product_id).where(
        Participation.organisation_id.in_(
            select(OrganisationContact.organisation_id).where(
                OrganisationContact.user_id == user_id
            )
        ),
        in_force_on(Participation.starts_on, Participation.ends_on, day),
    )
    in_groups = (
        select(Group.product_id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(
            GroupMember.user_id == user_id,
            Group.product_id.is_not(None),
            in_force_on(GroupMember.starts_on, GroupMember.ends_on, day),
        )
    )
    supplying = (
        select(agreement_product.c.product_id)
        .join(SupplierAgreement, SupplierAgreement.id == agreement_product.c.agreement_id)
        .join(Supplier, Supplier.id == SupplierAgreement.supplier_id)
        .join(SupplierContact, SupplierContact.supplier_id == Supplier.id)
        .where(
            SupplierContact.user_id == user_id,
            Supplier.status == "approved",
            in_force_on(SupplierAgreement.signed_on, SupplierAgreement.valid_until, day),
        )
    )
    # One statement: the menu asks on every page a contact opens.
    return {
        product_id
        for product_id in db.session.scalars(union(taking_part, in_groups, supplying))
        if product_id
    }


def products_by_name(ids: set[int] | None = None) -> list[Product]:
    """The products (those of the ids, when given), by name."""
    query = select(Product).order_by(Product.name, Product.id)
    if ids is not None:
        query = query.where(Product.id.in_(sorted(ids)))
    return list(db.session.scalars(query))


# --- the backlog -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFilter:
    """What the backlog list shows: words in the title or description, type, status, category,
    the submitting organisation, and the order."""

    search: str = ""
    type: str = ""
    status: str = ""
    category: str = ""
    organisation_id: int | None = None
    sort: str = "newest"

    def statement(self, product: Product) -> Select[Any]:
        query = select(BacklogItem).where(BacklogItem.product_id == product.id)
        words = [word for word in self.search.split() if word][:10]
        for word in words:
            pattern = f"%{_escape_like(word.casefold())}%"
            query = query.where(
                or_(
                    func.lower(BacklogItem.title).like(pattern, escape="\\"),
                    func.lower(BacklogItem.description).like(pattern, escape="\\"),
                )
            )
        if self.type in ITEM_TYPES:
            query = query.where(BacklogItem.type == self.type)
        if self.status in ITEM_STATUSES:
            query = query.where(BacklogItem.status == self.status)
        if self.category:
            query = query.where(BacklogItem.category == self.category)
        if self.organisation_id is not None:
            query = query.where(BacklogItem.organisation_id == self.organisation_id)
        order: dict[str, tuple[Any, ...]] = {
            "newest": (BacklogItem.created_at.desc(), BacklogItem.id.desc()),
            "oldest": (BacklogItem.created_at, BacklogItem.id),
            "title": (func.lower(BacklogItem.title), BacklogItem.id),
            "rank": (
                BacklogItem.priority_rank.is_(None),
                BacklogItem.priority_rank,
                BacklogItem.id,
            ),
            "estimate": (
                BacklogItem.estimate.is_(None),
                BacklogItem.estimate.desc(),
                BacklogItem.id,
            ),
            "status": (BacklogItem.status, BacklogItem.id),
        }
        return query.order_by(*order.get(self.sort, order["newest"]))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def items(product: Product, item_filter: ItemFilter | None = None) -> list[BacklogItem]:
    """The product's backlog items, filtered and sorted, with their organisations loaded."""
    statement = (item_filter or ItemFilter()).statement(product)
    return list(
        db.session.scalars(
            statement.options(
                selectinload(BacklogItem.organisation), selectinload(BacklogItem.links)
            )
        )
    )


def item(item_id: int) -> BacklogItem | None:
    found: BacklogItem | None = db.session.get(BacklogItem, item_id)
    return found


def categories(product: Product) -> list[str]:
    """The categories the product's items use, for the filter."""
    return list(
        db.session.scalars(
            select(BacklogItem.category)
            .where(BacklogItem.product_id == product.id, BacklogItem.category != "")
            .distinct()
            .order_by(BacklogItem.category)
        )
    )


def item_history(item: BacklogItem) -> list[AuditEntry]:  # noqa: A002
    """Every change of the item, newest first: who, when, and each field from → to; with the
    links added or removed and the comments written (their trail labels begin "#<item id>")."""
    label = f"#{item.id}"
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    (AuditEntry.record_type == BacklogItem.__tablename__)
                    & (AuditEntry.record_id == str(item.id)),
                    AuditEntry.record_type.in_(("backlog_link", "backlog_comment"))
                    & or_(
                        AuditEntry.record_label == label,
                        AuditEntry.record_label.like(f"{label} %"),
                    ),
                )
            )
            .order_by(AuditEntry.id.desc())
        )
    )


# --- rounds ------------------------------------------------------------------------------------


def round_(round_id: int) -> PrioritisationRound | None:
    found: PrioritisationRound | None = db.session.get(PrioritisationRound, round_id)
    return found


def rounds_of(product: Product) -> list[PrioritisationRound]:
    """The product's rounds, the latest closing first."""
    return list(
        db.session.scalars(
            select(PrioritisationRound)
            .where(PrioritisationRound.product_id == product.id)
            .order_by(PrioritisationRound.closes_at.desc(), PrioritisationRound.id.desc())
        )
    )


def due_round_ids(now: datetime) -> list[int]:
    """The open rounds whose closing time has come, oldest first."""
    return list(
        db.session.scalars(
            select(PrioritisationRound.id)
            .where(PrioritisationRound.status == "open", PrioritisationRound.closes_at <= now)
            .order_by(PrioritisationRound.closes_at, PrioritisationRound.id)
        )
    )


def ballot_of(round: PrioritisationRound, organisation: Organisation) -> Ballot | None:  # noqa: A002
    found: Ballot | None = db.session.scalar(
        select(Ballot).where(Ballot.round_id == round.id, Ballot.organisation_id == organisation.id)
    )
    return found


@dataclass(frozen=True)
class Turnout:
    """Which participating organisations have cast a ballot."""

    voted: tuple[Organisation, ...]
    not_voted: tuple[Organisation, ...]

    @property
    def count(self) -> int:
        return len(self.voted)

    @property
    def of(self) -> int:
        return len(self.voted) + len(self.not_voted)


def turnout(round: PrioritisationRound) -> Turnout:  # noqa: A002
    """The round's turnout: who of its participants has voted (never how)."""
    voted_ids = set(
        db.session.scalars(select(Ballot.organisation_id).where(Ballot.round_id == round.id))
    )
    voters = [weight.organisation for weight in round.weights]
    voters.sort(key=lambda organisation: (organisation.name, organisation.id))
    return Turnout(
        voted=tuple(each for each in voters if each.id in voted_ids),
        not_voted=tuple(each for each in voters if each.id not in voted_ids),
    )


def voting_organisations(round: PrioritisationRound, user_id: int) -> list[Organisation]:  # noqa: A002
    """The round's participants the user may fill in a ballot for."""
    return [
        weight.organisation
        for weight in round.weights
        if round.vote_right(weight.organisation).may_vote(user_id)
    ]


def visible_ballots(round: PrioritisationRound, user: Any) -> list[Ballot]:  # noqa: A002
    """The ballots the user may read: while the round is open only their own organisations'
    ballots; after it closes every ballot, for the group's members, the product's coordinators
    and the secretariat (never the public)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    ballots = list(
        db.session.scalars(
            select(Ballot)
            .where(Ballot.round_id == round.id)
            .options(selectinload(Ballot.entries), selectinload(Ballot.organisation))
            .order_by(Ballot.organisation_id)
        )
    )
    if round.is_closed and (
        user.is_secretariat
        or round.has_group_member(user.id)
        or round.backlog.has_coordinator(user.id)
    ):
        return ballots
    return [ballot for ballot in ballots if ballot.organisation.has_contact(user.id)]
