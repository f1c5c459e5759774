"""The secretariat's work queue: what waits for it in each domain, with a count and the page
where it is acted on.

One function per entry, each asking its domain's own models and queries. The counts SQL can
make are asked in one statement together, the others (overdue invoices, members without a
population) in statements of their own: four, however many rows wait. The home page lists the entries and the menu
shows the same counts beside its entries; both read them through ``for_request``, once per
request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, func, select

from consortium import permissions
from consortium.agreements.models import WAITING_STATUSES, AgreementDocument
from consortium.backlog.models import PrioritisationRound
from consortium.extensions import db
from consortium.fees import queries as fee_queries
from consortium.fees import register_inputs
from consortium.fees.models import ProductBudget
from consortium.invoicing import payments
from consortium.invoicing.models import DRAFT, RUN_DRAFT, Invoice, InvoiceRun
from consortium.invoicing.services import association_today
from consortium.meetings.models import Minutes
from consortium.members.models import Membership, PendingImport
from consortium.members.views import PENDING_IMPORTS_KEPT
from consortium.participation.models import ParticipationRequest
from consortium.suppliers import queries as supplier_queries
from consortium.suppliers.models import Supplier, SupplierAgreement

# The menu entries a count belongs to (see templates/_nav.html).
ORGANISATIONS, SUPPLIERS, AGREEMENTS = "organisations", "suppliers", "agreements"
PARTICIPATION, BACKLOG, MEETINGS, FEES, INVOICES = (
    "participation",
    "backlog",
    "meetings",
    "fees",
    "invoices",
)


@dataclass(frozen=True)
class Entry:
    """One line of the work queue: what waits, how many, and where to act on it."""

    key: str
    label: Any
    count: int
    url: str
    menu: str


@dataclass(frozen=True)
class WorkQueue:
    entries: tuple[Entry, ...]

    @property
    def waiting(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.count]

    @property
    def done(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.count]

    @property
    def total(self) -> int:
        return sum(entry.count for entry in self.entries)

    def menu_count(self, menu: str) -> int:
        """The count shown beside a menu entry: the sum of its entries."""
        return sum(entry.count for entry in self.entries if entry.menu == menu)


@dataclass(frozen=True)
class _Ask:
    """What an entry asks: its count and, where its link can open the one thing waiting, that
    thing's id (null unless exactly one waits), as columns of the queue's one statement; or a
    count the entry made itself, where the rule is more than SQL (``count``)."""

    key: str
    label: Any
    menu: str
    url: Callable[[Any], str]  # given the one waiting thing's id, or None
    column: ColumnElement[Any] | None = None
    only: ColumnElement[Any] | None = None
    count: int = 0


def _number(statement: Select[Any]) -> ColumnElement[Any]:
    return statement.scalar_subquery()


def _the_one(ids: ColumnElement[Any], counted: ColumnElement[Any]) -> ColumnElement[Any]:
    """The id when exactly one thing is counted, else null."""
    return case((counted == 1, func.min(ids)))


def participation_requests(today: date, user_id: int) -> _Ask:
    """Requests to join a product or to give notice, waiting for a decision."""
    return _Ask(
        "participation_requests",
        _l("Requests to join or leave products"),
        PARTICIPATION,
        lambda _one: url_for("participation.requests", status="pending"),
        _number(
            select(func.count(ParticipationRequest.id)).where(
                ParticipationRequest.status == "pending"
            )
        ),
    )


def membership_applications(today: date, user_id: int) -> _Ask:
    """Organisations whose latest membership step is an application."""
    latest = (
        select(Membership.organisation_id, func.max(Membership.id).label("latest_id"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    return _Ask(
        "membership_applications",
        _l("Applications for membership"),
        ORGANISATIONS,
        lambda _one: url_for("members.index", status="applied"),
        _number(
            select(func.count())
            .select_from(latest)
            .join(
                Membership,
                and_(Membership.id == latest.c.latest_id, Membership.status == "applied"),
            )
        ),
    )


def supplier_registrations(today: date, user_id: int) -> _Ask:
    """Supplier registrations waiting to be vetted."""
    return _Ask(
        "supplier_registrations",
        _l("Supplier registrations to vet"),
        SUPPLIERS,
        lambda _one: url_for("suppliers.index", status="pending"),
        _number(select(func.count(Supplier.id)).where(Supplier.status == "pending")),
    )


def expiring_agreements(today: date, user_id: int) -> _Ask:
    """Supplier agreements whose last day is within the warning period."""
    return _Ask(
        "expiring_agreements",
        _l(
            "Supplier agreements expiring within %(days)d days",
            days=supplier_queries.EXPIRY_WARNING_DAYS,
        ),
        SUPPLIERS,
        lambda _one: url_for("suppliers.expiring"),
        _number(select(func.count(SupplierAgreement.id)).where(supplier_queries.expiring(today))),
    )


def draft_budgets(today: date, user_id: int) -> _Ask:
    """Next year's product budgets still in draft."""
    year = today.year + 1
    return _Ask(
        "draft_budgets",
        _l("Draft budgets for %(year)d", year=year),
        FEES,
        lambda _one: url_for("fees.index"),
        _number(
            select(func.count(ProductBudget.id)).where(
                ProductBudget.year == year, ProductBudget.status == "draft"
            )
        ),
    )


def missing_populations(today: date, user_id: int) -> _Ask:
    """Members next year whose fee needs a population the register does not have: no size tier
    set by hand and no figure for the year next year's fees are based on."""
    year = today.year + 1
    schedule = fee_queries.schedule_for(year)
    basis_year = year - (schedule.population_offset if schedule else 1)
    return _Ask(
        "missing_populations",
        _l("Members without a population for %(year)d", year=basis_year),
        ORGANISATIONS,
        lambda _one: url_for("members.index", status="active"),
        count=register_inputs.members_without_population(year, basis_year),
    )


def pending_imports(today: date, user_id: int) -> _Ask:
    """Files the user uploaded and saw as a preview, not yet imported."""
    # Older previews are forgotten when the next file is uploaded.
    since = datetime.now(UTC) - PENDING_IMPORTS_KEPT
    return _Ask(
        "pending_imports",
        _l("Imports waiting for confirmation"),
        ORGANISATIONS,
        lambda _one: url_for("members.import_upload"),
        _number(
            select(func.count(PendingImport.id)).where(
                PendingImport.user_id == user_id, PendingImport.created_at >= since
            )
        ),
    )


def invoices_to_issue(today: date, user_id: int) -> _Ask:
    """Draft invoices of the runs not issued yet; the link opens the run when there is one."""
    drafts = (
        select(Invoice.id, Invoice.run_id)
        .join(InvoiceRun, Invoice.run_id == InvoiceRun.id)
        .where(InvoiceRun.status == RUN_DRAFT, Invoice.status == DRAFT)
        .subquery()
    )
    return _Ask(
        "invoices_to_issue",
        _l("Draft invoices to issue"),
        INVOICES,
        lambda run_id: (
            url_for("invoicing.run_review", run_id=run_id)
            if run_id is not None
            else url_for("invoicing.runs_index")
        ),
        _number(select(func.count(drafts.c.id))),
        _number(select(_the_one(drafts.c.run_id, func.count(drafts.c.run_id.distinct())))),
    )


def overdue_invoices(today: date, user_id: int) -> _Ask:
    """Issued invoices whose due date has passed with something still to pay."""
    return _Ask(
        "overdue_invoices",
        _l("Overdue payments"),
        INVOICES,
        lambda _one: url_for("invoicing.overdue"),
        count=payments.overdue_count(association_today()),
    )


def documents_waiting(today: date, user_id: int) -> _Ask:
    """Agreement documents made or sent and not yet accepted by their party."""
    return _Ask(
        "documents_waiting",
        _l("Documents waiting for acceptance"),
        AGREEMENTS,
        lambda _one: url_for("agreements.index"),
        _number(
            select(func.count(AgreementDocument.id)).where(
                AgreementDocument.status.in_(WAITING_STATUSES)
            )
        ),
    )


def minutes_to_approve(today: date, user_id: int) -> _Ask:
    """Circulated minutes not yet approved; the link opens them when there is one."""
    circulated = select(Minutes.meeting_id).where(Minutes.state == "circulated").subquery()
    counted = func.count(circulated.c.meeting_id)
    return _Ask(
        "minutes_to_approve",
        _l("Minutes to approve"),
        MEETINGS,
        lambda meeting_id: (
            url_for("meetings.minutes", meeting_id=meeting_id)
            if meeting_id is not None
            else url_for("meetings.index", when="past")
        ),
        _number(select(counted)),
        _number(select(_the_one(circulated.c.meeting_id, counted))),
    )


def open_rounds(today: date, user_id: int) -> _Ask:
    """Prioritisation rounds open for voting; the link opens the round when there is one."""
    rounds = select(PrioritisationRound.id).where(PrioritisationRound.status == "open").subquery()
    counted = func.count(rounds.c.id)
    return _Ask(
        "open_rounds",
        _l("Open prioritisation rounds"),
        BACKLOG,
        lambda round_id: (
            url_for("backlog.round", round_id=round_id)
            if round_id is not None
            else url_for("backlog.index")
        ),
        _number(select(counted)),
        _number(select(_the_one(rounds.c.id, counted))),
    )


# The entries in the order the home page lists them.
ENTRIES: tuple[Callable[[date, int], _Ask], ...] = (
    participation_requests,
    membership_applications,
    supplier_registrations,
    expiring_agreements,
    documents_waiting,
    draft_budgets,
    missing_populations,
    pending_imports,
    invoices_to_issue,
    overdue_invoices,
    minutes_to_approve,
    open_rounds,
)


def secretariat_queue(user_id: int, today: date | None = None) -> WorkQueue:
    """Every entry of the secretariat's work queue, in a fixed order. The counts that SQL can
    make are one statement together: the queue is read on every page the secretariat opens."""
    today = today or date.today()
    asks = [entry(today, user_id) for entry in ENTRIES]
    columns = [column for ask in asks for column in (ask.column, ask.only) if column is not None]
    values = iter(db.session.execute(select(*columns)).one())
    entries = []
    for ask in asks:
        count = int(next(values) or 0) if ask.column is not None else ask.count
        only = next(values) if ask.only is not None else None
        entries.append(Entry(ask.key, ask.label, count, ask.url(only), ask.menu))
    return WorkQueue(tuple(entries))


def for_request(user: Any) -> WorkQueue | None:
    """The work queue of the signed-in secretariat, read once per request; None for others."""
    if not permissions.can(user, "home.work_queue"):
        return None
    if "work_queue" not in g:
        g.work_queue = secretariat_queue(user.id)
    queue: WorkQueue = g.work_queue
    return queue
