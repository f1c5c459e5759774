"""The secretariat's work queue: what waits for it in each domain, with a count and the page
where it is acted on.

One function per entry, each asking its domain's own models and queries; together a fixed
number of SQL statements, however many rows wait. The home page lists the entries and the menu
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
from sqlalchemy import Select, and_, func, select

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
from consortium.suppliers.models import Supplier

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


def _count(statement: Select[Any]) -> int:
    return int(db.session.scalar(statement) or 0)


def participation_requests(today: date) -> Entry:
    """Requests to join a product or to give notice, waiting for a decision."""
    count = _count(
        select(func.count(ParticipationRequest.id)).where(ParticipationRequest.status == "pending")
    )
    return Entry(
        "participation_requests",
        _l("Requests to join or leave products"),
        count,
        url_for("participation.requests", status="pending"),
        PARTICIPATION,
    )


def membership_applications(today: date) -> Entry:
    """Organisations whose latest membership step is an application."""
    latest = (
        select(Membership.organisation_id, func.max(Membership.id).label("latest_id"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    count = _count(
        select(func.count())
        .select_from(latest)
        .join(Membership, and_(Membership.id == latest.c.latest_id, Membership.status == "applied"))
    )
    return Entry(
        "membership_applications",
        _l("Applications for membership"),
        count,
        url_for("members.index", status="applied"),
        ORGANISATIONS,
    )


def supplier_registrations(today: date) -> Entry:
    """Supplier registrations waiting to be vetted."""
    count = _count(select(func.count(Supplier.id)).where(Supplier.status == "pending"))
    return Entry(
        "supplier_registrations",
        _l("Supplier registrations to vet"),
        count,
        url_for("suppliers.index", status="pending"),
        SUPPLIERS,
    )


def expiring_agreements(today: date) -> Entry:
    """Supplier agreements whose last day is within the warning period."""
    count = len(supplier_queries.expiring_agreements(today))
    return Entry(
        "expiring_agreements",
        _l(
            "Supplier agreements expiring within %(days)d days",
            days=supplier_queries.EXPIRY_WARNING_DAYS,
        ),
        count,
        url_for("suppliers.expiring"),
        SUPPLIERS,
    )


def draft_budgets(today: date) -> Entry:
    """Next year's product budgets still in draft."""
    year = today.year + 1
    count = _count(
        select(func.count(ProductBudget.id)).where(
            ProductBudget.year == year, ProductBudget.status == "draft"
        )
    )
    return Entry(
        "draft_budgets",
        _l("Draft budgets for %(year)d", year=year),
        count,
        url_for("fees.index"),
        FEES,
    )


def missing_populations(today: date) -> Entry:
    """Members next year whose fee needs a population the register does not have: no size tier
    set by hand and no figure for the year next year's fees are based on."""
    year = today.year + 1
    schedule = fee_queries.schedule_for(year)
    basis_year = year - (schedule.population_offset if schedule else 1)
    count = register_inputs.members_without_population(year, basis_year)
    return Entry(
        "missing_populations",
        _l("Members without a population for %(year)d", year=basis_year),
        count,
        url_for("members.index", status="active"),
        ORGANISATIONS,
    )


def pending_imports(today: date, user_id: int) -> Entry:
    """Files the user uploaded and saw as a preview, not yet imported."""
    # Older previews are forgotten when the next file is uploaded.
    since = datetime.now(UTC) - PENDING_IMPORTS_KEPT
    count = _count(
        select(func.count(PendingImport.id)).where(
            PendingImport.user_id == user_id, PendingImport.created_at >= since
        )
    )
    return Entry(
        "pending_imports",
        _l("Imports waiting for confirmation"),
        count,
        url_for("members.import_upload"),
        ORGANISATIONS,
    )


def invoices_to_issue(today: date) -> Entry:
    """Draft invoices of the runs not issued yet; the link opens the run when there is one."""
    rows = db.session.execute(
        select(InvoiceRun.id, func.count(Invoice.id))
        .join(Invoice, Invoice.run_id == InvoiceRun.id)
        .where(InvoiceRun.status == RUN_DRAFT, Invoice.status == DRAFT)
        .group_by(InvoiceRun.id)
    ).all()
    count = sum(number for _run_id, number in rows)
    url = (
        url_for("invoicing.run_review", run_id=rows[0][0])
        if len(rows) == 1
        else url_for("invoicing.runs_index")
    )
    return Entry("invoices_to_issue", _l("Draft invoices to issue"), count, url, INVOICES)


def overdue_invoices(today: date) -> Entry:
    """Issued invoices whose due date has passed with something still to pay."""
    count = len(payments.overdue_invoices(association_today()))
    return Entry(
        "overdue_invoices",
        _l("Overdue payments"),
        count,
        url_for("invoicing.overdue"),
        INVOICES,
    )


def documents_waiting(today: date) -> Entry:
    """Agreement documents made or sent and not yet accepted by their party."""
    count = _count(
        select(func.count(AgreementDocument.id)).where(
            AgreementDocument.status.in_(WAITING_STATUSES)
        )
    )
    return Entry(
        "documents_waiting",
        _l("Documents waiting for acceptance"),
        count,
        url_for("agreements.index"),
        AGREEMENTS,
    )


def minutes_to_approve(today: date) -> Entry:
    """Circulated minutes not yet approved; the link opens them when there is one."""
    meeting_ids = list(
        db.session.scalars(select(Minutes.meeting_id).where(Minutes.state == "circulated"))
    )
    url = (
        url_for("meetings.minutes", meeting_id=meeting_ids[0])
        if len(meeting_ids) == 1
        else url_for("meetings.index", when="past")
    )
    return Entry("minutes_to_approve", _l("Minutes to approve"), len(meeting_ids), url, MEETINGS)


def open_rounds(today: date) -> Entry:
    """Prioritisation rounds open for voting; the link opens the round when there is one."""
    round_ids = list(
        db.session.scalars(
            select(PrioritisationRound.id).where(PrioritisationRound.status == "open")
        )
    )
    url = (
        url_for("backlog.round", round_id=round_ids[0])
        if len(round_ids) == 1
        else url_for("backlog.index")
    )
    return Entry("open_rounds", _l("Open prioritisation rounds"), len(round_ids), url, BACKLOG)


ENTRIES: tuple[Callable[[date], Entry], ...] = (
    participation_requests,
    membership_applications,
    supplier_registrations,
    expiring_agreements,
    documents_waiting,
    draft_budgets,
    missing_populations,
    invoices_to_issue,
    overdue_invoices,
    minutes_to_approve,
    open_rounds,
)


def secretariat_queue(user_id: int, today: date | None = None) -> WorkQueue:
    """Every entry of the secretariat's work queue, in a fixed order."""
    today = today or date.today()
    entries = [entry(today) for entry in ENTRIES]
    entries.insert(7, pending_imports(today, user_id))
    return WorkQueue(tuple(entries))


def for_request(user: Any) -> WorkQueue | None:
    """The work queue of the signed-in secretariat, read once per request; None for others."""
    if not permissions.can(user, "home.work_queue"):
        return None
    if "work_queue" not in g:
        g.work_queue = secretariat_queue(user.id)
    queue: WorkQueue = g.work_queue
    return queue
