"""Pages of the year-end settlement: the secretariat settles a product's year (draft, change,
discard, issue), and a participating organisation's contacts see their part before it is
issued and, afterwards, the invoice or credit note it became."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.forms import form_view
from consortium.i18n import money
from consortium.invoicing import bp, settlement
from consortium.invoicing.documents import percent_text, settlement_text
from consortium.invoicing.forms import ActualCostForm, SettlementForm
from consortium.invoicing.models import ProductSettlement, SettlementShare
from consortium.invoicing.services import InvoicingError, association_today
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
    rows = db.session.scalars(
        select(ProductSettlement)
        .join(Product, ProductSettlement.product_id == Product.id)
        .options(selectinload(ProductSettlement.product))
        .order_by(ProductSettlement.year.desc(), Product.name)
    ).all()
    by_year: dict[int, list[ProductSettlement]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row)
    return render_template("invoicing/settlements.html", form=form, by_year=by_year)


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
    rows = settlement.settlements_of(organisation_ids)
    db.session.scalars(
        select(SettlementShare)
        .where(SettlementShare.id.in_([share.id for _found, share in rows]))
        .options(
            selectinload(SettlementShare.organisation),
            selectinload(SettlementShare.invoice),
            selectinload(SettlementShare.credited_line),
        )
    ).all()
    return render_template(
        "invoicing/settlements_mine.html",
        rows=[
            (
                found,
                share,
                settlement_text(settlement.settlement_explanation(found, share), found.currency),
            )
            for found, share in rows
        ],
    )
