"""The yearly invoicing run: one draft per organisation and billing identity from the year's
fees, reviewed, then issued all together and sent.

Services flush and never commit; the CLI command (or the request) commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.computation import FeeSetupError, compute_year
from consortium.fees.explanations import explanation_to_json
from consortium.fees.models import ProductBudget
from consortium.fees.services import freeze_budget
from consortium.invoicing import document, rendering
from consortium.invoicing.documents import to_document
from consortium.invoicing.models import (
    DRAFT,
    INVOICE,
    RUN_DISCARDED,
    RUN_DRAFT,
    RUN_ISSUED,
    SET_ASIDE,
    Invoice,
    InvoiceRun,
)
from consortium.invoicing.numbering import coming_numbers
from consortium.invoicing.services import (
    InvoicingError,
    add_line,
    association_today,
    create_draft,
    current_logo,
    failure_message,
    issue,
)
from consortium.invoicing.ubl import REFUSAL_MESSAGES, einvoice_refusal
from consortium.jobs.models import Job
from consortium.jobs.services import JobContext, JobFailed, active_job, portable
from consortium.jobs.services import enqueue as queue_job
from consortium.members.models import BillingIdentity, Organisation
from consortium.members.services import default_billing_identity
from consortium.once import load_locked, unique
from consortium.participation.models import Participation
from consortium.products.models import Product
from consortium.settings.models import ENTRY, MEMBERSHIP, PLEDGE, PRODUCT
from consortium.settings.services import component_vat, get_settings

# The invoice line component of each kind of charge the fee engine computes.
COMPONENTS = {
    engine.MEMBERSHIP: MEMBERSHIP,
    engine.PRODUCT_SHARE: PRODUCT,
    engine.PRODUCT_TARIFF: PRODUCT,
    engine.ENTRY_FEE: ENTRY,
    engine.COMMITMENT_PLEDGE: PLEDGE,
}

RUN_NOT_DRAFT = _l("This invoicing run is not a draft any more.")
RUN_BEING_ISSUED = _l(
    "This invoicing run is being issued; its drafts cannot change until that is finished."
)
# The kind of job that issues a run (consortium.jobs).
ISSUE_RUN_JOB = "invoices.issue_run"
RUN_HAS_ISSUED = _l("Invoices of this run have been issued; the run cannot be discarded.")
NOT_SET_ASIDE = _l("Only a draft of a run can be set aside, and only a set-aside one taken back.")


def line_description(
    charge: engine.Charge, product: Product | None, year: int, language: str
) -> str:
    """What the line is for, in the buyer's language, e.g. "OS2forms 2027: share of the
    budget"."""
    with force_locale(language):
        if charge.kind == engine.MEMBERSHIP or product is None:
            return _("Membership fee %(year)s", year=year)
        values = {"product": product.name, "year": year}
        if charge.kind == engine.PRODUCT_SHARE:
            return _("%(product)s %(year)s: share of the budget", **values)
        if charge.kind == engine.ENTRY_FEE:
            return _("%(product)s %(year)s: entry fee", **values)
        if charge.kind == engine.COMMITMENT_PLEDGE:
            return _("%(product)s %(year)s: pledge", **values)
        return _("%(product)s %(year)s: participation fee", **values)


def open_run(year: int) -> InvoiceRun | None:
    """The year's run in draft or issued, if any."""
    return db.session.scalars(
        select(InvoiceRun)
        .where(InvoiceRun.year == year, InvoiceRun.status.in_((RUN_DRAFT, RUN_ISSUED)))
        .order_by(InvoiceRun.id.desc())
    ).first()


def _participation_identities(year: int) -> dict[tuple[int, int], BillingIdentity]:
    """The billing identity each organisation's participation in a product names in the year
    (the latest participation that names one)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    participations = db.session.scalars(
        select(Participation)
        .where(
            Participation.billing_identity_id.is_not(None),
            Participation.starts_on <= end,
            (Participation.ends_on.is_(None)) | (Participation.ends_on >= start),
        )
        .order_by(Participation.starts_on, Participation.id)
    )
    found: dict[tuple[int, int], BillingIdentity] = {}
    for participation in participations:
        if participation.billing_identity is not None:
            key = (participation.organisation_id, participation.product_id)
            found[key] = participation.billing_identity
    return found


def _run_exists(year: int):
    return _l(
        "The year %(year)s already has an invoicing run; discard its drafts before starting again.",
        year=year,
    )


def start_run(year: int, user_id: int | None) -> InvoiceRun:
    """The year's drafts: one invoice per organisation and billing identity, with a line per
    fee component; lines outside the scope of VAT go on an invoice of their own (BR-O-11).

    Refused while the year has a run in draft or issued, or while a product with charges in
    the year has a draft budget. Organisations with nothing to pay get no invoice.
    """
    if open_run(year) is not None:
        raise InvoicingError(_run_exists(year))
    try:
        result = compute_year(year)
    except FeeSetupError as error:
        raise InvoicingError(
            _l(
                "The fees of %(year)s cannot be computed: %(reason)s",
                year=year,
                reason=error.reason,
            )
        ) from error
    products: dict[str, Product] = {}
    for product_result in result.products:
        charged = any(charge.amount_minor for charge in product_result.charges.charges)
        budget = product_result.budget
        if charged and budget is not None and budget.status == "draft":
            raise InvoicingError(
                _l(
                    "The budget %(year)s of %(product)s is a draft: only approved or frozen "
                    "budgets are invoiced.",
                    year=year,
                    product=product_result.product.name,
                )
            )
        products[product_result.product.slug] = product_result.product

    identities = _participation_identities(year)
    grouped: dict[tuple[int, int | None, bool], list[tuple[engine.Charge, str]]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    for charge in result.charges:
        if not charge.amount_minor:
            continue
        organisation_id = int(charge.organisation_key)
        organisation = organisations.get(organisation_id) or db.session.get(
            Organisation, organisation_id
        )
        if organisation is None:  # the engine only charges organisations of the register
            continue
        organisations[organisation_id] = organisation
        component = COMPONENTS[charge.kind]
        product = products.get(charge.product_key or "")
        identity = None
        if product is not None:
            identity = identities.get((organisation_id, product.id))
        if identity is None:
            identity = default_billing_identity(organisation)
        outside = component_vat(component).vat_category == document.OUTSIDE_SCOPE
        key = (organisation_id, identity.id if identity is not None else None, outside)
        grouped[key].append((charge, component))

    # Two people starting the same year at the same moment: the second is refused.
    with unique(InvoicingError(_run_exists(year))):
        run = InvoiceRun(year=year, status=RUN_DRAFT, created_by_user_id=user_id)
        db.session.add(run)
    for (organisation_id, identity_id, _outside), charges in sorted(
        grouped.items(),
        key=lambda item: (organisations[item[0][0]].name, item[0][1] or 0, item[0][2]),
    ):
        organisation = organisations[organisation_id]
        identity = db.session.get(BillingIdentity, identity_id) if identity_id else None
        invoice = create_draft(
            organisation,
            identity,
            run=run,
            currency=result.currency,
            period_start_on=date(year, 1, 1),
            period_end_on=date(year, 12, 31),
        )
        for charge, component in charges:
            product = products.get(charge.product_key or "")
            add_line(
                invoice,
                component,
                line_description(charge, product, year, invoice.language),
                charge.amount,
                product=product,
                explanation=explanation_to_json(charge.explanation),
            )
    db.session.flush()
    return run


def run_subject(run_id: int) -> str:
    """What the run's jobs are about, as the job table names it."""
    return f"invoice_run:{run_id}"


def issuing_job(run: InvoiceRun) -> Job | None:
    """The job issuing the run now (queued or running), if any."""
    return active_job(run_subject(run.id))


def _lock_draft_run(run: InvoiceRun, *, job_id: int | None = None) -> InvoiceRun:
    """The run locked and read afresh, when it is still a draft and no job (but the one
    named) is issuing it: whoever issued or discarded it at the same moment has committed by
    then, and this change is refused."""
    locked = load_locked(InvoiceRun, run.id)
    if locked is None or locked.status != RUN_DRAFT:
        raise InvoicingError(RUN_NOT_DRAFT)
    job = issuing_job(locked)
    if job is not None and job.id != job_id:
        raise InvoicingError(RUN_BEING_ISSUED)
    return locked


def discard_run(run: InvoiceRun) -> None:
    """Delete the run's drafts and mark it discarded; refused once anything is issued."""
    run = _lock_draft_run(run)
    if any(invoice.is_numbered for invoice in run.invoices):
        raise InvoicingError(RUN_HAS_ISSUED)
    for invoice in list(run.invoices):
        db.session.delete(invoice)
    run.status = RUN_DISCARDED
    db.session.flush()


def _lock_run_invoice(invoice: Invoice) -> Invoice:
    """The invoice of a draft run, with the run locked first (issuing locks it too), read
    afresh."""
    if invoice.run is None:
        raise InvoicingError(NOT_SET_ASIDE)
    try:
        _lock_draft_run(invoice.run)
    except InvoicingError as error:
        if error.message is RUN_BEING_ISSUED:
            raise
        raise InvoicingError(NOT_SET_ASIDE) from None
    locked = load_locked(Invoice, invoice.id)
    if locked is None:
        raise InvoicingError(NOT_SET_ASIDE)
    return locked


def set_aside(invoice: Invoice) -> Invoice:
    """Keep a draft of a run out of the run's issue."""
    invoice = _lock_run_invoice(invoice)
    if invoice.status != DRAFT:
        raise InvoicingError(NOT_SET_ASIDE)
    invoice.status = SET_ASIDE
    db.session.flush()
    return invoice


def take_back(invoice: Invoice) -> Invoice:
    """A set-aside draft goes back into the run's issue."""
    invoice = _lock_run_invoice(invoice)
    if invoice.status != SET_ASIDE:
        raise InvoicingError(NOT_SET_ASIDE)
    invoice.status = DRAFT
    db.session.flush()
    return invoice


@dataclass
class WithoutEInvoice:
    """An invoice of the run whose billing identity can receive no e-invoice, and why."""

    invoice: Invoice
    reasons: list[str]


@dataclass
class RunSummary:
    invoices: int = 0
    set_aside: int = 0
    # Net per component kind, in the order the kinds first appear.
    totals: dict[str, Decimal] = field(default_factory=dict)
    net_total: Decimal = Decimal("0.00")
    gross_total: Decimal = Decimal("0.00")
    without_einvoice: list[WithoutEInvoice] = field(default_factory=list)


def run_invoices(run: InvoiceRun) -> list[Invoice]:
    """The run's invoices in the order they are numbered: organisation name, then identity."""
    return sorted(
        run.invoices,
        key=lambda invoice: (
            invoice.organisation.name,
            invoice.billing_identity.name if invoice.billing_identity else "",
            invoice.id,
        ),
    )


def run_summary(run: InvoiceRun) -> RunSummary:
    """How many invoices, what they come to per component, and who gets no e-invoice."""
    summary = RunSummary()
    for invoice in run_invoices(run):
        if invoice.status == SET_ASIDE:
            summary.set_aside += 1
            continue
        summary.invoices += 1
        issued = to_document(invoice)
        for line in invoice.lines:
            summary.totals[line.component] = summary.totals.get(
                line.component, Decimal("0.00")
            ) + Decimal(line.net_amount)
        summary.net_total += issued.net_total
        summary.gross_total += issued.gross_total
        refusal = einvoice_refusal(issued)
        if refusal:
            summary.without_einvoice.append(
                WithoutEInvoice(invoice, [_(REFUSAL_MESSAGES[code]) for code in refusal])
            )
    return summary


def ensure_drafts_may_change(invoice: Invoice) -> None:
    """Refuse a change to a draft of a run while a job issues the run."""
    if invoice.run_id is not None and active_job(run_subject(invoice.run_id)) is not None:
        raise InvoicingError(RUN_BEING_ISSUED)


def queue_issue(run: InvoiceRun, user_id: int | None) -> Job:
    """Queue the job that issues the run (see :func:`issue_queued_run`); refused when the run
    is not a draft or a job is issuing it already. The request commits."""
    run = _lock_draft_run(run)
    drafts = sum(1 for invoice in run.invoices if invoice.status == DRAFT)
    with unique(InvoicingError(RUN_BEING_ISSUED)):
        return queue_job(
            ISSUE_RUN_JOB,
            run_subject(run.id),
            {"run_id": run.id, "user_id": user_id},
            total=drafts,
            user_id=user_id,
        )


@dataclass
class Preparation:
    """What a run's documents are rendered from: each draft's document as it will be issued
    (the number it will take, the issue and due dates), in the order they are numbered."""

    invoice_ids: list[int]
    documents: list[document.InvoiceDocument]
    labels: list[str]
    logo: rendering.Logo


def prepare(run: InvoiceRun, on: date) -> Preparation:
    """Read the run's drafts and the numbers they will take (reads only)."""
    drafts = [invoice for invoice in run_invoices(run) if invoice.status == DRAFT]
    numbers = coming_numbers(INVOICE, on.year, len(drafts))
    due_on = on + timedelta(days=get_settings().payment_terms_days)
    documents = [
        replace(
            to_document(invoice),
            number=number,
            issue_date=on,
            due_date=due_on,
            payment_reference=number,
        )
        for invoice, number in zip(drafts, numbers, strict=True)
    ]
    return Preparation(
        [invoice.id for invoice in drafts],
        documents,
        [_buyer_label(invoice) for invoice in drafts],
        current_logo(),
    )


def render_prepared(
    preparation: Preparation,
    *,
    pool: rendering.RenderingPool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, rendering.Rendered]:
    """Every draft's documents by invoice id, over the pool's processes if given (no database
    work); an :class:`InvoicingError` naming the first invoice the rules reject."""
    results = rendering.render_many(
        preparation.documents, preparation.logo, pool=pool, progress=progress
    )
    for index, rendered in enumerate(results):
        if rendered.failure is not None:
            raise InvoicingError(
                _nothing_issued(
                    preparation.labels[index],
                    failure_message(rendered.failure, rendered.document.buyer.name),
                )
            )
    return {
        invoice_id: rendered
        for invoice_id, rendered in zip(preparation.invoice_ids, results, strict=False)
    }


def issue_run(
    run: InvoiceRun,
    user_id: int | None,
    *,
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool: rendering.RenderingPool | None = None,
    prepared: dict[int, rendering.Rendered] | None = None,
    job_id: int | None = None,
) -> list[Invoice]:
    """Issue every draft of the run (not the set-aside ones) all or nothing, numbered by
    organisation name then billing identity; then freeze the budgets the run invoiced and
    put every invoice in the outbox to its buyer.

    The documents are rendered first (over the pool's processes when given; ``progress(done,
    total)`` is told after each), unless ``prepared`` holds them already (the job renders
    them before this transaction); then, with the run and the number sequence locked, each
    draft takes its number and stores its documents, rendered again only when its number or
    anything else on it changed since. Any failure undoes everything (no number is taken)
    and names the invoice that failed.
    """
    from consortium.invoicing.sending import send_invoice

    issued_on = on or association_today()
    if prepared is None:
        _lock_draft_run(run, job_id=job_id)
        prepared = render_prepared(prepare(run, issued_on), pool=pool, progress=progress)
    run = _lock_draft_run(run, job_id=job_id)
    drafts = [invoice for invoice in run_invoices(run) if invoice.status == DRAFT]
    # Held for the whole issue: each invoice is read again under its lock, and the buyers it
    # refers to stay loaded rather than being fetched again one by one.
    buyers = [(invoice.organisation, invoice.billing_identity) for invoice in drafts]
    issued: list[Invoice] = []
    savepoint = db.session.begin_nested()
    try:
        for invoice in drafts:
            try:
                with db.session.no_autoflush:
                    issued.append(issue(invoice, on=issued_on, prepared=prepared.get(invoice.id)))
            except Exception as error:
                reason = error.message if isinstance(error, InvoicingError) else str(error)
                raise InvoicingError(_nothing_issued(_buyer_label(invoice), reason)) from error
        del buyers
        product_ids = {
            line.product_id
            for invoice in issued
            for line in invoice.lines
            if line.component == PRODUCT and line.product_id is not None
        }
        if product_ids:
            budgets = db.session.scalars(
                select(ProductBudget).where(
                    ProductBudget.year == run.year,
                    ProductBudget.product_id.in_(product_ids),
                    ProductBudget.status == "approved",
                )
            )
            for budget in budgets:
                freeze_budget(budget)
        run.status = RUN_ISSUED
        db.session.flush()
        for invoice in issued:
            send_invoice(invoice)
        savepoint.commit()
    except BaseException:
        savepoint.rollback()
        raise
    return issued


def issue_queued_run(job: Job, context: JobContext) -> dict[str, Any]:
    """The job that issues a run: render every draft's documents (over every core, with the
    progress on the run's page), then issue them in one short transaction; the job fails with
    the invoice and the rules named when one cannot be issued, and nothing is issued."""
    run = db.session.get(InvoiceRun, int(job.arguments["run_id"]))
    if run is None:
        raise JobFailed({"msgid": "This invoicing run is not a draft any more.", "values": {}})
    issued_on = association_today()
    try:
        _lock_draft_run(run, job_id=job.id)
        preparation = prepare(run, issued_on)
        db.session.commit()  # nothing written: the database is free while the PDFs render
        prepared = render_prepared(
            preparation, pool=rendering.shared_pool(), progress=context.progress
        )
        issued = issue_run(
            run,
            job.arguments.get("user_id"),
            on=issued_on,
            prepared=prepared,
            job_id=job.id,
        )
    except InvoicingError as error:
        raise JobFailed({"error": portable(error.message)}) from error
    numbers = sorted(invoice.number for invoice in issued if invoice.number)
    return {
        "issued": len(numbers),
        "first": numbers[0] if numbers else "",
        "last": numbers[-1] if numbers else "",
    }


def _nothing_issued(buyer: str, reason: Any) -> Any:
    return _l(
        "Nothing was issued: the invoice to %(buyer)s could not be issued: %(reason)s",
        buyer=buyer,
        reason=reason,
    )


def _buyer_label(invoice: Invoice) -> str:
    if invoice.billing_identity is not None:
        return f"{invoice.organisation.name} ({invoice.billing_identity.name})"
    return invoice.organisation.name


@dataclass
class Difference:
    """An organisation whose drafts in the run come to another amount than the year's fees
    computed now: lines were added or removed, or the register changed since the run."""

    organisation_id: int
    name: str
    in_run: Decimal
    in_preview: Decimal

    @property
    def difference(self) -> Decimal:
        return self.in_run - self.in_preview


@dataclass
class Comparison:
    """The run against the year's fees as the preview computes them now."""

    # Per component kind: (in the run, in the preview).
    components: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    run_total: Decimal = Decimal("0.00")
    preview_total: Decimal = Decimal("0.00")
    differences: list[Difference] = field(default_factory=list)
    # Why the preview could not be computed, if it could not.
    problem: str = ""


def compare_with_preview(run: InvoiceRun) -> Comparison:
    """Net amounts of the run's drafts (set-aside ones included) per component and per
    organisation against the fees of the run's year computed now."""
    comparison = Comparison()
    try:
        result = compute_year(run.year)
    except FeeSetupError as error:
        comparison.problem = str(error.reason)
        return comparison
    zero = Decimal("0.00")
    in_run: dict[str, Decimal] = defaultdict(lambda: zero)
    in_preview: dict[str, Decimal] = defaultdict(lambda: zero)
    run_by_organisation: dict[int, Decimal] = defaultdict(lambda: zero)
    preview_by_organisation: dict[int, Decimal] = defaultdict(lambda: zero)
    names: dict[int, str] = {}
    for invoice in run.invoices:
        names[invoice.organisation_id] = invoice.organisation.name
        for line in invoice.lines:
            amount = Decimal(line.net_amount)
            in_run[line.component] += amount
            run_by_organisation[invoice.organisation_id] += amount
    for charge in result.charges:
        if not charge.amount_minor:
            continue
        in_preview[COMPONENTS[charge.kind]] += charge.amount
        preview_by_organisation[int(charge.organisation_key)] += charge.amount
    for component in (*in_run, *(kind for kind in in_preview if kind not in in_run)):
        comparison.components[component] = (in_run[component], in_preview[component])
    comparison.run_total = sum(in_run.values(), zero)
    comparison.preview_total = sum(in_preview.values(), zero)
    missing = set(preview_by_organisation) - set(names)
    if missing:
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(missing))
        ):
            names[organisation.id] = organisation.name
    for organisation_id in set(run_by_organisation) | set(preview_by_organisation):
        if run_by_organisation[organisation_id] != preview_by_organisation[organisation_id]:
            comparison.differences.append(
                Difference(
                    organisation_id,
                    names.get(organisation_id, str(organisation_id)),
                    run_by_organisation[organisation_id],
                    preview_by_organisation[organisation_id],
                )
            )
    comparison.differences.sort(key=lambda item: (item.name, item.organisation_id))
    return comparison
