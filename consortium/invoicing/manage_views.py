"""The secretariat's invoicing work: a year's run (make, review against the preview, set
drafts aside, discard, issue) and single invoices with lines added by hand."""

from __future__ import annotations

import io
import zipfile

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import money
from consortium.invoicing import bp, runs, services
from consortium.invoicing.documents import to_document
from consortium.invoicing.forms import LineForm, NewInvoiceForm, StartRunForm
from consortium.invoicing.labels import RUN_STATUS_LABELS
from consortium.invoicing.models import (
    INVOICE,
    NUMBERED_STATUSES,
    RUN_DRAFT,
    Invoice,
    InvoiceLine,
    InvoiceRun,
)
from consortium.invoicing.numbering import coming_numbers
from consortium.invoicing.services import InvoicingError
from consortium.invoicing.views import _labels
from consortium.jobs.models import DONE, Job
from consortium.jobs.services import latest_job, readable
from consortium.members.models import BillingIdentity, Organisation
from consortium.once import load_locked


def _refused(error: InvoicingError) -> None:
    db.session.rollback()
    flash(str(error.message), "error")


# -- runs -------------------------------------------------------------------------------------


@bp.route("/runs", methods=["GET", "POST"])
@login_required
@form_view
def runs_index():
    """Every year's run, and the form that makes a year's drafts."""
    permissions.require("invoices.manage")
    form = StartRunForm()
    if request.method == "GET" and form.year.data is None:
        form.year.data = services.association_today().year
    if form.validate_on_submit():
        try:
            run = runs.start_run(form.year.data, current_user.id)
        except InvoicingError as error:
            _refused(error)
        else:
            count = len(run.invoices)
            flash(
                ngettext(
                    "%(num)d draft invoice made for %(year)s. Review it before issuing.",
                    "%(num)d draft invoices made for %(year)s. Review them before issuing.",
                    count,
                    year=run.year,
                ),
                "success",
            )
            return redirect(url_for("invoicing.run_review", run_id=run.id))
    counts = dict(
        db.session.execute(
            select(Invoice.run_id, func.count(Invoice.id))
            .where(Invoice.run_id.is_not(None))
            .group_by(Invoice.run_id)
        ).all()
    )
    all_runs = db.session.scalars(
        select(InvoiceRun).order_by(InvoiceRun.year.desc(), InvoiceRun.id.desc())
    ).all()
    return render_template(
        "invoicing/runs.html",
        form=form,
        runs=all_runs,
        counts=counts,
        run_status_labels=RUN_STATUS_LABELS,
    )


def _run(run_id: int) -> InvoiceRun:
    permissions.require("invoices.manage")
    return db.get_or_404(InvoiceRun, run_id)


@bp.route("/runs/<int:run_id>")
@login_required
def run_review(run_id: int):
    """A run's drafts with their totals, against the year's fees as the preview computes them,
    and the billing identities that get no e-invoice and why."""
    run = _run(run_id)
    db.session.scalars(
        select(Invoice)
        .where(Invoice.run_id == run.id)
        .options(
            selectinload(Invoice.lines),
            selectinload(Invoice.organisation),
            selectinload(Invoice.billing_identity),
        )
    ).all()
    invoices = runs.run_invoices(run)
    summary = runs.run_summary(run)
    comparison = runs.compare_with_preview(run) if run.status == RUN_DRAFT else None
    totals = {invoice.id: sum(line.net_amount for line in invoice.lines) for invoice in invoices}
    without = {item.invoice.id for item in summary.without_einvoice}
    job = latest_job(runs.run_subject(run.id))
    return render_template(
        "invoicing/run.html",
        run=run,
        job=job,
        job_outcome=job_outcome(job) if job is not None and not job.is_active else "",
        invoices=invoices,
        summary=summary,
        comparison=comparison,
        totals=totals,
        without=without,
        run_status_labels=RUN_STATUS_LABELS,
        **_labels(),
    )


@bp.route("/runs/<int:run_id>/issue/confirm")
@login_required
def run_issue_confirm(run_id: int):
    """Ask before issuing a run: how many invoices get which numbers, for how much, mailed to
    whom."""
    run = _run(run_id)
    back = url_for("invoicing.run_review", run_id=run.id)
    if run.status != RUN_DRAFT or _run_being_issued(run):
        flash(_("Only a draft run that is not being issued can be issued."), "error")
        return redirect(back)
    summary = runs.run_summary(run)
    if not summary.invoices:
        flash(_("The run had no drafts to issue."), "error")
        return redirect(back)
    numbers = coming_numbers(INVOICE, services.association_today().year, summary.invoices)
    currency = next(iter(run.invoices)).currency
    consequences = [
        ngettext(
            "%(num)d invoice is numbered %(first)s.",
            "%(num)d invoices are numbered %(first)s to %(last)s.",
            summary.invoices,
            first=numbers[0],
            last=numbers[-1],
        ),
        _(
            "Together they come to %(gross)s (%(net)s before VAT).",
            gross=money(summary.gross_total, currency),
            net=money(summary.net_total, currency),
        ),
        ngettext(
            "Its PDF and e-invoice are stored and it is put in the outbox to its buyer.",
            "Their PDFs and e-invoices are stored and each is put in the outbox to its buyer.",
            summary.invoices,
        ),
        _("The budgets the run invoices are frozen: their shares never change again."),
    ]
    if summary.set_aside:
        consequences.append(
            ngettext(
                "%(num)d draft set aside stays a draft.",
                "%(num)d drafts set aside stay drafts.",
                summary.set_aside,
            )
        )
    if summary.without_einvoice:
        consequences.append(
            ngettext(
                "%(num)d buyer gets no e-invoice, only the PDF by mail.",
                "%(num)d buyers get no e-invoice, only the PDF by mail.",
                len(summary.without_einvoice),
            )
        )
    return confirmation_page(
        title=_("Issue the run?"),
        record=_("The invoicing run of %(year)s", year=run.year),
        consequences=consequences,
        action_url=url_for("invoicing.run_issue", run_id=run.id),
        cancel_url=back,
        button=ngettext("Issue %(num)d invoice", "Issue %(num)d invoices", summary.invoices),
    )


def _run_being_issued(run: InvoiceRun) -> bool:
    job = latest_job(runs.run_subject(run.id))
    return job is not None and job.is_active


@bp.route("/runs/<int:run_id>/issue", methods=["POST"])
@login_required
def run_issue(run_id: int):
    """Queue the issue of every draft of the run that is not set aside: the worker renders
    them, then issues and sends them all or nothing, while the run's page shows how far it is."""
    run = _run(run_id)
    try:
        runs.queue_issue(run, current_user.id)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(
            _(
                "The run is being issued: its invoices are rendered and checked, then all of "
                "them are numbered and sent at once. This page shows how far it is."
            ),
            "success",
        )
    return redirect(url_for("invoicing.run_review", run_id=run_id))


def job_outcome(job: Job) -> str:
    """What came of the run's last job, in the reader's language."""
    outcome = job.outcome or {}
    if job.status == DONE:
        count = int(outcome.get("issued") or 0)
        if not count:
            return _("The run had no drafts to issue.")
        return ngettext(
            "%(num)d invoice issued (%(first)s) and put in the outbox to its buyer.",
            "%(num)d invoices issued (%(first)s to %(last)s) and put in the outbox to their "
            "buyers.",
            count,
            first=outcome.get("first", ""),
            last=outcome.get("last", ""),
        )
    if "error" in outcome:
        return readable(outcome["error"])
    return _("Nothing was issued: the run could not be issued because of an unexpected error.")


# What each ZIP holds: the column of the stored file, its extension, the archive's name.
RUN_ARCHIVES = {"pdf": ("pdf", "pdf"), "ubl": ("ubl", "xml")}


@bp.route("/runs/<int:run_id>/pdf.zip")
@login_required
def run_pdf_zip(run_id: int):
    """The stored (Factur-X) PDFs of the run's issued invoices in one ZIP, named by number."""
    return _run_archive(run_id, "pdf")


@bp.route("/runs/<int:run_id>/ubl.zip")
@login_required
def run_ubl_zip(run_id: int):
    """The stored Peppol e-invoices of the run's issued invoices in one ZIP, named by number."""
    return _run_archive(run_id, "ubl")


def _run_archive(run_id: int, kind: str):
    run = _run(run_id)
    column, extension = RUN_ARCHIVES[kind]
    files = db.session.execute(
        select(Invoice.number, getattr(Invoice, column))
        .where(
            Invoice.run_id == run.id,
            Invoice.status.in_(NUMBERED_STATUSES),
            getattr(Invoice, column).is_not(None),
        )
        .order_by(Invoice.number)
    ).all()
    if not files:
        flash(_("No invoice of this run has been issued with such a file."), "error")
        return redirect(url_for("invoicing.run_review", run_id=run.id))
    archive = io.BytesIO()
    # The PDFs are compressed already; the XML shrinks to a fifth.
    compression = zipfile.ZIP_STORED if kind == "pdf" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(archive, "w", compression=compression) as zipped:
        for number, content in files:
            zipped.writestr(f"{number}.{extension}", content)
    archive.seek(0)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"invoices-{run.year}-{kind}.zip",
    )


@bp.route("/runs/<int:run_id>/discard", methods=["POST"])
@login_required
def run_discard(run_id: int):
    """Delete the run's drafts, so that the year can be run again."""
    run = _run(run_id)
    try:
        runs.discard_run(run)
    except InvoicingError as error:
        _refused(error)
        return redirect(url_for("invoicing.run_review", run_id=run_id))
    flash(
        _("The drafts of %(year)s have been discarded; the year can be run again.", year=run.year),
        "success",
    )
    return redirect(url_for("invoicing.runs_index"))


# -- one draft --------------------------------------------------------------------------------


def _invoice(invoice_id: int) -> Invoice:
    permissions.require("invoices.manage")
    return db.get_or_404(Invoice, invoice_id)


def _back(invoice: Invoice):
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))


@bp.route("/<int:invoice_id>/set-aside", methods=["POST"])
@login_required
def set_aside(invoice_id: int):
    """Keep a draft out of its run's issue."""
    invoice = _invoice(invoice_id)
    try:
        runs.set_aside(invoice)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(_("The draft is set aside: the run is issued without it."), "success")
    return _back_to_run(invoice)


@bp.route("/<int:invoice_id>/take-back", methods=["POST"])
@login_required
def take_back(invoice_id: int):
    """Put a set-aside draft back into its run's issue."""
    invoice = _invoice(invoice_id)
    try:
        runs.take_back(invoice)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(_("The draft is back in the run and is issued with it."), "success")
    return _back_to_run(invoice)


def _back_to_run(invoice: Invoice):
    if request.form.get("next") == "run" and invoice.run_id is not None:
        return redirect(
            url_for("invoicing.run_review", run_id=invoice.run_id) + f"#invoice-{invoice.id}"
        )
    return _back(invoice)


@bp.route("/<int:invoice_id>/lines", methods=["POST"])
@login_required
@form_view
def add_line(invoice_id: int):
    """Add a line to a draft; the page of the draft shows the form again on a mistake."""
    invoice = _invoice(invoice_id)
    if not invoice.is_draft:
        flash(str(services.NOT_A_DRAFT), "error")
        return _back(invoice)
    if invoice.is_credit_note:
        flash(_("A credit note credits the invoice's lines; it takes no other lines."), "error")
        return _back(invoice)
    form = LineForm()
    if form.validate_on_submit():
        locked = load_locked(Invoice, invoice.id)
        try:
            if locked is None:
                raise InvoicingError(services.NOT_A_DRAFT)
            runs.ensure_drafts_may_change(locked)
            services.add_line(
                locked, form.component.data, form.description.data.strip(), form.amount.data
            )
        except InvoicingError as error:
            _refused(error)
        else:
            flash(_("The line has been added."), "success")
        return _back(invoice)
    from consortium.invoicing.views import detail_page

    return detail_page(invoice, line_form=form), 422


@bp.route("/<int:invoice_id>/lines/<int:line_id>/remove", methods=["POST"])
@login_required
def remove_line(invoice_id: int, line_id: int):
    """Take a line off a draft."""
    invoice = _invoice(invoice_id)
    line = db.session.get(InvoiceLine, line_id)
    if line is None or line.invoice_id != invoice.id:
        flash(_("This line is not on the invoice any more."), "error")
        return _back(invoice)
    locked = load_locked(Invoice, invoice.id)
    try:
        if locked is None or not locked.is_draft:
            raise InvoicingError(services.NOT_A_DRAFT)
        runs.ensure_drafts_may_change(locked)
        services.remove_line(line)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(_("The line has been removed."), "success")
    return _back(invoice)


# -- single invoices --------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_view
def new():
    """A single invoice outside the yearly run: a draft to which lines are then added."""
    permissions.require("invoices.manage")
    form = NewInvoiceForm()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, int(form.organisation.data))
        identity = (
            db.session.get(BillingIdentity, int(form.billing_identity.data))
            if form.billing_identity.data
            else None
        )
        if organisation is None:
            flash(_("This organisation is not in the register any more."), "error")
            return redirect(url_for("invoicing.new"))
        if identity is None:
            from consortium.members.services import default_billing_identity

            identity = default_billing_identity(organisation)
        invoice = services.create_draft(
            organisation,
            identity,
            period_start_on=form.period_start_on.data,
            period_end_on=form.period_end_on.data,
        )
        flash(_("The draft has been made. Add its lines, then issue it."), "success")
        return _back(invoice)
    return render_template("invoicing/new.html", form=form)


@bp.route("/<int:invoice_id>/issue/confirm")
@login_required
def issue_confirm(invoice_id: int):
    """Ask before issuing a single draft: its number, amount and buyer."""
    invoice = _invoice(invoice_id)
    if not invoice.is_draft or invoice.run_id is not None or not invoice.lines:
        flash(_("Only a single draft with lines can be issued here."), "error")
        return _back(invoice)
    issued = to_document(invoice)
    number = coming_numbers(invoice.series, services.association_today().year, 1)[0]
    if invoice.is_credit_note:
        title, button = _("Issue the credit note?"), _("Issue and send the credit note")
        record = _("Draft credit note to %(buyer)s", buyer=invoice.organisation.name)
        numbered = _(
            "The credit note is numbered %(number)s and credits %(amount)s.",
            number=number,
            amount=money(abs(issued.gross_total), invoice.currency),
        )
    else:
        title, button = _("Issue the invoice?"), _("Issue and send the invoice")
        record = _("Draft invoice to %(buyer)s", buyer=invoice.organisation.name)
        numbered = _(
            "The invoice is numbered %(number)s and asks for %(amount)s.",
            number=number,
            amount=money(issued.gross_total, invoice.currency),
        )
    return confirmation_page(
        title=title,
        record=record,
        consequences=[
            numbered,
            _(
                "Its PDF and e-invoice are stored and it is put in the outbox to %(buyer)s.",
                buyer=invoice.organisation.name,
            ),
            _("An issued document never changes; a mistake is corrected with a credit note."),
        ],
        action_url=url_for("invoicing.issue", invoice_id=invoice.id),
        cancel_url=url_for("invoicing.detail", invoice_id=invoice.id),
        button=button,
    )


@bp.route("/<int:invoice_id>/issue", methods=["POST"])
@login_required
def issue(invoice_id: int):
    """Issue a single draft: its number, PDF and e-invoice, and send it."""
    from consortium.invoicing.sending import send_invoice

    invoice = _invoice(invoice_id)
    if invoice.run_id is not None and invoice.is_draft:
        flash(_("A draft of a yearly run is issued with its run."), "error")
        return _back(invoice)
    try:
        issued = services.issue(invoice)
        send_invoice(issued)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(
            _(
                "Invoice %(number)s has been issued and put in the outbox to its buyer.",
                number=issued.number,
            ),
            "success",
        )
    return _back(invoice)


@bp.route("/<int:invoice_id>/delete", methods=["POST"])
@login_required
def delete(invoice_id: int):
    """Delete a single draft."""
    invoice = _invoice(invoice_id)
    try:
        services.delete_draft(invoice)
    except InvoicingError as error:
        _refused(error)
        return _back(invoice)
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("invoicing.index"))
