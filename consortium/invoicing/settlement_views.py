"""Pages of the year-end settlement: the secretariat settles a product's year (draft, change,
discard, issue), and a participating organisation's contacts see their part before it is
issued and, afterwards, the invoice or credit note it became."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, pgettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import money
from consortium.invoicing import bp, settlement
from consortium.invoicing.documents import percent_text, settlement_text
from consortium.invoicing.forms import ActualCostForm, SettlementForm
from consortium.invoicing.models import (
    SETTLEMENT_DRAFT,
    SETTLEMENT_ISSUED,
    SETTLEMENT_STATUSES,
    ProductSettlement,
    SettlementShare,
)
from consortium.invoicing.services import InvoicingError, association_today
from consortium.listing import Column, Listing, in_order
from consortium.members.services import organisations_of
from consortium.products.models import Product


def _refused(error: InvoicingError) -> None:
    db.session.rollback()
    flash(str(error.message), "error")


def _settlement(settlement_id: int) -> ProductSettlement:
    permissions.require("invoices.manage")
    return db.get_or_404(ProductSettlement, settlement_id)


@bp.route("/settlements", methods=["GET", "POST"])
@login_required
@form_view
def settlements():
    """Every product year settled, by year, and the form that settles one."""
    permissions.require("invoices.manage")
    form = SettlementForm()
    if request.method == "GET" and form.year.data is None:
        form.year.data = association_today().year - 1
    if form.validate_on_submit():
        product = db.session.get(Product, int(form.product.data))
        try:
            if product is None:
                raise InvoicingError(_("This product does not exist any more."))
            made = settlement.draft_settlement(
                product, form.year.data, form.actual_cost.data, current_user.id
            )
        except InvoicingError as error:
            _refused(error)
        else:
            flash(
                _(
                    "The settlement of %(product)s %(year)s is a draft: the participants' "
                    "contacts see their part now. Issue it when it is right.",
                    product=product.name,
                    year=made.year,
                ),
                "success",
            )
            return redirect(url_for("invoicing.settlement_page", settlement_id=made.id))
    columns = _settlement_columns()
    listing = Listing(
        "invoicing.settlements",
        columns,
        default_sort="year",
        default_descending=True,
        filters=("year", "status"),
        tie_breakers=(func.lower(Product.name), ProductSettlement.id),
    )
    year, status = listing.value("year"), listing.value("status")
    statement = (
        select(ProductSettlement)
        .join(Product, ProductSettlement.product_id == Product.id)
        .options(selectinload(ProductSettlement.product))
    )
    if year.isdigit() and len(year) == 4:
        statement = statement.where(ProductSettlement.year == int(year))
    if status in SETTLEMENT_STATUSES:
        statement = statement.where(ProductSettlement.status == status)
    if request.method == "GET" and listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "settlements")
    pagination = listing.paginate(statement)
    years = db.session.scalars(
        select(ProductSettlement.year).distinct().order_by(ProductSettlement.year.desc())
    ).all()
    return render_template(
        "invoicing/settlements.html",
        form=form,
        settlements=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=columns,
        years=years,
        status_labels=_status_labels(),
    )


def _status_labels() -> dict[str, str]:
    return {
        SETTLEMENT_DRAFT: pgettext("settlement status", "Draft"),
        SETTLEMENT_ISSUED: pgettext("settlement status", "Issued"),
    }


def _settlement_columns() -> list[Column]:
    """The settlements' columns: what each sorts by and how a settlement reads in the export."""
    return [
        Column(
            "year",
            _l("Year"),
            ProductSettlement.year,
            lambda settled: settled.year,
            descending_first=True,
        ),
        Column(
            "product",
            _l("Product"),
            func.lower(Product.name),
            lambda settled: settled.product.name,
        ),
        Column(
            "budget",
            _l("Budget"),
            ProductSettlement.budget_amount,
            lambda settled: settled.budget_amount,
            descending_first=True,
            css_class="number",
        ),
        Column(
            "cost",
            _l("Actual cost"),
            ProductSettlement.actual_cost,
            lambda settled: settled.actual_cost,
            descending_first=True,
            css_class="number",
        ),
        Column(
            "difference",
            _l("Difference"),
            ProductSettlement.difference,
            lambda settled: settled.difference,
            descending_first=True,
            css_class="number",
        ),
        Column("currency", _l("Currency"), None, lambda settled: settled.currency),
        Column(
            "status",
            _l("Status"),
            in_order(ProductSettlement.status, SETTLEMENT_STATUSES),
            lambda settled: _status_labels().get(settled.status, settled.status),
        ),
    ]


@bp.route("/settlements/<int:settlement_id>")
@login_required
def settlement_page(settlement_id: int):
    """A settlement: the actual cost against the budget, each organisation's share, amount and
    what it becomes; on a draft, the forms that change, discard or issue it."""
    found = _settlement(settlement_id)
    return _settlement_page(found, ActualCostForm(actual_cost=found.actual_cost))


def _settlement_page(found: ProductSettlement, form: ActualCostForm):
    shares = sorted(found.shares, key=lambda share: (share.organisation.name, share.id))
    return render_template(
        "invoicing/settlement.html",
        settlement=found,
        shares=shares,
        form=form,
        explanation=_explanation(found),
        percent=percent_text,
    )


def _explanation(found: ProductSettlement) -> str:
    """The words the settlement's lines carry, with the share left as a placeholder."""
    return _(
        "Each line explains itself in the buyer's language: “%(example)s”.",
        example=settlement_text(
            {
                "actual_cost": str(found.actual_cost),
                "budget": str(found.budget_amount),
                "share_percent": str(found.shares[0].share_percent) if found.shares else "0",
            },
            found.currency,
        ),
    )


@bp.route("/settlements/<int:settlement_id>/cost", methods=["POST"])
@login_required
@form_view
def settlement_cost(settlement_id: int):
    """Change a draft's actual cost; the parts are split again."""
    found = _settlement(settlement_id)
    form = ActualCostForm()
    if not form.validate_on_submit():
        return _settlement_page(found, form), 400
    try:
        settlement.change_actual_cost(found, form.actual_cost.data)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(_("The actual cost is changed and the parts are split again."), "success")
    return redirect(url_for("invoicing.settlement_page", settlement_id=settlement_id))


@bp.route("/settlements/<int:settlement_id>/discard", methods=["POST"])
@login_required
def settlement_discard(settlement_id: int):
    """Delete a draft settlement, so that the product's year can be settled anew."""
    found = _settlement(settlement_id)
    product, year = found.product.name, found.year
    try:
        settlement.discard(found)
    except InvoicingError as error:
        _refused(error)
        return redirect(url_for("invoicing.settlement_page", settlement_id=settlement_id))
    flash(
        _("The draft settlement of %(product)s %(year)s is discarded.", product=product, year=year),
        "success",
    )
    return redirect(url_for("invoicing.settlements"))


@bp.route("/settlements/<int:settlement_id>/issue/confirm")
@login_required
def settlement_issue_confirm(settlement_id: int):
    """Ask before issuing a settlement: how many extra invoices and credit notes, for how much."""
    found = _settlement(settlement_id)
    back = url_for("invoicing.settlement_page", settlement_id=found.id)
    if not found.is_draft:
        flash(_("This settlement has been issued already."), "error")
        return redirect(back)
    extra = [share.amount for share in found.shares if share.amount > 0]
    credit = [-share.amount for share in found.shares if share.amount < 0]
    untouched = len(found.shares) - len(extra) - len(credit)
    consequences = [
        ngettext(
            "%(num)d organisation gets an extra invoice, %(amount)s in all.",
            "%(num)d organisations get an extra invoice, %(amount)s in all.",
            len(extra),
            amount=money(sum(extra, Decimal(0)), found.currency),
        ),
        ngettext(
            "%(num)d organisation gets a credit note, %(amount)s in all.",
            "%(num)d organisations get a credit note, %(amount)s in all.",
            len(credit),
            amount=money(sum(credit, Decimal(0)), found.currency),
        ),
    ]
    if untouched:
        consequences.append(
            ngettext(
                "%(num)d organisation gets nothing: its part is zero.",
                "%(num)d organisations get nothing: their part is zero.",
                untouched,
            )
        )
    consequences.append(
        _(
            "Each is numbered, stored with its PDF and e-invoice and put in the outbox to its "
            "buyer, all at once: if one cannot be issued, nothing is."
        )
    )
    return confirmation_page(
        title=_("Issue the settlement?"),
        record=_(
            "The settlement of %(product)s %(year)s", product=found.product.name, year=found.year
        ),
        consequences=consequences,
        action_url=url_for("invoicing.settlement_issue", settlement_id=found.id),
        cancel_url=back,
        button=_("Issue the settlement"),
    )


@bp.route("/settlements/<int:settlement_id>/issue", methods=["POST"])
@login_required
def settlement_issue(settlement_id: int):
    """Issue the settlement's extra invoices and credit notes, all or nothing, and send them."""
    found = _settlement(settlement_id)
    try:
        issued = settlement.issue_settlement(found, current_user.id)
    except InvoicingError as error:
        _refused(error)
    else:
        flash(
            ngettext(
                "The settlement is issued: %(num)d invoice or credit note put in the outbox to "
                "its buyer.",
                "The settlement is issued: %(num)d invoices and credit notes put in the outbox "
                "to their buyers.",
                len(issued),
            ),
            "success",
        )
    return redirect(url_for("invoicing.settlement_page", settlement_id=settlement_id))


@bp.route("/settlements/mine")
@login_required
def settlements_mine():
    """The settlements of the products the user's organisations take part in, with their own
    part: a draft before it is issued, then the invoice or credit note it became."""
    organisation_ids = [
        organisation.id
        for organisation in organisations_of(current_user)
        if permissions.can(current_user, "invoices.view_own", organisation)
    ]
    found_rows = settlement.settlements_of(organisation_ids)
    db.session.scalars(
        select(SettlementShare)
        .where(SettlementShare.id.in_([share.id for _found, share in found_rows]))
        .options(
            selectinload(SettlementShare.organisation),
            selectinload(SettlementShare.invoice),
            selectinload(SettlementShare.credited_line),
        )
    ).all()
    rows = [
        (
            found,
            share,
            settlement_text(settlement.settlement_explanation(found, share), found.currency),
        )
        for found, share in found_rows
    ]
    columns = _my_settlement_columns()
    # Rows come newest year first; a sort keeps that order among equal values.
    listing = Listing(
        "invoicing.settlements_mine", columns, default_sort="year", default_descending=True
    )
    if listing.exporting:
        return listing.export(listing.sort_rows(rows), "our-settlements")
    pagination = listing.paginate_rows(rows)
    return render_template(
        "invoicing/settlements_mine.html",
        rows=pagination.items,
        pagination=pagination,
        listing=listing,
        columns=columns,
    )


def _my_status(found: ProductSettlement) -> str:
    """A settlement's status as a participant reads it."""
    if found.is_draft:
        return _("Draft, not issued yet")
    return pgettext("settlement status", "Issued")


def _becomes(share: SettlementShare) -> str:
    """What a participant's part becomes, in the words of the list
    (invoicing/_settlement_becomes.html)."""
    if share.invoice is not None:
        if share.invoice.is_credit_note:
            return _("Credit note %(number)s", number=share.invoice.number)
        return _("Invoice %(number)s", number=share.invoice.number)
    if share.amount > 0:
        return _("An extra invoice")
    if share.amount < 0:
        if share.credited_line is not None:
            return _(
                "A credit note of invoice %(number)s, line %(position)s",
                number=share.credited_line.invoice.number,
                position=share.credited_line.position,
            )
        return _(
            "A credit note, but no issued invoice of the year has a share of the product left "
            "to credit: issuing is refused."
        )
    return _("Nothing: the part rounds to zero")


def _my_settlement_columns() -> list[Column]:
    """The columns of a contact's settlements, sorting the rows (settlement, share, why): what
    each sorts by and how a row reads in the export."""
    return [
        Column(
            "product",
            _l("Product"),
            lambda row: row[0].product.name.casefold(),
            lambda row: row[0].product.name,
        ),
        Column(
            "year",
            _l("Year"),
            lambda row: row[0].year,
            lambda row: row[0].year,
            descending_first=True,
        ),
        Column(
            "organisation",
            _l("Organisation"),
            lambda row: row[1].organisation.name.casefold(),
            lambda row: row[1].organisation.name,
        ),
        Column("why", _l("Why"), None, lambda row: row[2]),
        Column(
            "part",
            _l("Your part"),
            lambda row: row[1].amount,
            lambda row: row[1].amount,
            descending_first=True,
            css_class="number",
        ),
        Column("currency", _l("Currency"), None, lambda row: row[0].currency),
        Column(
            "status",
            _l("Status"),
            lambda row: 0 if row[0].is_draft else 1,
            lambda row: _my_status(row[0]),
        ),
        Column("becomes", _l("Becomes"), None, lambda row: _becomes(row[1])),
    ]
