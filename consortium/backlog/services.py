"""Writing backlogs and prioritisation rounds: submit, comment, edit, accept, reject, estimate and
move items; create, open, vote in and close rounds.

Services flush and never commit; the request or the command commits once. A change that two
people may ask for at the same moment locks the row it depends on first (consortium/once.py):
ballots and closing lock the round, so a round closes once and no ballot slips in after.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import permissions, text
from consortium.auth.models import User
from consortium.backlog import counting, queries
from consortium.backlog.labels import ERROR_MESSAGES, METHOD_LABELS
from consortium.backlog.models import (
    ITEM_TYPES,
    ROUND_METHODS,
    WEIGHTINGS,
    BacklogComment,
    BacklogItem,
    BacklogLink,
    Ballot,
    BallotEntry,
    PrioritisationRound,
    RoundItem,
    RoundResult,
    RoundWeight,
)
from consortium.backlog.problems import counting_problem
from consortium.db import utcnow
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.meetings import services as meeting_services
from consortium.members.models import Organisation
from consortium.once import find_or_create, load_locked, lock
from consortium.products.models import Product
from consortium.settings.services import get_settings
from consortium.suppliers.models import Supplier, SupplierContact

TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 50_000
CATEGORY_LIMIT = 100
LABEL_LIMIT = 200
URL_LIMIT = 500
COMMENT_LIMIT = 10_000
REASON_LIMIT = 5_000
NOTE_LIMIT = 5_000
MAX_AMOUNT = Decimal("999999999999.99")
MAX_HOURS = Decimal("99999999.9")
MAX_POINTS = 10_000
# The largest id a database integer column holds on every database.
MAX_ID = 2**31 - 1
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# Which item statuses lead where, and who moves them: a manager (chair, secretary,
# secretariat) accepts and rejects; a supplier or a manager moves accepted work on.
ACCEPTABLE_FROM = ("proposed", "rejected")
REJECTABLE_FROM = ("proposed", "accepted", "prioritised")
DEVELOPMENT_STEPS = {
    "in_development": ("accepted", "prioritised"),
    "delivered": ("in_development",),
}
# Items a round may include.
ROUND_ITEM_STATUSES = ("accepted", "prioritised")


class BacklogError(ValueError):
    """A change refused; ``code`` names the reason, ``message`` says it in the reader's words."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return str(ERROR_MESSAGES[self.code]) % self.params


# --- text as people type it --------------------------------------------------------------------


def _line(value: str | None, limit: int, code: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if (required and not cleaned) or len(cleaned) > limit or text.has_control_character(cleaned):
        raise BacklogError(code, limit=limit)
    return cleaned


def _long_text(value: str | None, limit: int, code: str, *, required: bool = False) -> str:
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if (
        (required and not cleaned)
        or len(cleaned) > limit
        or text.has_control_character(cleaned, multiline=True)
    ):
        raise BacklogError(code, limit=limit)
    return cleaned


def _amount(value: Decimal | int | str | None, limit: Decimal, step: Decimal, code: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(step)
    except (InvalidOperation, ValueError, TypeError):
        raise BacklogError(code, limit=limit) from None
    if not amount.is_finite() or amount < 0 or amount > limit:
        raise BacklogError(code, limit=limit)
    return amount


def item_name(item: BacklogItem) -> str:
    return f"#{item.id} {item.title}"


# --- items --------------------------------------------------------------------------------------


def submit_item(
    product: Product,
    *,
    by: User,
    organisation: Organisation | None,
    title: str,
    description: str = "",
    type: str = "wish",  # noqa: A002
    category: str = "",
) -> BacklogItem:
    """Put a wish, bug or epic on the product's backlog for an organisation taking part in it
    that the person is a contact of (the secretariat may submit for nobody in particular)."""
    if type not in ITEM_TYPES:
        raise BacklogError("type")
    if organisation is None:
        if not by.is_secretariat:
            raise BacklogError("organisation_required")
    else:
        if not by.is_secretariat and not organisation.has_contact(by.id):
            raise BacklogError("not_a_contact", organisation=organisation.name)
        if organisation.id not in {
            each.id for each in queries.participating_organisations(product)
        }:
            raise BacklogError(
                "not_participating", organisation=organisation.name, product=product.name
            )
    item = BacklogItem(
        product=product,
        title=_line(title, TITLE_LIMIT, "title"),
        description=_long_text(description, DESCRIPTION_LIMIT, "description"),
        type=type,
        category=_line(category, CATEGORY_LIMIT, "category", required=False),
        organisation=organisation,
        submitted_by_user_id=by.id,
        status="proposed",
    )
    db.session.add(item)
    db.session.flush()
    return item


def edit_item(
    item: BacklogItem,
    *,
    title: str,
    description: str,
    type: str,  # noqa: A002
    category: str,
) -> BacklogItem:
    """Change an item's title, description, type or category (its history keeps what was)."""
    if type not in ITEM_TYPES:
        raise BacklogError("type")
    item.title = _line(title, TITLE_LIMIT, "title")
    item.description = _long_text(description, DESCRIPTION_LIMIT, "description")
    item.type = type
    item.category = _line(category, CATEGORY_LIMIT, "category", required=False)
    db.session.flush()
    return item


def add_link(item: BacklogItem, *, label: str, url: str, by: User | None = None) -> BacklogLink:
    """Link the item to a web page, such as its issue in the product's tracker."""
    cleaned = _line(url, URL_LIMIT, "link_url")
    try:
        parts = urlsplit(cleaned)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or any(char.isspace() for char in cleaned):
        raise BacklogError("link_url", limit=URL_LIMIT)
    link = BacklogLink(
        item=item,
        label=_line(label, LABEL_LIMIT, "link_label"),
        url=cleaned,
        added_by_user_id=by.id if by is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    return link


def remove_link(link: BacklogLink) -> None:
    """Take a link off its item."""
    db.session.delete(link)
    db.session.flush()


def comment(item: BacklogItem, user: User, written: str) -> BacklogComment:
    """A person's comment on an item."""
    note = BacklogComment(
        item=item,
        user_id=user.id,
        text=_long_text(written, COMMENT_LIMIT, "comment", required=True),
    )
    db.session.add(note)
    db.session.flush()
    return note


def _open_round_of(item: BacklogItem) -> PrioritisationRound | None:
    found: PrioritisationRound | None = db.session.scalar(
        select(PrioritisationRound)
        .join(RoundItem, RoundItem.round_id == PrioritisationRound.id)
        .where(
            RoundItem.item_id == item.id,
            PrioritisationRound.status.in_(("draft", "open")),
        )
        .limit(1)
    )
    return found


def _move(
    item: BacklogItem, target: str, allowed_from: Collection[str], **changes: Any
) -> BacklogItem:
    """Change the item's status (and the fields that go with it) in one step of its history."""
    lock(item)
    if item.status not in allowed_from:
        raise BacklogError("status_change", status=item.status, target=target)
    item.status = target
    for name, value in changes.items():
        setattr(item, name, value)
    db.session.flush()
    return item


def accept_item(item: BacklogItem) -> BacklogItem:
    """Accept a proposed (or earlier rejected) item onto the backlog."""
    return _move(item, "accepted", ACCEPTABLE_FROM, rejection_reason="")


def reject_item(item: BacklogItem, reason: str) -> BacklogItem:
    """Reject an item, with the reason the submitter reads; not while a round counts it."""
    written = _long_text(reason, REASON_LIMIT, "reason_required", required=True)
    running = _open_round_of(item)
    if running is not None:
        raise BacklogError("item_in_open_round", round=running.title)
    return _move(item, "rejected", REJECTABLE_FROM, rejection_reason=written)


def move_item(item: BacklogItem, target: str) -> BacklogItem:
    """Move an accepted or prioritised item into development, or a developed one to
    delivered."""
    if target not in DEVELOPMENT_STEPS:
        raise BacklogError("status_change", status=item.status, target=target)
    running = _open_round_of(item)
    if running is not None:
        raise BacklogError("item_in_open_round", round=running.title)
    return _move(item, target, DEVELOPMENT_STEPS[target])


def _supplier_of(user: User, product: Product) -> Supplier | None:
    """The supplier with a valid agreement for the product that the user speaks for."""
    from consortium.suppliers import queries as supplier_queries

    ids = [each.id for each in supplier_queries.suppliers_with_valid_agreement(product)]
    if not ids:
        return None
    found: Supplier | None = db.session.scalar(
        select(Supplier)
        .join(SupplierContact, SupplierContact.supplier_id == Supplier.id)
        .where(SupplierContact.user_id == user.id, Supplier.id.in_(ids))
        .order_by(Supplier.name)
        .limit(1)
    )
    return found


def estimate_item(
    item: BacklogItem,
    *,
    amount: Decimal | int | str | None,
    hours: Decimal | int | str | None = None,
    note: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> BacklogItem:
    """Record the supplier's estimate in money (None takes it away), with hours noted beside it
    and a note; the round that is open counts the cost it froze when it opened."""
    if item.status in ("delivered", "rejected"):
        raise BacklogError("status_change", status=item.status, target="estimated")
    lock(item)
    # Everything is read before anything is set, so that the change is one step of the history.
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        estimate, currency = None, None
    else:
        estimate = _amount(amount, MAX_AMOUNT, CENT, "estimate_amount")
        currency = get_settings().currency
    if hours is None or (isinstance(hours, str) and not hours.strip()):
        estimate_hours = None
    else:
        estimate_hours = _amount(hours, MAX_HOURS, TENTH, "estimate_hours")
    written = _long_text(note, NOTE_LIMIT, "note")
    supplier = _supplier_of(by, item.product) if by is not None else None
    with db.session.no_autoflush:
        item.estimate = estimate
        item.estimate_currency = currency
        item.estimate_hours = estimate_hours
        item.estimate_note = written
        item.estimated_by_user_id = by.id if by is not None else None
        item.estimated_by_supplier_id = supplier.id if supplier is not None else None
        item.estimated_at = now or utcnow()
    db.session.flush()
    return item


# --- rounds ------------------------------------------------------------------------------------


def _round_settings(
    method: str,
    points_total: int | None,
    max_per_item: int | None,
    budget: Decimal | int | str | None,
) -> tuple[int | None, int | None, Decimal | None]:
    if method not in ROUND_METHODS:
        raise BacklogError("method")
    if method == "points":
        if (
            not isinstance(points_total, int)
            or not isinstance(max_per_item, int)
            or not 1 <= points_total <= MAX_POINTS
            or not 1 <= max_per_item <= points_total
        ):
            raise BacklogError("points", limit=MAX_POINTS)
        return points_total, max_per_item, None
    if method in counting.BUDGET_METHODS:
        return None, None, _amount(budget, MAX_AMOUNT, CENT, "budget")
    return None, None, None


def create_round(
    product: Product,
    group: Group,
    *,
    title: str,
    method: str,
    opens_at: datetime,
    closes_at: datetime,
    item_ids: Collection[int],
    weighting: str = "equal",
    points_total: int | None = None,
    max_per_item: int | None = None,
    budget: Decimal | int | str | None = None,
    by: User | None = None,
) -> PrioritisationRound:
    """Draft a round of the product's coordination group over accepted items, with its method,
    weighting and times; it takes ballots once opened."""
    if group.kind != "coordination_group" or group.product_id != product.id:
        raise BacklogError("group_not_coordination", product=product.name)
    if weighting not in WEIGHTINGS:
        raise BacklogError("weighting")
    points, cap, money = _round_settings(method, points_total, max_per_item, budget)
    if opens_at.tzinfo is None or closes_at.tzinfo is None or closes_at <= opens_at:
        raise BacklogError("times")
    wanted = sorted(set(item_ids))
    if not wanted:
        raise BacklogError("no_items", product=product.name)
    for item_id in wanted:
        if not isinstance(item_id, int) or not 1 <= item_id <= MAX_ID:
            raise BacklogError("item_not_accepted", item=f"#{item_id}", product=product.name)
    found = {
        item.id: item
        for item in db.session.scalars(select(BacklogItem).where(BacklogItem.id.in_(wanted)))
    }
    for item_id in wanted:
        item = found.get(item_id)
        if item is None or item.product_id != product.id or item.status not in ROUND_ITEM_STATUSES:
            raise BacklogError(
                "item_not_accepted",
                item=item_name(item) if item is not None else f"#{item_id}",
                product=product.name,
            )
        running = _open_round_of(item)
        if running is not None:
            raise BacklogError("item_in_open_round", round=running.title)
    round_ = PrioritisationRound(
        product=product,
        group=group,
        title=_line(title, TITLE_LIMIT, "round_title"),
        method=method,
        points_total=points,
        max_per_item=cap,
        budget=money,
        currency=get_settings().currency,
        weighting=weighting,
        opens_at=opens_at,
        closes_at=closes_at,
        status="draft",
        created_by_user_id=by.id if by is not None else None,
    )
    db.session.add(round_)
    for item_id in wanted:
        round_.items.append(RoundItem(item_id=item_id))
    db.session.flush()
    return round_


def _round_day(round_: PrioritisationRound) -> Any:
    """The round's date: the day it opens, on the association's clock."""
    zone = meeting_services.zone_named(None)
    return round_.opens_at.astimezone(zone).date()


def _frozen_weights(
    round_: PrioritisationRound, participants: list[Organisation]
) -> list[RoundWeight]:
    from consortium.backlog import weights

    return weights.weights_for(round_, participants, _round_day(round_).year)


def open_round(
    round_: PrioritisationRound, by: User | None = None, now: datetime | None = None
) -> PrioritisationRound:
    """Open a drafted round: its participants are the organisations with a participation
    agreement for the product on the round's date; their weights and the items' costs are
    frozen now."""
    now = now or utcnow()
    lock(round_)
    if round_.status != "draft":
        raise BacklogError("round_not_draft")
    if round_.closes_at <= now:
        raise BacklogError("closes_in_past")
    if not round_.group.code:
        raise BacklogError("group_code", group=round_.group.name)
    for entry in round_.items:
        item = entry.item
        if item.status not in ROUND_ITEM_STATUSES or item.product_id != round_.product_id:
            raise BacklogError(
                "item_not_accepted", item=item_name(item), product=round_.product.name
            )
        if round_.is_budget_method and (item.estimate is None or item.estimate <= 0):
            raise BacklogError("no_estimate", item=item_name(item))
        entry.cost = item.estimate
    day = _round_day(round_)
    participants = queries.round_participants(round_, day)
    if not participants:
        raise BacklogError("no_participants", product=round_.product.name, day=day.isoformat())
    for weight in _frozen_weights(round_, participants):
        round_.weights.append(weight)
    db.session.flush()
    round_.status = "open"
    round_.opened_at = now
    round_.opened_by_user_id = by.id if by is not None else None
    db.session.flush()
    return round_


def _counting_message(
    round_: PrioritisationRound, organisation: Organisation, error: counting.CountingError
) -> str:
    names = {entry.item_id: item_name(entry.item) for entry in round_.items}
    return counting_problem(
        error,
        organisation_name=lambda _key: organisation.name,
        item_name=lambda item_id: names.get(item_id, str(item_id)),
    )


def _count(
    round_: PrioritisationRound, ballots: Mapping[int, Mapping[int, int]]
) -> counting.Result:
    costs = {entry.item_id: entry.cost for entry in round_.items if entry.cost is not None}
    weights = {weight.organisation_id: weight.weight for weight in round_.weights}
    return counting.count(
        round_.method,
        ballots,
        weights=weights,
        items=[entry.item_id for entry in round_.items],
        costs=costs if round_.is_budget_method else None,
        budget=round_.budget,
        points=round_.points_total,
        max_per_item=round_.max_per_item,
    )


def _item_key(item_id: object) -> int:
    """An item id as a form or a file gives it: a whole number, else the counting's refusal."""
    try:
        key = int(str(item_id).strip())
    except ValueError:
        raise counting.CountingError(counting.ITEM_INVALID, item=str(item_id)[:50]) from None
    if not 1 <= key <= MAX_ID:
        raise counting.CountingError(counting.UNKNOWN_ITEM, organisation="", item=key)
    return key


def cast_ballot(
    round_: PrioritisationRound,
    organisation: Organisation,
    values: Mapping[int, int],
    by: User,
    now: datetime | None = None,
) -> Ballot:
    """Fill in or change the organisation's one ballot (item id → points, 1 for approval, or
    the rank; a 0 leaves the item out) while the round is open; the ballot records who cast it
    last. Refused after the closing time, even before the round is closed."""
    now = now or utcnow()
    lock(round_)
    if round_.status == "closed" or (round_.status == "open" and now >= round_.closes_at):
        raise BacklogError("round_closed")
    if round_.status != "open":
        raise BacklogError("round_not_open")
    if now < round_.opens_at:
        raise BacklogError("round_not_yet_open", opens_at=format_datetime(round_.opens_at, "short"))
    if not permissions.can(by, "backlog.vote", round_.vote_right(organisation)):
        raise BacklogError("not_a_voter", organisation=organisation.name)
    try:
        kept = {_item_key(item_id): value for item_id, value in values.items() if value != 0}
        _count(round_, {organisation.id: kept})
    except counting.CountingError as error:
        raise BacklogError(
            "ballot", reason=_counting_message(round_, organisation, error)
        ) from None

    def find() -> Ballot | None:
        return queries.ballot_of(round_, organisation)

    def create() -> Ballot:
        made = Ballot(round_id=round_.id, organisation_id=organisation.id, cast_by_user_id=by.id)
        db.session.add(made)
        return made

    ballot, _created = find_or_create(find, create)
    lock(ballot)
    for entry in list(ballot.entries):
        ballot.entries.remove(entry)
    db.session.flush()
    for item_id in sorted(kept):
        ballot.entries.append(BallotEntry(item_id=item_id, value=kept[item_id]))
    ballot.cast_by_user_id = by.id
    ballot.cast_at = now
    db.session.flush()
    return ballot


def _decision_text(round_: PrioritisationRound, result: counting.Result) -> str:
    names = {entry.item_id: item_name(entry.item) for entry in round_.items}
    lines = [
        _(
            "Result of the prioritisation round %(title)s (%(method)s), %(voted)s of %(of)s organisations voted:",
            title=round_.title,
            method=str(METHOD_LABELS[round_.method]),
            voted=len(result.voters),
            of=len(round_.weights),
        )
    ]
    for row in result.rows:
        funded = ""
        if row.funded is not None:
            funded = " – " + (_("funded") if row.funded else _("not funded"))
        lines.append(
            f"{row.rank}. {names.get(row.item, row.item)} ({counting.format_score(row.score)}){funded}"
        )
    if result.left is not None:
        lines.append(_("Budget left: %(amount)s", amount=f"{result.left} {round_.currency}"))
    return "\n".join(lines)


def _close(round_: PrioritisationRound, by: User | None, now: datetime) -> PrioritisationRound:
    """Count the locked round's ballots, write the result, prioritise the items and record the
    group's decision; then close the round, which the database keeps as it is from now on."""
    ballots = {
        ballot.organisation_id: ballot.values
        for ballot in db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id))
    }
    result = _count(round_, ballots)
    for position, row in enumerate(result.rows, start=1):
        db.session.add(
            RoundResult(
                round_id=round_.id,
                item_id=row.item,
                position=position,
                rank=row.rank,
                score=counting.format_score(row.score),
                funded=row.funded,
            )
        )
    db.session.flush()
    items = {entry.item_id: entry.item for entry in round_.items}
    for row in result.rows:
        item = items.get(row.item)
        if item is not None and item.status in ROUND_ITEM_STATUSES:
            item.status = "prioritised"
            item.priority_rank = row.rank
    zone = meeting_services.zone_named(None)
    decision = meeting_services.record_group_decision(
        round_.group,
        _decision_text(round_, result),
        year=now.astimezone(zone).year,
        recorded_by=by,
    )
    round_.decision = decision
    round_.budget_left = result.left
    round_.closed_at = now
    round_.closed_by_user_id = by.id if by is not None else None
    round_.status = "closed"
    db.session.flush()
    return round_


def close_round(
    round_: PrioritisationRound, by: User | None = None, now: datetime | None = None
) -> PrioritisationRound:
    """Close an open round by hand, before or after its closing time: count it, lock the
    result, prioritise the items and record the group's decision. Once only."""
    now = now or utcnow()
    lock(round_)
    if round_.status == "closed":
        raise BacklogError("round_closed_already")
    if round_.status != "open":
        raise BacklogError("round_not_open")
    return _close(round_, by, now)


def close_if_due(round_: PrioritisationRound, now: datetime | None = None) -> bool:
    """Close the round when its closing time has come and it is still open; True when this
    call closed it. The pages call it for every round they read, so the first request after
    the closing time closes the round (and the request commits)."""
    now = now or utcnow()
    if not round_.is_due(now):
        return False
    lock(round_)
    if not round_.is_due(now):
        return False
    _close(round_, None, now)
    return True


def close_due(
    now: datetime | None = None, *, commit_each: bool = False
) -> list[PrioritisationRound]:
    """Close every open round whose closing time has come, each once (`flask backlog
    close-due`); the rounds closed here. With ``commit_each`` each round is closed in a
    transaction of its own, so that no two rounds' locks (and their group's decision
    numbering) are held at once by one caller while another closes one of them."""
    now = now or utcnow()
    closed = []
    for round_id in queries.due_round_ids(now):
        found = load_locked(PrioritisationRound, round_id)
        if found is not None and close_if_due(found, now):
            closed.append(found)
        if commit_each:
            db.session.commit()
    return closed
