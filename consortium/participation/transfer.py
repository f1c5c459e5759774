"""Importing participations from a CSV file: all or nothing, every bad line and column named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import csvio, identifiers, numbers, periods
from consortium.extensions import db
from consortium.groups.transfer import parse_date
from consortium.imports import (
    ImportReport,
    RowResult,
    check_header,
    read_table,
    run_import,
)
from consortium.members.models import Organisation
from consortium.participation import rules, services
from consortium.participation.labels import amount_text, error_text
from consortium.participation.models import PHASES
from consortium.products.models import Product
from consortium.settings.services import get_settings

COLUMNS = (
    "organisation",
    "country",
    "product",
    "phase",
    "from",
    "to",
    "notice_months",
    "agreement_version",
    "amount_per_year",
    "billing_ean",
)
REQUIRED = ("organisation", "product", "phase", "from")
DATE_MESSAGE = _l("Enter a date such as 2026-01-31.")
# Only ASCII digits, and not too many: int() refuses "²", which str.isdigit() accepts.
NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass
class _Plan:
    line: int
    organisation: Organisation
    product: Product
    fields: dict


def _amount(text: str, decimal_mark: str) -> tuple[Decimal | None, str | None]:
    """An amount as a spreadsheet writes it: 12500, 12500.00, 12.500,00, 12,500.00, 12 500,00.

    Read by the rule of every form (consortium/numbers.py), with the decimal mark of the
    spreadsheet that wrote the file: 12.500 is 12500 in a file separated by semicolons (Excel
    in Danish, German, Czech) and 12.5 in one separated by commas. The amount rounded to
    cents, or None and why it is no amount.
    """
    try:
        value = numbers.parse_with_mark(text, decimal_mark)
    except numbers.NumberError:
        return None, "invalid"
    problem = rules.amount_problem(value)
    return (None, problem) if problem else (rules.to_cents(value), None)


class _Register:
    def __init__(self):
        organisations = db.session.scalars(
            select(Organisation).options(selectinload(Organisation.billing_identities))
        ).all()
        self.by_id = {organisation.id: organisation for organisation in organisations}
        self.by_registration = {
            (o.country, o.registration_number): o for o in organisations if o.registration_number
        }
        self.by_code = {
            (o.country, o.municipality_code): o for o in organisations if o.municipality_code
        }
        self.products = {product.slug: product for product in db.session.scalars(select(Product))}

    def organisation(self, value: str, country: str) -> Organisation | None:
        try:
            number = identifiers.registration_number(country, value)
        except identifiers.InvalidIdentifier:
            number = None
        found = self.by_registration.get((country, number)) if number else None
        found = found or self.by_code.get((country, value))
        if found is None and NUMBER.fullmatch(value):
            found = self.by_id.get(int(value))
        return found


def import_participations(data: bytes, filename: str, *, apply: bool) -> ImportReport:
    """Check a file of participations and, when ``apply`` and nothing is wrong, record them."""
    report = ImportReport(filename)
    default_country = get_settings().country
    table = read_table(data, report, {default_country})
    if table is None:
        return report
    check_header(table, report, COLUMNS, REQUIRED)
    if report.problems:
        return report
    register = _Register()
    decimal_mark = csvio.decimal_mark_for(table.delimiter)
    planned: dict[tuple[int, int], list[tuple[int, date, date | None]]] = {}
    plans: list[_Plan] = []
    for line, raw in table.rows:
        cells = {key: value for key, value in raw.items() if value}
        before = len(report.problems)
        country = cells.get("country", default_country).upper()
        organisation = None
        if not cells.get("organisation"):
            report.add(line, "organisation", _l("Please fill in this field."))
        else:
            organisation = register.organisation(cells["organisation"], country)
            if organisation is None:
                report.add(line, "organisation", _l("There is no such organisation."))
        product = register.products.get(cells.get("product", ""))
        if product is None:
            report.add(line, "product", _l("There is no product with this slug."))
        phase = cells.get("phase", "").lower()
        if phase not in PHASES:
            report.add(line, "phase", _l("Use one of: %(values)s.", values=", ".join(PHASES)))
        starts_on = parse_date(cells.get("from", ""))
        if starts_on is None:
            report.add(line, "from", DATE_MESSAGE)
        ends_on = None
        if cells.get("to"):
            ends_on = parse_date(cells["to"])
            if ends_on is None:
                report.add(line, "to", DATE_MESSAGE)
            elif starts_on and ends_on < starts_on:
                report.add(line, "to", _l("The end is before the start."))
        notice_months = services.DEFAULT_NOTICE_MONTHS
        if cells.get("notice_months"):
            text = cells["notice_months"]
            if not NUMBER.fullmatch(text) or int(text) > 120:
                report.add(line, "notice_months", _l("Enter a whole number of months, 0 to 120."))
            else:
                notice_months = int(text)
        version = cells.get("agreement_version", "")
        if len(version) > 40:
            report.add(line, "agreement_version", _l("Use at most %(max)d characters.", max=40))
        amount = None
        if cells.get("amount_per_year"):
            amount, problem = _amount(cells["amount_per_year"], decimal_mark)
            if problem is not None:
                report.add(line, "amount_per_year", amount_text(problem))
        elif phase == "commitment":
            report.add(
                line,
                "amount_per_year",
                _l("Enter the amount pledged per year for a commitment."),
            )
        identity = None
        if organisation is not None:
            if cells.get("billing_ean"):
                identity = next(
                    (
                        each
                        for each in organisation.billing_identities
                        if each.gln == cells["billing_ean"].replace(" ", "")
                    ),
                    None,
                )
                if identity is None:
                    report.add(
                        line,
                        "billing_ean",
                        _l("The organisation has no billing identity with this EAN number."),
                    )
            else:
                identity = next(
                    (each for each in organisation.billing_identities if each.is_default), None
                )
        if len(report.problems) > before:
            continue
        try:
            services.check_period(organisation, product, starts_on, ends_on)
        except services.ParticipationError as exc:
            report.add(line, "from", error_text(exc))
            continue
        key = (organisation.id, product.id)
        clash = next(
            (
                other_line
                for other_line, other_start, other_end in planned.get(key, [])
                if periods.overlaps(starts_on, ends_on, other_start, other_end)
            ),
            None,
        )
        if clash is not None:
            report.add(
                line,
                "from",
                _l("Line %(other)s is about the same participation.", other=clash),
            )
            continue
        planned.setdefault(key, []).append((line, starts_on, ends_on))
        plans.append(
            _Plan(
                line,
                organisation,
                product,
                {
                    "phase": phase,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "notice_months": notice_months,
                    "agreement_version": version,
                    "amount_per_year": amount,
                    "billing_identity": identity,
                },
            )
        )
    if report.problems:
        return report

    def work() -> list[RowResult]:
        results = []
        for plan in plans:
            services.create_participation(plan.organisation, plan.product, **plan.fields)
            results.append(
                RowResult(plan.line, "create", f"{plan.organisation.name} – {plan.product.name}")
            )
        return results

    run_import(report, apply, work, filename)
    return report
