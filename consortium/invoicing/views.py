"""Pages of the invoices: the secretariat's list and an invoice's page, a contact's own
invoices, and the stored PDF and e-invoice as downloads (never made anew)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import defer, selectinload

from consortium import permissions
from consortium.errors import render_error
from consortium.extensions import db
from consortium.fees import engine
from consortium.fees.explanations import (
    code_label,
    explanation_from_json,
    money_text,
    number_text,
    translate_message,
)
from consortium.invoicing import bp, ubl
from consortium.invoicing.documents import SETTLEMENT_RULE, settlement_text, to_document
from consortium.invoicing.labels import INVOICE_STATUS_LABELS, SERIES_LABELS
from consortium.invoicing.models import (
    INVOICE_STATUSES,
    NUMBERED_STATUSES,
    Invoice,
    InvoiceLine,
    InvoiceRun,
)
from consortium.invoicing.payments import balances
from consortium.listing import Column, Listing, in_order
from consortium.members.models import Organisation, OrganisationContact
from consortium.members.services import organisations_on_page
from consortium.settings.labels import COMPONENT_LABELS, VAT_CATEGORY_LABELS, VATEX_LABELS

PAGE_SIZE = 50


def _labels() -> dict[str, Any]:
    return {
        "status_labels": INVOICE_STATUS_LABELS,
        "series_labels": SERIES_LABELS,
        "component_labels": COMPONENT_LABELS,
        "vat_labels": VAT_CATEGORY_LABELS,
        "vatex_labels": VATEX_LABELS,
    }


@dataclass(frozen=True)
class InvoiceFilter:
    """What the secretariat's list of invoices is narrowed to and sorted by."""

    year: int | None = None
    status: str = ""
    search: str = ""

    @classmethod
    def from_request(cls) -> InvoiceFilter:
        year = request.args.get("year", type=int)
        status = request.args.get("status", "")
        return cls(
            year=year if year is not None and 1900 <= year <= 9999 else None,
            status=status if status in INVOICE_STATUSES else "",
            search=request.args.get("q", "").strip()[:200],
        )

    def statement(self):
        """The invoices that match, with their organisation."""
        statement = (
            select(Invoice)
            .join(Organisation, Invoice.organisation_id == Organisation.id)
            .outerjoin(InvoiceRun, Invoice.run_id == InvoiceRun.id)
            .options(
                selectinload(Invoice.organisation),
                selectinload(Invoice.billing_identity),
                defer(Invoice.pdf),
                defer(Invoice.ubl),
            )
        )
        if self.year is not None:
            # An issued invoice belongs to the year of its number; a draft to its run's year.
            statement = statement.where(
                or_(
                    Invoice.number_year == self.year,
                    and_(Invoice.number_year.is_(None), InvoiceRun.year == self.year),
                )
            )
        if self.status:
            statement = statement.where(Invoice.status == self.status)
        if self.search:
            pattern = f"%{self.search.lower()}%"
            statement = statement.where(
                or_(
                    func.lower(Organisation.name).like(pattern),
                    func.lower(Invoice.buyer_name).like(pattern),
                    func.lower(func.coalesce(Invoice.number, "")).like(pattern),
                )
            )
        return statement


def _years() -> list[int]:
    """The years the list can be narrowed to: those of the numbers and of the runs."""
    numbered = db.session.scalars(select(Invoice.number_year).distinct())
    runs = db.session.scalars(select(InvoiceRun.year).distinct())
    return sorted({year for year in (*numbered, *runs) if year is not None}, reverse=True)


@bp.route("/")
@login_required
def index():
    """Every invoice, for the secretariat: narrowed by year, status and organisation."""
    permissions.require("invoices.manage")
    invoice_filter = InvoiceFilter.from_request()
    listing = Listing(
        "invoicing.index",
        _invoice_columns(),
        default_sort="number",
        filters=("q", "year", "status"),
        tie_breakers=(Invoice.id,),
    )
    statement = invoice_filter.statement()
    if listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "invoices")
    pagination = listing.paginate(statement)
    return render_template(
        "invoicing/index.html",
        invoices=pagination.items,
        pagination=pagination,
        filter=invoice_filter,
        listing=listing,
        years=_years(),
        **_labels(),
    )


def _invoice_columns() -> list[Column]:
    """The invoice list's columns: what each sorts by and how it reads in the export."""
    return [
        Column(
            "number",
            _l("Number"),
            Invoice.number,
            lambda invoice: invoice.number or _("Draft #%(id)d", id=invoice.id),
        ),
        Column(
            "issued",
            _l("Issue date"),
            Invoice.issued_on,
            lambda invoice: invoice.issued_on,
            descending_first=True,
        ),
        Column(
            "organisation",
            _l("Organisation"),
            func.lower(Organisation.name),
            lambda invoice: invoice.organisation.name,
        ),
        Column(
            "identity",
            _l("Billing identity"),
            None,
            lambda invoice: (
                invoice.buyer_department
                or (invoice.billing_identity.name if invoice.billing_identity else "")
            ),
        ),
        Column(
            "total",
            _l("Total"),
            Invoice.gross_total,
            lambda invoice: invoice.gross_total if invoice.is_numbered else "",
            descending_first=True,
            css_class="number",
        ),
        Column("currency", _l("Currency"), None, lambda invoice: invoice.currency),
        Column(
            "status",
            _l("Status"),
            in_order(Invoice.status, INVOICE_STATUSES),
            lambda invoice: INVOICE_STATUS_LABELS.get(invoice.status, invoice.status),
        ),
    ]


@bp.route("/mine")
@login_required
def mine():
    """The issued and sent invoices of the organisations the user is a contact of."""
    organisation_ids = select(OrganisationContact.organisation_id).where(
        OrganisationContact.user_id == current_user.id
    )
    statement = (
        select(Invoice)
        .join(Organisation, Invoice.organisation_id == Organisation.id)
        .where(
            Invoice.organisation_id.in_(organisation_ids),
            Invoice.status.in_(NUMBERED_STATUSES),
        )
        .options(
            selectinload(Invoice.organisation),
            selectinload(Invoice.billing_identity),
            defer(Invoice.pdf),
            defer(Invoice.ubl),
        )
    )
    listing = Listing(
        "invoicing.mine",
        _my_invoice_columns(),
        default_sort="issued",
        default_descending=True,
        tie_breakers=(Invoice.number.desc(), Invoice.id.desc()),
    )
    if listing.exporting:
        invoices = list(db.session.scalars(listing.order(statement)))
        return listing.export(invoices, "invoices", columns=_my_invoice_columns(balances(invoices)))
    pagination = listing.paginate(statement)
    invoices = list(pagination.items)
    return render_template(
        "invoicing/mine.html",
        invoices=invoices,
        pagination=pagination,
        listing=listing,
        columns=_my_invoice_columns(),
        stored=_stored_files([invoice.id for invoice in invoices]),
        balances=balances(invoices),
        **_labels(),
    )


def _buyer_text(invoice: Invoice) -> str:
    name = invoice.buyer_name or invoice.organisation.name
    return f"{name}, {invoice.buyer_department}" if invoice.buyer_department else name


def _my_invoice_columns(owed: dict[int, Any] | None = None) -> list[Column]:
    """A contact's invoice list's columns: what each sorts by and how an invoice reads in the
    export (its balance from the balances given)."""
    known = owed or {}
    return [
        Column("number", _l("Number"), Invoice.number, lambda invoice: invoice.number),
        Column(
            "issued",
            _l("Issue date"),
            Invoice.issued_on,
            lambda invoice: invoice.issued_on,
            descending_first=True,
        ),
        Column(
            "due",
            _l("Due date"),
            Invoice.due_on,
            lambda invoice: invoice.due_on,
            descending_first=True,
        ),
        Column(
            "organisation",
            _l("Organisation"),
            func.lower(func.coalesce(func.nullif(Invoice.buyer_name, ""), Organisation.name)),
            _buyer_text,
        ),
        Column(
            "total",
            _l("Total"),
            Invoice.gross_total,
            lambda invoice: invoice.gross_total,
            descending_first=True,
            css_class="number",
        ),
        Column(
            "balance",
            _l("Balance"),
            None,
            lambda invoice: known.get(invoice.id, ""),
            css_class="number",
        ),
        Column("currency", _l("Currency"), None, lambda invoice: invoice.currency),
        Column(
            "status",
            _l("Status"),
            in_order(Invoice.status, INVOICE_STATUSES),
            lambda invoice: INVOICE_STATUS_LABELS.get(invoice.status, invoice.status),
        ),
    ]


def _stored_files(invoice_ids: list[int]) -> dict[int, tuple[bool, bool]]:
    """Whether each invoice has its PDF and its e-invoice stored, without loading the files."""
    if not invoice_ids:
        return {}
    rows = db.session.execute(
        select(Invoice.id, Invoice.pdf.is_not(None), Invoice.ubl.is_not(None)).where(
            Invoice.id.in_(invoice_ids)
        )
    )
    return {invoice_id: (bool(pdf), bool(xml)) for invoice_id, pdf, xml in rows}


def _invoice_for_reader(invoice_id: int) -> Invoice:
    """The invoice, when the user may read it: the secretariat any, a contact of the
    organisation its issued and sent ones (a draft is not there for them)."""
    invoice = db.get_or_404(Invoice, invoice_id)
    permissions.require("invoices.view_own", invoice)
    if not invoice.is_numbered and not permissions.can(current_user, "invoices.manage"):
        abort(404)
    return invoice


def explanation_words(line: InvoiceLine, currency: str) -> str:
    """Why the line's amount is what it is, in the reader's words; "" when it has no
    explanation or one that cannot be read."""
    if not line.explanation:
        return ""
    if line.explanation.get("rule") == SETTLEMENT_RULE:
        return settlement_text(line.explanation, currency)
    try:
        charge = engine.Charge(
            organisation_key="",
            kind=line.component,
            amount_minor=0,
            currency=currency,
            explanation=explanation_from_json(line.explanation),
        )
        return engine.describe(
            charge,
            # The line shows its amount itself: the words keep the reasons only.
            translate=lambda message: (
                "%(reasons)s" if message == engine.MSG_LINE else translate_message(message)
            ),
            format_amount=money_text,
            format_number=number_text,
            label=code_label,
        )
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return ""


@bp.route("/<int:invoice_id>")
@login_required
def detail(invoice_id: int):
    """An invoice: its parties, lines with their explanations, VAT, totals and documents; on a
    draft, for the secretariat, the forms that change it."""
    return detail_page(_invoice_for_reader(invoice_id))


def detail_page(invoice: Invoice, line_form: Any = None, payment_form: Any = None) -> str:
    """The invoice's page; ``line_form`` and ``payment_form`` are forms sent with mistakes,
    shown again."""
    from consortium.invoicing.forms import LineForm
    from consortium.invoicing.payment_views import payment_context

    document = to_document(invoice)
    refusals = [_(ubl.REFUSAL_MESSAGES[code]) for code in ubl.einvoice_refusal(document)]
    lines = [
        (line, explanation_words(line, invoice.currency))
        for line in invoice.lines  # the same order as the document's lines
    ]
    has_pdf, has_xml = _stored_files([invoice.id]).get(invoice.id, (False, False))
    manages = permissions.can(current_user, "invoices.manage")
    return render_template(
        "invoicing/detail.html",
        invoice=invoice,
        document=document,
        lines=lines,
        refusals=refusals,
        has_pdf=has_pdf,
        has_xml=has_xml,
        line_form=(line_form or LineForm()) if manages and invoice.is_draft else None,
        **payment_context(invoice, payment_form),
        title=(
            f"{SERIES_LABELS[invoice.series]} {invoice.number}"
            if invoice.number
            else _(
                "Draft credit note #%(id)d to %(organisation)s",
                id=invoice.id,
                organisation=invoice.organisation.name,
            )
            if invoice.is_credit_note
            else _(
                "Draft invoice #%(id)d to %(organisation)s",
                id=invoice.id,
                organisation=invoice.organisation.name,
            )
        ),
        **_labels(),
    )


def _download(invoice_id: int, column: str, mimetype: str, extension: str):
    invoice = _invoice_for_reader(invoice_id)
    content = db.session.scalar(select(getattr(Invoice, column)).where(Invoice.id == invoice.id))
    if not content:
        message = (
            _("The PDF of this invoice is not stored, so there is nothing to download.")
            if column == "pdf"
            else _("No e-invoice is stored for this invoice, so there is nothing to download.")
        )
        return render_error(404, message)
    name = f"{invoice.number or f'draft-{invoice.id}'}.{extension}"
    return Response(
        bytes(content),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:invoice_id>.pdf")
@login_required
def download_pdf(invoice_id: int):
    """The PDF stored when the invoice was issued."""
    return _download(invoice_id, "pdf", "application/pdf", "pdf")


@bp.route("/<int:invoice_id>.xml")
@login_required
def download_xml(invoice_id: int):
    """The Peppol e-invoice (UBL) stored when the invoice was issued."""
    return _download(invoice_id, "ubl", "application/xml", "xml")


@bp.app_context_processor
def _invoice_helpers() -> dict:
    """The organisations whose invoices the signed-in user reads as a contact, for the menu and
    the home page's link to their invoices."""

    def invoice_organisations() -> list[Organisation]:
        if not current_user.is_authenticated:
            return []
        return [
            organisation
            for organisation in organisations_on_page(current_user)
            if permissions.can(current_user, "invoices.view_own", organisation)
        ]

    return {"invoice_organisations": invoice_organisations}
