"""Pages of the fees: load, check access, call a service, render."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import csvio, permissions
from consortium.confirmation import confirmation_page
from consortium.extensions import db
from consortium.fees import bp, computation, engine, queries, services, specs
from consortium.fees import cli as fees_cli
from consortium.fees.forms import (
    BudgetForm,
    CopyScheduleForm,
    ScheduleEditForm,
    ScheduleForm,
    TariffForm,
)
from consortium.fees.labels import (
    BUDGET_STATUS_LABELS,
    COMPONENT_LABELS,
    PART_YEAR_LABELS,
    PRICING_LABELS,
    PURPOSE_LABELS,
    RULE_LABELS,
    SPLIT_LABELS,
)
from consortium.fees.models import (
    DEFAULT_SCHEDULE_PART_YEAR,
    MembershipFeeSchedule,
    ProductBudget,
    ProductTariff,
)
from consortium.fees.years import year_arg
from consortium.forms import form_view
from consortium.i18n import money, number
from consortium.members import services as member_services
from consortium.members.labels import KIND_LABELS, STATUS_LABELS, TIER_LABELS
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.web import page_number

ORGANISATIONS_PER_PAGE = 25
# The longest part of a name the preview's filter searches for.
NAME_LIMIT = 200

ERROR_MESSAGES = {
    "no_index": lambda: _("Give this year's and next year's index (both above zero)."),
    "year_exists": lambda: _("Next year already has a schedule; change it there."),
    "budget_not_draft": lambda: _(
        "An approved or frozen budget cannot be changed. Set an approved budget back to draft first."
    ),
    "budget_transition": lambda: _(
        "This change of status is not possible from the current status."
    ),
    "budget_frozen": lambda: _(
        "The budget is frozen: its shares never change, and a late joiner is not part of that year's split."
    ),
    "tariff_locked": lambda: _(
        "The tariff cannot be changed while the year's budget is approved or frozen. "
        "Set an approved budget back to draft first."
    ),
    "no_tariff": lambda: _("Set the year's tariff before approving its budget."),
    "already_approved": lambda: _("This budget has been approved already."),
    "already_draft": lambda: _("This budget is a draft already."),
    "already_frozen": lambda: _("This budget has been frozen already."),
    "saved_meanwhile": lambda: _(
        "Someone saved this at the same moment. Reload the page to see their change."
    ),
}


def _labels() -> dict:
    return {
        "rule_labels": RULE_LABELS,
        "part_year_labels": PART_YEAR_LABELS,
        "pricing_labels": PRICING_LABELS,
        "split_labels": SPLIT_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "status_labels": BUDGET_STATUS_LABELS,
        "component_labels": COMPONENT_LABELS,
        "kind_labels": KIND_LABELS,
        "tier_labels": TIER_LABELS,
        "membership_labels": STATUS_LABELS,
    }


def _code_label(code: str) -> str:
    labels = {**KIND_LABELS, **TIER_LABELS}
    return str(labels.get(code, code))


def describe_charge(charge) -> str:
    """One line saying why: the member-facing explainer when present, else the engine's."""
    try:
        from consortium.fees.explanations import describe_charge as describe_for_members
    except ImportError:
        describe_for_members = None
    if describe_for_members is not None:
        return describe_for_members(charge)
    return engine.describe(
        charge,
        translate=_,
        format_amount=money,
        format_number=number,
        label=_code_label,
    )


# -- overview ---------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """The years with a membership fee schedule, and each product's tariffs and budgets."""
    permissions.require("fees.manage")
    schedules = list(
        db.session.scalars(
            select(MembershipFeeSchedule).order_by(MembershipFeeSchedule.year.desc())
        )
    )
    tariffs = list(db.session.scalars(select(ProductTariff)))
    budgets = list(db.session.scalars(select(ProductBudget)))
    this_year = date.today().year
    years = sorted(
        {this_year, this_year + 1} | {row.year for row in tariffs} | {row.year for row in budgets},
        reverse=True,
    )
    products = list(db.session.scalars(select(Product).order_by(Product.name)))
    tariff_of = {(row.product_id, row.year): row for row in tariffs}
    budget_of = {(row.product_id, row.year): row for row in budgets}
    return render_template(
        "fees/index.html",
        schedules=schedules,
        amounts={row.year: specs.full_year_amount(row.rule or {}) for row in schedules},
        years=years,
        products=products,
        tariff_of=tariff_of,
        budget_of=budget_of,
        this_year=this_year,
        currency=_currency(),
        **_labels(),
    )


# -- membership fee schedules -----------------------------------------------------------------


@bp.route("/schedules/new", methods=["GET", "POST"])
@login_required
@form_view
def schedule_new():
    permissions.require("fees.manage")
    form = ScheduleForm()
    if request.method == "GET":
        form.year.data = year_arg(date.today().year + 1)
        form.part_year_method.data = DEFAULT_SCHEDULE_PART_YEAR
    if form.validate_on_submit():
        if queries.schedule_for(form.year.data) is not None:
            form.year.errors.append(_("This year has a schedule already."))
        else:
            schedule = services.save_schedule(form.year.data, **form.values())
            flash(_("The schedule of %(year)s has been saved.", year=schedule.year), "success")
            return redirect(url_for("fees.schedule_edit", year=schedule.year))
    return render_template("fees/schedule_form.html", form=form, schedule=None)


@bp.route("/schedules/<int:year>", methods=["GET", "POST"])
@login_required
@form_view
def schedule_edit(year: int):
    permissions.require("fees.manage")
    schedule = queries.schedule_for(year)
    if schedule is None:
        return redirect(url_for("fees.schedule_new", year=year))
    form = ScheduleEditForm()
    if request.method == "GET":
        form.fill(schedule)
    if form.validate_on_submit():
        services.save_schedule(year, **form.values())
        flash(_("The schedule of %(year)s has been saved.", year=year), "success")
        return redirect(url_for("fees.schedule_edit", year=year))
    return render_template("fees/schedule_form.html", form=form, schedule=schedule)


@bp.route("/schedules/<int:year>/copy", methods=["GET", "POST"])
@login_required
@form_view
def schedule_copy(year: int):
    """Next year's schedule (and tariffs) from this year's, regulated by the index."""
    permissions.require("fees.manage")
    schedule = queries.schedule_for(year)
    if schedule is None:
        return redirect(url_for("fees.schedule_new", year=year))
    form = CopyScheduleForm()
    if request.method == "GET":
        form.old_index.data = schedule.index_value
    if form.validate_on_submit():
        try:
            new = services.copy_schedule(
                schedule,
                form.new_index.data,
                old_index=form.old_index.data,
                copy_tariffs=form.copy_tariffs.data,
                regulate_tariffs=form.regulate_tariffs.data,
            )
        except services.TariffError as exc:
            form.form_errors.append(ERROR_MESSAGES[exc.code]())
        else:
            flash(_("The schedule of %(year)s has been created.", year=new.year), "success")
            return redirect(url_for("fees.schedule_edit", year=new.year))
    return render_template("fees/schedule_copy.html", form=form, schedule=schedule)


# -- product tariffs and budgets --------------------------------------------------------------


def _product(slug: str) -> Product:
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        abort(404)
    return product


def _organisation_names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


@bp.route("/products/<slug>/<int:year>")
@login_required
def product_year(slug: str, year: int):
    """A product's tariff and budget of a year, the recorded shares and a late joiner's effect."""
    permissions.require("fees.manage")
    product = _product(slug)
    tariff = queries.tariff_for(product.id, year)
    budget = queries.budget_for(product.id, year)
    changes, problem = [], None
    if budget is not None and budget.status in ("approved", "frozen"):
        try:
            changes = computation.share_changes(budget)
        except computation.FeeSetupError as exc:
            problem = str(exc.reason)
    names = _organisation_names(
        [share.organisation_id for share in budget.shares] if budget else []
    )
    names.update(_organisation_names(change.organisation_id for change in changes))
    return render_template(
        "fees/product_year.html",
        product=product,
        year=year,
        tariff=tariff,
        budget=budget,
        changes=changes,
        problem=problem,
        names=names,
        currency=_currency(),
        **_labels(),
    )


def _currency() -> str:
    from consortium.settings.services import get_settings

    return get_settings().currency


@bp.route("/products/<slug>/<int:year>/tariff", methods=["GET", "POST"])
@login_required
@form_view
def tariff_edit(slug: str, year: int):
    permissions.require("fees.manage")
    product = _product(slug)
    tariff = queries.tariff_for(product.id, year)
    budget = queries.budget_for(product.id, year)
    if budget is not None and budget.status != "draft":
        flash(ERROR_MESSAGES["tariff_locked"](), "error")
        return redirect(url_for("fees.product_year", slug=slug, year=year))
    form = TariffForm()
    if request.method == "GET":
        if tariff is not None:
            form.fill(tariff)
        else:
            form.part_year_method.data = "half_year_after_1_july"
    if form.validate_on_submit():
        try:
            services.save_tariff(product, year, **form.values())
        except services.TariffError as exc:
            form.form_errors.append(ERROR_MESSAGES[exc.code]())
        else:
            flash(_("The tariff has been saved."), "success")
            return redirect(url_for("fees.product_year", slug=slug, year=year))
    return render_template(
        "fees/tariff_form.html", form=form, product=product, year=year, tariff=tariff
    )


@bp.route("/products/<slug>/<int:year>/budget", methods=["GET", "POST"])
@login_required
@form_view
def budget_edit(slug: str, year: int):
    permissions.require("fees.manage")
    product = _product(slug)
    budget = queries.budget_for(product.id, year)
    if budget is not None and budget.status != "draft":
        flash(ERROR_MESSAGES["budget_not_draft"](), "error")
        return redirect(url_for("fees.product_year", slug=slug, year=year))
    form = BudgetForm()
    if request.method == "GET" and budget is not None:
        lines = budget.lines or []
        while len(form.lines.entries) < len(lines) + 1:
            form.lines.append_entry()
        for entry, line in zip(form.lines.entries, lines, strict=False):
            entry.form.purpose.data = line.get("purpose")
            entry.form.amount.data = services.amount(line.get("amount", "0"))
            entry.form.note.data = line.get("note", "")
    if form.validate_on_submit():
        try:
            services.save_budget(product, year, form.values())
        except services.TariffError as exc:
            flash(ERROR_MESSAGES[exc.code](), "error")
        else:
            flash(_("The budget has been saved."), "success")
        return redirect(url_for("fees.product_year", slug=slug, year=year))
    return render_template(
        "fees/budget_form.html", form=form, product=product, year=year, budget=budget
    )


def _budget_action(slug: str, year: int, action, done) -> object:
    permissions.require("fees.manage")
    product = _product(slug)
    budget = queries.budget_for(product.id, year)
    if budget is None:
        flash(_("There is no budget for this year yet."), "error")
    else:
        try:
            action(budget)
        except services.TariffError as exc:
            flash(ERROR_MESSAGES[exc.code](), "error")
        except computation.FeeSetupError as exc:
            db.session.rollback()
            flash(_("The shares cannot be computed: %(reason)s", reason=str(exc.reason)), "error")
        else:
            flash(done(), "success")
    return redirect(url_for("fees.product_year", slug=slug, year=year))


def _budget_confirmation(slug: str, year: int, action: str):
    """The page that says what approving or freezing a year's budget will do."""
    permissions.require("fees.manage")
    product = _product(slug)
    budget = queries.budget_for(product.id, year)
    back = url_for("fees.product_year", slug=slug, year=year)
    if budget is None:
        flash(_("There is no budget for this year yet."), "error")
        return redirect(back)
    expected = "draft" if action == "approve" else "approved"
    if budget.status != expected:
        done = {"approve": "approved", "freeze": "frozen"}[action]
        code = f"already_{done}" if budget.status == done else "budget_transition"
        flash(ERROR_MESSAGES[code](), "error")
        return redirect(back)
    currency = _currency()
    record = _("The budget of %(product)s for %(year)s", product=product.name, year=year)
    total = money(budget.amount, currency)
    if action == "approve":
        tariff = queries.tariff_for(product.id, year)
        consequences = [_("The budget of %(amount)s is approved.", amount=total)]
        if tariff is not None and (tariff.pricing or {}).get("type") == "budget_split":
            try:
                shares = computation.live_shares(budget)
            except computation.FeeSetupError as exc:
                consequences.append(
                    _("The shares cannot be computed: %(reason)s", reason=str(exc.reason))
                )
            else:
                consequences.append(
                    ngettext(
                        "The share of %(num)d participant is recorded as computed today, "
                        "%(amount)s; the fees and invoices of %(year)s use it.",
                        "The shares of %(num)d participants are recorded as computed today, "
                        "%(amount)s together; the fees and invoices of %(year)s use them.",
                        len(shares),
                        amount=money(
                            sum((c.amount for c in shares.values()), Decimal(0)), currency
                        ),
                        year=year,
                    )
                )
        consequences.append(
            _("The tariff and the budget cannot be changed until the budget is set back to draft.")
        )
        return confirmation_page(
            title=_("Approve the budget?"),
            record=record,
            consequences=consequences,
            action_url=url_for("fees.budget_approve", slug=slug, year=year),
            cancel_url=back,
            button=_("Approve the budget"),
            irreversible=False,
        )
    return confirmation_page(
        title=_("Freeze the budget?"),
        record=record,
        consequences=[
            ngettext(
                "The %(num)d recorded share (%(amount)s) never changes again, also when "
                "organisations join or leave the product.",
                "The %(num)d recorded shares (%(amount)s together) never change again, also "
                "when organisations join or leave the product.",
                len(budget.shares),
                amount=money(sum((s.amount for s in budget.shares), Decimal(0)), currency),
            ),
            _(
                "The budget can no longer be set back to draft. Freeze it once the year is invoiced."
            ),
        ],
        action_url=url_for("fees.budget_freeze", slug=slug, year=year),
        cancel_url=back,
        button=_("Freeze the budget"),
    )


@bp.route("/products/<slug>/<int:year>/budget/approve/confirm")
@login_required
def budget_approve_confirm(slug: str, year: int):
    """Ask before approving a budget: its amount and the shares it records."""
    return _budget_confirmation(slug, year, "approve")


@bp.route("/products/<slug>/<int:year>/budget/freeze/confirm")
@login_required
def budget_freeze_confirm(slug: str, year: int):
    """Ask before freezing a budget: its shares never change again."""
    return _budget_confirmation(slug, year, "freeze")


@bp.route("/products/<slug>/<int:year>/budget/approve", methods=["POST"])
@login_required
def budget_approve(slug: str, year: int):
    return _budget_action(
        slug,
        year,
        lambda budget: services.approve_budget(budget, current_user.id),
        lambda: _("The budget has been approved and every participant's share recorded."),
    )


@bp.route("/products/<slug>/<int:year>/budget/draft", methods=["POST"])
@login_required
def budget_to_draft(slug: str, year: int):
    return _budget_action(
        slug, year, services.budget_to_draft, lambda: _("The budget is a draft again.")
    )


@bp.route("/products/<slug>/<int:year>/budget/freeze", methods=["POST"])
@login_required
def budget_freeze(slug: str, year: int):
    return _budget_action(
        slug,
        year,
        services.freeze_budget,
        lambda: _("The budget has been frozen: its shares will not change again."),
    )


@bp.route("/products/<slug>/<int:year>/budget/confirm", methods=["POST"])
@login_required
def budget_confirm(slug: str, year: int):
    return _budget_action(
        slug,
        year,
        services.confirm_shares,
        lambda: _("The new shares have been recorded."),
    )


# -- preview ----------------------------------------------------------------------------------


def _non_members(ids) -> list[dict]:
    """The organisations taking part in products without being members, with their latest
    membership step (None: no membership recorded), by name."""
    if not ids:
        return []
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(ids))
        .options(selectinload(Organisation.memberships))
        .order_by(Organisation.name, Organisation.id)
    )
    return [
        {
            "id": organisation.id,
            "name": organisation.name,
            "step": organisation.memberships[-1] if organisation.memberships else None,
        }
        for organisation in organisations
    ]


@dataclass(frozen=True)
class PreviewFilter:
    """Which organisations the preview shows: part of a name, a kind, a size tier (as the fee
    year reads it); kept in the address with the year and the product."""

    name: str = ""
    kind: str = ""
    tier: str = ""

    @classmethod
    def from_request(cls) -> PreviewFilter:
        kind = request.args.get("kind", "")
        tier = request.args.get("tier", "")
        return cls(
            name=" ".join(request.args.get("q", "").replace("\x00", "").split())[:NAME_LIMIT],
            kind=kind if kind in KIND_LABELS else "",
            tier=tier if tier in TIER_LABELS else "",
        )

    @property
    def args(self) -> dict[str, str]:
        values = {"q": self.name, "kind": self.kind, "tier": self.tier}
        return {key: value for key, value in values.items() if value}

    def keys(self, charges, year: int) -> set[str]:
        """The organisations (by engine key) with charges that the filter keeps. An
        organisation's tier is the one its charges were worked out with, else the register's
        tier by the population the year's fees are based on."""
        by_organisation: dict[str, list] = defaultdict(list)
        for charge in charges:
            by_organisation[charge.organisation_key].append(charge)
        statement = select(Organisation).where(
            Organisation.id.in_([int(key) for key in by_organisation])
        )
        if self.tier:
            statement = statement.options(selectinload(Organisation.populations))
        organisations = {str(each.id): each for each in db.session.scalars(statement)}
        sets = member_services.band_sets() if self.tier else []

        def tier(key: str) -> str | None:
            charged = next(
                (c.explanation.tier for c in by_organisation[key] if c.explanation.tier), None
            )
            if charged:
                return charged
            answer = member_services.tier_of(organisations[key], year - 1, sets)
            return answer.tier if answer else None

        needle = self.name.casefold()
        return {
            key
            for key in by_organisation
            if key in organisations
            and (not needle or needle in organisations[key].name.casefold())
            and (not self.kind or organisations[key].kind == self.kind)
            and (not self.tier or tier(key) == self.tier)
        }


def _preview_inputs():
    permissions.require("fees.manage")
    year = year_arg(date.today().year)
    slug = request.args.get("product", "").strip() or None
    if (
        slug is not None
        and db.session.scalar(select(Product.id).where(Product.slug == slug)) is None
    ):
        slug = None
    return year, slug, PreviewFilter.from_request()


@bp.route("/preview")
@login_required
def preview():
    """Every organisation's charges of a year, with why, and each product's total and budget;
    narrowed to organisations by name, kind and size tier."""
    year, slug, preview_filter = _preview_inputs()
    products = list(db.session.scalars(select(Product).order_by(Product.name)))
    context = {
        "year": year,
        "slug": slug,
        "products": products,
        "filter": preview_filter,
        "filter_args": {"year": year, "product": slug, **preview_filter.args},
        **_labels(),
    }
    try:
        result = computation.compute_year(year, product_slug=slug)
    except computation.FeeSetupError as exc:
        return render_template("fees/preview.html", problem=str(exc.reason), **context)
    by_organisation: dict[str, list] = defaultdict(list)
    product_names = {}
    for product_result in result.products:
        product_names[product_result.product.slug] = product_result.product.name
    shown_keys = preview_filter.keys(result.charges, year)
    for charge in result.charges:
        if charge.organisation_key in shown_keys:
            by_organisation[charge.organisation_key].append(charge)
    names = _organisation_names(int(key) for key in by_organisation)
    keys = sorted(by_organisation, key=lambda key: (names.get(int(key), ""), key))
    page = page_number()
    pages = max(1, -(-len(keys) // ORGANISATIONS_PER_PAGE))
    page = min(page, pages)
    shown = keys[(page - 1) * ORGANISATIONS_PER_PAGE : page * ORGANISATIONS_PER_PAGE]
    rows = [
        {
            "id": int(key),
            "name": names.get(int(key), key),
            "charges": [(charge, describe_charge(charge)) for charge in by_organisation[key]],
            "total": sum(charge.amount for charge in by_organisation[key]),
        }
        for key in shown
    ]
    totals = [
        {
            "product": product_result.product,
            "tariff": product_result.tariff,
            "budget": product_result.budget,
            "shares": sum(
                charge.amount
                for charge in product_result.charges.charges
                if charge.kind in ("product_share", "product_tariff")
            ),
            "total": product_result.charges.total,
        }
        for product_result in result.products
    ]
    membership_total = sum(charge.amount for charge in result.membership)
    return render_template(
        "fees/preview.html",
        problem=None,
        non_members=_non_members(result.non_members),
        rows=rows,
        totals=totals,
        membership_total=membership_total,
        membership_count=len(result.membership),
        currency=result.currency,
        product_names=product_names,
        page=page,
        pages=pages,
        organisation_count=len(keys),
        **context,
    )


# The CLI's columns whose values are decimals: written with the reader's decimal mark.
DECIMAL_COLUMNS = {"amount", "rate", "part_year_factor", "rounding_adjustment"}


@bp.route("/preview.csv")
@login_required
def preview_csv():
    """The preview's rows as shown (year, product and filter), with the columns of
    `flask fees preview`, the reader's separator and the explanations in their language."""
    year, slug, preview_filter = _preview_inputs()
    try:
        result = computation.compute_year(year, product_slug=slug)
    except computation.FeeSetupError as exc:
        flash(
            _("The fees of %(year)s cannot be computed yet.", year=year) + " " + str(exc.reason),
            "error",
        )
        return redirect(url_for("fees.preview", year=year, product=slug, **preview_filter.args))
    language = str(get_locale())
    delimiter = csvio.delimiter_for(language)
    mark = csvio.decimal_mark_for(delimiter)
    decimal_at = [
        index for index, column in enumerate(fees_cli.COLUMNS) if column in DECIMAL_COLUMNS
    ]
    rows = fees_cli.preview_rows(result, language, only=preview_filter.keys(result.charges, year))
    for row in rows:
        for index in decimal_at:
            row[index] = row[index].replace(".", mark)
    name = f"fees-{year}{'-' + slug if slug else ''}.csv"
    return Response(
        csvio.write(fees_cli.COLUMNS, rows, delimiter),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
