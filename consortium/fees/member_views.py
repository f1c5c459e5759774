"""Fee pages for member contacts: "what would we pay?" and "our expected fees".

Their routes attach to the fees blueprint when consortium.fees.register() imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.validators import ValidationError

from consortium import csvio, permissions
from consortium.extensions import db
from consortium.fees import bp
from consortium.fees.computation import FeeSetupError, YearResult, compute_for_organisation
from consortium.fees.engine import (
    MEMBERSHIP,
    Charge,
)
from consortium.fees.explanations import component_label, describe_charge
from consortium.fees.whatif import KIND_ORDER, what_if
from consortium.fees.years import YearField, year_arg
from consortium.forms import Form, required
from consortium.members import services as member_services
from consortium.members.models import Organisation
from consortium.pdf import render_pdf
from consortium.products.models import Product
from consortium.settings.services import get_settings
from consortium.web import id_arg


def _next_year() -> int:
    return date.today().year + 1


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _product_names() -> dict[str, str]:
    return {slug: name for slug, name in db.session.execute(select(Product.slug, Product.name))}


def _setup_problem(year: int, exc: FeeSetupError) -> str:
    """Why a year cannot be computed: the detail for the secretariat, a plain word for others."""
    if current_user.is_secretariat:
        return _(
            "The fees of %(year)d cannot be computed: %(problem)s",
            year=year,
            problem=str(exc.reason),
        )
    return _(
        "The fees of %(year)d cannot be computed yet: the secretariat has not finished setting them up.",
        year=year,
    )


# --- "What would we pay?" -------------------------------------------------------------------


class WhatIfForm(Form):
    """Which organisation, product, year and start date to try (a GET form: it changes nothing)."""

    organisation = SelectField(_l("Organisation"), coerce=int)
    product = SelectField(_l("Product"), validators=[required()])
    year = YearField(_l("Fee year"), validators=[required()])
    starts_on = DateField(_l("Start date"), validators=[required()])

    def __init__(self, organisations, products, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [
            (organisation.id, organisation.name) for organisation in organisations
        ]
        self.product.choices = [(product.slug, product.name) for product in products]

    def validate_starts_on(self, field) -> None:
        if field.data and self.year.data and field.data.year > self.year.data:
            raise ValidationError(
                _("The start date must be in %(year)d or earlier.", year=self.year.data)
            )


def _what_if_organisations() -> list[Organisation]:
    """The organisations the user may try: their own, or every one for the secretariat."""
    if current_user.is_secretariat:
        return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return member_services.organisations_of(current_user)


@bp.route("/what-if", endpoint="member_what_if_choose")
@bp.route("/products/<slug>/what-if")
@login_required
def member_what_if(slug: str | None = None):
    """What the organisation would pay for a product if it joined on a day, and how every
    participant's share would change."""
    product = None
    if slug is not None:
        product = db.session.scalar(select(Product).where(Product.slug == slug))
        if product is None:
            abort(404)
    organisations = _what_if_organisations()
    organisation_id = id_arg("organisation")
    if organisation_id is None and request.args.get("organisation", "").strip():
        abort(404)  # not a number, or out of the database's range
    if organisation_id is not None:
        organisation = _organisation_or_404(organisation_id)
    elif len(organisations) == 1:
        organisation = organisations[0]
    else:
        organisation = None
    if organisation is not None:
        permissions.require("fees.view_own", organisation)
    elif not organisations:
        abort(403)

    products = list(
        db.session.scalars(
            select(Product).where(Product.status != "retired").order_by(Product.name)
        )
    )
    if product is not None and product not in products:
        products.append(product)
    year = _next_year()
    defaults = {"year": year, "starts_on": date(year, 1, 1)}
    if organisation is not None:
        defaults["organisation"] = organisation.id
    if product is not None:
        defaults["product"] = product.slug
    submitted = "starts_on" in request.args
    form = WhatIfForm(
        organisations,
        products,
        formdata=request.args if submitted else None,
        meta={"csrf": False},
        data=defaults,
    )
    result = problem = None
    chosen_product = product
    if submitted and form.validate():
        chosen_product = next(item for item in products if item.slug == form.product.data)
        if product is None or chosen_product.id != product.id:
            args = {
                key: value
                for key, value in request.args.to_dict().items()
                if key not in ("slug", "endpoint", "_external", "_anchor", "_method", "_scheme")
            }
            return redirect(url_for("fees.member_what_if", slug=chosen_product.slug, **args))
        if organisation is None or form.organisation.data != organisation.id:
            chosen = _organisation_or_404(form.organisation.data)
            permissions.require("fees.view_own", chosen)
            organisation = chosen
        try:
            result = what_if(organisation, chosen_product, form.year.data, form.starts_on.data)
        except FeeSetupError as exc:
            problem = _setup_problem(form.year.data, exc)
    return render_template(
        "fees/member_what_if.html",
        form=form,
        product=chosen_product,
        organisation=organisation,
        several=len(organisations) > 1,
        submitted=submitted and not form.errors,
        result=result,
        problem=problem,
    )


# --- "Our expected fees" --------------------------------------------------------------------


@dataclass
class FeeLine:
    key: tuple
    label: str
    amounts: dict[int, Decimal] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    explanation: str = ""


@dataclass
class ExpectedFees:
    organisation: Organisation
    year: int
    currency: str
    lines: list[FeeLine]
    problems: list[str]

    @property
    def previous_year(self) -> int:
        return self.year - 1

    def amount(self, line: FeeLine, year: int) -> Decimal:
        return line.amounts.get(year, Decimal("0.00"))

    def change(self, line: FeeLine) -> Decimal:
        return self.amount(line, self.year) - self.amount(line, self.previous_year)

    def total(self, year: int) -> Decimal:
        return sum((self.amount(line, year) for line in self.lines), Decimal("0.00"))

    @property
    def total_change(self) -> Decimal:
        return self.total(self.year) - self.total(self.previous_year)


def _line_key(charge: Charge) -> tuple:
    if charge.kind == MEMBERSHIP:
        return (0, "", 0)
    return (1, charge.product_key or "", KIND_ORDER.get(charge.kind, 9))


def expected_fees(organisation: Organisation, year: int) -> ExpectedFees:
    """The organisation's fees line by line in the year before and the year, with the reasons."""
    product_names = _product_names()
    lines: dict[tuple, FeeLine] = {}
    problems = []
    currency = get_settings().currency
    for each_year in (year - 1, year):
        try:
            result: YearResult = compute_for_organisation(each_year, organisation.id)
        except FeeSetupError as exc:
            problems.append(_setup_problem(each_year, exc))
            continue
        currency = result.currency
        for charge in result.for_organisation(organisation.id):
            key = _line_key(charge)
            line = lines.get(key)
            if line is None:
                line = lines[key] = FeeLine(key=key, label=component_label(charge, product_names))
            line.amounts[each_year] = line.amounts.get(each_year, Decimal("0.00")) + charge.amount
            line.reasons.setdefault(each_year, []).append(describe_charge(charge))
    for line in lines.values():
        # The reason of the later year when it has the line; several pledges give several.
        line.explanation = " / ".join(line.reasons.get(year) or line.reasons.get(year - 1, []))
    ordered = sorted(
        lines.values(), key=lambda line: (line.key[0], line.label.casefold(), line.key)
    )
    return ExpectedFees(organisation, year, currency, ordered, problems)


def _expected_for_request(organisation_id: int) -> ExpectedFees:
    organisation = _organisation_or_404(organisation_id)
    permissions.require("fees.view_own", organisation)
    year = year_arg(_next_year())
    return expected_fees(organisation, year)


@bp.route("/organisations/<int:organisation_id>/expected")
@login_required
def member_expected(organisation_id: int):
    """The organisation's expected fees: this year, next year and the change, line by line."""
    fees = _expected_for_request(organisation_id)
    return render_template("fees/member_expected.html", fees=fees)


def _plain_amount(amount: Decimal) -> str:
    """An amount a spreadsheet reads as a number: no grouping, the locale's decimal mark."""
    return format(amount, "f").replace(".", get_decimal_symbol(get_locale()))


def expected_csv(fees: ExpectedFees, delimiter: str) -> bytes:
    header = [
        _("Component"),
        _("Explanation"),
        _("Amount %(year)d", year=fees.previous_year),
        _("Amount %(year)d", year=fees.year),
        _("Change"),
        _("Currency"),
    ]
    rows = [
        [
            line.label,
            line.explanation,
            _plain_amount(fees.amount(line, fees.previous_year)),
            _plain_amount(fees.amount(line, fees.year)),
            _plain_amount(fees.change(line)),
            fees.currency,
        ]
        for line in fees.lines
    ]
    rows.append(
        [
            _("Total"),
            "",
            _plain_amount(fees.total(fees.previous_year)),
            _plain_amount(fees.total(fees.year)),
            _plain_amount(fees.total_change),
            fees.currency,
        ]
    )
    return csvio.write(header, rows, delimiter)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/organisations/<int:organisation_id>/expected.csv")
@login_required
def member_expected_csv(organisation_id: int):
    """The expected fees as a CSV file a spreadsheet opens as it is."""
    fees = _expected_for_request(organisation_id)
    delimiter = csvio.delimiter_for(str(get_locale()))
    return Response(
        expected_csv(fees, delimiter),
        mimetype="text/csv",
        headers=_attachment(f"expected-fees-{organisation_id}-{fees.year}.csv"),
    )


@bp.route("/organisations/<int:organisation_id>/expected.pdf")
@login_required
def member_expected_pdf(organisation_id: int):
    """The expected fees as an A4 PDF in the reader's language."""
    fees = _expected_for_request(organisation_id)
    pdf = render_pdf(
        "fees/member_expected_pdf.html",
        stylesheets=("pdf/expected_fees.css",),
        fees=fees,
        settings=get_settings(),
        today=date.today(),
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers=_attachment(f"expected-fees-{organisation_id}-{fees.year}.pdf"),
    )


@bp.app_context_processor
def _member_fee_helpers() -> dict:
    """The organisations whose fees the signed-in user may see, for links on other pages."""

    def fee_organisations() -> list[Organisation]:
        if not current_user.is_authenticated:
            return []
        return [
            organisation
            for organisation in member_services.organisations_on_page(current_user)
            if permissions.can(current_user, "fees.view_own", organisation)
        ]

    return {"fee_organisations": fee_organisations}
