"""The secretariat's work queue: what waits for it in each domain, with a count and the page
where it is acted on.

The menu shows the counts on every page the secretariat opens, so they are asked in one
statement, made once per process from the domains' models and conditions and asked with the
request's day; the two counts that take more than SQL (members whose membership needs a
population the register lacks, invoices whose balance is above zero) are asked only when there
may be some. The home page lists the entries and the menu shows the same counts beside its
entries; both read them through ``for_request``, once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Date, Integer, Select, and_, bindparam, case, func, select

from consortium import permissions
from consortium.agreements.models import WAITING_STATUSES, AgreementDocument
from consortium.backlog.models import PrioritisationRound
from consortium.extensions import db
from consortium.fees import register_inputs
from consortium.fees.models import MembershipFeeSchedule, ProductBudget
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


# The values the queue's statement is asked with, bound at each request.
TODAY = bindparam("today", type_=Date())
ASSOCIATION_TODAY = bindparam("association_today", type_=Date())
NEXT_YEAR = bindparam("next_year", type_=Integer())
EXPIRY_END = bindparam("expiry_end", type_=Date())
USER_ID = bindparam("user_id", type_=Integer())
IMPORTS_SINCE = bindparam("imports_since", type_=PendingImport.created_at.type)


def _count(statement: Select[Any]) -> ColumnElement[Any]:
    return statement.scalar_subquery()


def _the_one(ids: ColumnElement[Any], counted: ColumnElement[Any]) -> ColumnElement[Any]:
    """The id when exactly one thing is counted, else null."""
    return case((counted == 1, func.min(ids)))


@cache
def _statement() -> Select[Any]:
    """Every count SQL can make, and the id of the one thing waiting where a link opens it,
    in one statement: made once per process, asked with the request's values."""
    latest_steps = (
        select(Membership.organisation_id, func.max(Membership.id).label("latest_id"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    offset = (
        select(MembershipFeeSchedule.population_offset)
        .where(MembershipFeeSchedule.year == NEXT_YEAR)
        .scalar_subquery()
    )
    basis_year = NEXT_YEAR - func.coalesce(offset, 1)
    drafts = (
        select(Invoice.id, Invoice.run_id)
        .join(InvoiceRun, Invoice.run_id == InvoiceRun.id)
        .where(InvoiceRun.status == RUN_DRAFT, Invoice.status == DRAFT)
        .subquery()
    )
    circulated = select(Minutes.meeting_id).where(Minutes.state == "circulated").subquery()
    rounds = select(PrioritisationRound.id).where(PrioritisationRound.status == "open").subquery()
    columns: dict[str, ColumnElement[Any]] = {
        "participation_requests": _count(
            select(func.count(ParticipationRequest.id)).where(
                ParticipationRequest.status == "pending"
            )
        ),
        # Organisations whose latest membership step is an application.
        "membership_applications": _count(
            select(func.count())
            .select_from(latest_steps)
            .join(
                Membership,
                and_(Membership.id == latest_steps.c.latest_id, Membership.status == "applied"),
            )
        ),
        "supplier_registrations": _count(
            select(func.count(Supplier.id)).where(Supplier.status == "pending")
        ),
        "expiring_agreements": _count(
            select(func.count(SupplierAgreement.id)).where(
                supplier_queries.expiring(TODAY, EXPIRY_END)
            )
        ),
        "documents_waiting": _count(
            select(func.count(AgreementDocument.id)).where(
                AgreementDocument.status.in_(WAITING_STATUSES)
            )
        ),
        "draft_budgets": _count(
            select(func.count(ProductBudget.id)).where(
                ProductBudget.year == NEXT_YEAR, ProductBudget.status == "draft"
            )
        ),
        # The year next year's fees take populations from, and whether any organisation lacks
        # one (whether it is a member then is asked only if one does).
        "basis_year": basis_year,
        "lacking_population": _count(
            select(func.count()).select_from(
                register_inputs.lacking_population(basis_year).subquery()
            )
        ),
        # Files the user uploaded and saw as a preview, not yet imported (older previews are
        # forgotten when the next file is uploaded).
        "pending_imports": _count(
            select(func.count(PendingImport.id)).where(
                PendingImport.user_id == USER_ID, PendingImport.created_at >= IMPORTS_SINCE
            )
        ),
        "invoices_to_issue": _count(select(func.count(drafts.c.id))),
        "draft_run": _count(
            select(_the_one(drafts.c.run_id, func.count(drafts.c.run_id.distinct())))
        ),
        # Invoices that may be overdue (their balances are asked only if there are some).
        "past_due": _count(
            select(func.count(Invoice.id)).where(*payments.past_due(ASSOCIATION_TODAY))
        ),
        "minutes_to_approve": _count(select(func.count(circulated.c.meeting_id))),
        "circulated": _count(
            select(_the_one(circulated.c.meeting_id, func.count(circulated.c.meeting_id)))
        ),
        "open_rounds": _count(select(func.count(rounds.c.id))),
        "open_round": _count(select(_the_one(rounds.c.id, func.count(rounds.c.id)))),
    }
    return select(*(column.label(name) for name, column in columns.items()))


def secretariat_queue(user_id: int, today: date | None = None) -> WorkQueue:
    """Every entry of the secretariat's work queue, in a fixed order. The queue is read on
    every page the secretariat opens: one statement, and one more for each of the two counts
    that take more than SQL (which members lack a population, which invoices have a balance),
    asked only when there is something to count."""
    today = today or date.today()
    on = association_today()
    year = today.year + 1
    found = (
        db.session.execute(
            _statement(),
            {
                "today": today,
                "association_today": on,
                "next_year": year,
                "expiry_end": today + timedelta(days=supplier_queries.EXPIRY_WARNING_DAYS),
                "user_id": user_id,
                "imports_since": datetime.now(UTC) - PENDING_IMPORTS_KEPT,
            },
        )
        .one()
        ._mapping
    )
    count = {name: int(value or 0) for name, value in found.items()}
    missing = (
        register_inputs.members_without_population(year, count["basis_year"])
        if count["lacking_population"]
        else 0
    )
    overdue = payments.overdue_count(on) if count["past_due"] else 0
    entries = (
        Entry(
            "participation_requests",
            _l("Requests to join or leave products"),
            count["participation_requests"],
            url_for("participation.requests", status="pending"),
            PARTICIPATION,
        ),
        Entry(
            "membership_applications",
            _l("Applications for membership"),
            count["membership_applications"],
            url_for("members.index", status="applied"),
            ORGANISATIONS,
        ),
        Entry(
            "supplier_registrations",
            _l("Supplier registrations to vet"),
            count["supplier_registrations"],
            url_for("suppliers.index", status="pending"),
            SUPPLIERS,
        ),
        Entry(
            "expiring_agreements",
            _l(
                "Supplier agreements expiring within %(days)d days",
                days=supplier_queries.EXPIRY_WARNING_DAYS,
            ),
            count["expiring_agreements"],
            url_for("suppliers.expiring"),
            SUPPLIERS,
        ),
        Entry(
            "documents_waiting",
            _l("Documents waiting for acceptance"),
            count["documents_waiting"],
            url_for("agreements.index"),
            AGREEMENTS,
        ),
        Entry(
            "draft_budgets",
            _l("Draft budgets for %(year)d", year=year),
            count["draft_budgets"],
            url_for("fees.index"),
            FEES,
        ),
        Entry(
            "missing_populations",
            _l("Members without a population for %(year)d", year=count["basis_year"]),
            missing,
            url_for("members.index", status="active"),
            ORGANISATIONS,
        ),
        Entry(
            "pending_imports",
            _l("Imports waiting for confirmation"),
            count["pending_imports"],
            url_for("members.import_upload"),
            ORGANISATIONS,
        ),
        Entry(
            "invoices_to_issue",
            _l("Draft invoices to issue"),
            count["invoices_to_issue"],
            url_for("invoicing.run_review", run_id=count["draft_run"])
            if count["draft_run"]
            else url_for("invoicing.runs_index"),
            INVOICES,
        ),
        Entry(
            "overdue_invoices",
            _l("Overdue payments"),
            overdue,
            url_for("invoicing.overdue"),
            INVOICES,
        ),
        Entry(
            "minutes_to_approve",
            _l("Minutes to approve"),
            count["minutes_to_approve"],
            url_for("meetings.minutes", meeting_id=count["circulated"])
            if count["circulated"]
            else url_for("meetings.index", when="past"),
            MEETINGS,
        ),
        Entry(
            "open_rounds",
            _l("Open prioritisation rounds"),
            count["open_rounds"],
            url_for("backlog.round", round_id=count["open_round"])
            if count["open_round"]
            else url_for("backlog.index"),
            BACKLOG,
        ),
    )
    return WorkQueue(entries)


def for_request(user: Any) -> WorkQueue | None:
    """The work queue of the signed-in secretariat, read once per request; None for others."""
    if not permissions.can(user, "home.work_queue"):
        return None
    if "work_queue" not in g:
        g.work_queue = secretariat_queue(user.id)
    queue: WorkQueue = g.work_queue
    return queue
