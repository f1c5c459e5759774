"""Importing and exporting the register as CSV: all or nothing, every bad line named.

An import is checked whole before anything changes, with the machinery every import shares
(consortium/imports.py). An empty cell changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import csvio, identifiers
from consortium.config import LANGUAGES
from consortium.extensions import db
from consortium.forms import IDENTIFIER_MESSAGES
from consortium.i18n import is_country
from consortium.imports import (
    ImportReport,
    RowResult,
    check_header,
    read_table,
    run_import,
    source_text,
)
from consortium.members import services
from consortium.members.models import KINDS, MEMBERSHIP_STATUSES, Organisation
from consortium.members.tiers import MAX_POPULATION, TIERS, band_set_for_year
from consortium.settings.services import get_settings

REQUIRED_COLUMNS = ("name", "kind", "country")
IMPORT_COLUMNS = (
    "name",
    "kind",
    "country",
    "registration_number",
    "municipality_code",
    "population",
    "population_year",
    "ean",
    "email",
    "language",
)
EXPORT_COLUMNS = (
    "id",
    *IMPORT_COLUMNS,
    "status",
    "tier",
    "address",
    "vat_number",
    "peppol_id",
    "invoice_reference",
    "invoice_email",
)
# An address runs over several lines, as in the form; every other cell is one line.
MULTILINE_COLUMNS = ("address",)
# The organisation's own columns, with the longest value each takes.
ORGANISATION_COLUMNS = {
    "name": 200,
    "kind": 20,
    "country": 2,
    "registration_number": 40,
    "vat_number": 40,
    "municipality_code": 20,
    "address": 500,
    "email": 254,
    "language": 8,
}
# Columns kept on the default billing identity, and its attribute for each.
BILLING_COLUMNS = {
    "ean": "gln",
    "peppol_id": "peppol_id",
    "invoice_reference": "invoice_reference",
    "invoice_email": "invoice_email",
}
BILLING_LENGTHS = {"invoice_reference": 100, "invoice_email": 254}
# ASCII digits only, and not so many that int() refuses them: 1234, 1.234 or 1 234 as Excel shows.
POPULATION_NUMBER = re.compile(r"^[0-9]{1,3}(?:[ .,\u00a0\u202f][0-9]{3}){1,4}$|^[0-9]{1,12}$")


@dataclass
class _Plan:
    """What one row of the organisations file will do."""

    line: int
    organisation: Organisation | None
    fields: dict
    population: tuple[int, int] | None = None  # (year, population)
    billing: dict = field(default_factory=dict)
    status: str | None = None
    tier_override: str | None = None


# --- reading the file -------------------------------------------------------------------


def _integer(text: str) -> int | None:
    """A whole number as Excel may show it: 1234, 1.234, 1 234; None when it is not one."""
    if not POPULATION_NUMBER.fullmatch(text):
        return None
    return int(re.sub(r"[^0-9]", "", text))


def _population(report: ImportReport, line: int, text: str) -> int | None:
    """The population in a cell, or None with the problem reported."""
    population = _integer(text)
    if population is None:
        report.add(line, "population", _l("Enter the population as a whole number."))
    elif population > MAX_POPULATION:
        report.add(
            line,
            "population",
            _l(
                "A population cannot be above %(limit)s.",
                limit=format_decimal(MAX_POPULATION),
            ),
        )
        return None
    return population


def _email(text: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _identifier(report: ImportReport, line: int, column: str, check, value: str) -> str | None:
    try:
        return check(value)
    except identifiers.InvalidIdentifier as exc:
        report.add(line, column, IDENTIFIER_MESSAGES[exc.reason])
        return None


# --- importing organisations ------------------------------------------------------------


class _Register:
    """The register's organisations, looked up the ways a row may name one."""

    def __init__(self):
        organisations = db.session.scalars(
            select(Organisation).options(
                selectinload(Organisation.populations),
                selectinload(Organisation.billing_identities),
                selectinload(Organisation.memberships),
            )
        ).all()
        self.by_id = {organisation.id: organisation for organisation in organisations}
        self.by_registration = {
            (organisation.country, organisation.registration_number): organisation
            for organisation in organisations
            if organisation.registration_number
        }
        self.by_code = {
            (organisation.country, organisation.municipality_code): organisation
            for organisation in organisations
            if organisation.municipality_code
        }


def _check_simple_cells(report: ImportReport, line: int, cells: dict[str, str]) -> dict:
    """Check the cells that need no lookup; return their values, parsed."""
    values: dict = {}
    for column, longest in ORGANISATION_COLUMNS.items():
        if column in cells and len(cells[column]) > longest:
            report.add(line, column, _l("Use at most %(max)d characters.", max=longest))
    for column, longest in BILLING_LENGTHS.items():
        if column in cells and len(cells[column]) > longest:
            report.add(line, column, _l("Use at most %(max)d characters.", max=longest))
    for column in ("name", "municipality_code", "address", "vat_number", "invoice_reference"):
        if column in cells:
            values[column] = cells[column]
    if "kind" in cells:
        kind = cells["kind"].lower()
        if kind in KINDS:
            values["kind"] = kind
        else:
            report.add(line, "kind", _l("Use one of: %(choices)s.", choices=", ".join(KINDS)))
    if "country" in cells:
        country = cells["country"].upper()
        if is_country(country):
            values["country"] = country
        else:
            report.add(line, "country", _l("Enter a country as two letters, such as DK."))
    if "language" in cells:
        language = cells["language"].lower()
        if language in LANGUAGES:
            values["language"] = language
        else:
            report.add(
                line, "language", _l("Use one of: %(choices)s.", choices=", ".join(LANGUAGES))
            )
    for column in ("email", "invoice_email"):
        if column in cells:
            if _email(cells[column]):
                values[column] = cells[column]
            else:
                report.add(line, column, _l("Enter an email address such as name@example.org."))
    if "population" in cells:
        population = _population(report, line, cells["population"])
        values["population"] = population
    if "population_year" in cells:
        year = _integer(cells["population_year"])
        if year is None or not 1900 <= year <= 2200:
            report.add(line, "population_year", _l("Enter a year such as 2026."))
        values["population_year"] = year
    if ("population" in cells) != ("population_year" in cells):
        missing = "population_year" if "population" in cells else "population"
        report.add(line, missing, _l("Give the population and the year it is for together."))
    if "ean" in cells:
        values["ean"] = _identifier(report, line, "ean", identifiers.gln, cells["ean"])
    if "peppol_id" in cells:
        values["peppol_id"] = _identifier(
            report, line, "peppol_id", identifiers.peppol_participant_id, cells["peppol_id"]
        )
    if "status" in cells:
        status = cells["status"].lower()
        if status in MEMBERSHIP_STATUSES:
            values["status"] = status
        else:
            report.add(
                line,
                "status",
                _l("Use one of: %(choices)s.", choices=", ".join(MEMBERSHIP_STATUSES)),
            )
    if "tier" in cells:
        tier = cells["tier"].lower()
        if tier in TIERS:
            values["tier"] = tier
        else:
            report.add(line, "tier", _l("Use one of: %(choices)s.", choices=", ".join(TIERS)))
    if "id" in cells:
        values["id"] = int(cells["id"]) if re.fullmatch(r"[0-9]{1,18}", cells["id"]) else None
        if values["id"] is None:
            report.add(line, "id", _l("Enter the id as a whole number, as in the export."))
    return values


def _plan_row(
    report: ImportReport,
    register: _Register,
    line: int,
    cells: dict[str, str],
    claimed: dict,
    sets,
) -> _Plan | None:
    problems_before = len(report.problems)
    values = _check_simple_cells(report, line, cells)
    organisation = None
    if values.get("id") is not None:
        organisation = register.by_id.get(values["id"])
        if organisation is None:
            report.add(line, "id", _l("There is no organisation with this id."))
    country = values.get("country") or (organisation.country if organisation else "")
    if "registration_number" in cells and country:
        values["registration_number"] = _identifier(
            report,
            line,
            "registration_number",
            lambda value: identifiers.registration_number(country, value),
            cells["registration_number"],
        )
    registration = values.get("registration_number")
    code = values.get("municipality_code")
    if "id" not in cells:
        if registration and country:
            organisation = register.by_registration.get((country, registration))
        if organisation is None and code and country:
            organisation = register.by_code.get((country, code))
    if organisation is None and "id" not in cells:
        for column in REQUIRED_COLUMNS:
            if column not in cells:
                report.add(line, column, _l("Required for a new organisation."))

    # One row per organisation, and no number that belongs to another.
    keys = [("organisation", organisation.id)] if organisation else []
    if registration and country:
        keys.append(("registration_number", country, registration))
        owner = register.by_registration.get((country, registration))
        if owner is not None and owner is not organisation:
            report.add(
                line,
                "registration_number",
                _l("%(name)s already has this registration number.", name=owner.name),
            )
    if code and country:
        keys.append(("municipality_code", country, code))
        owner = register.by_code.get((country, code))
        if owner is not None and owner is not organisation:
            report.add(
                line,
                "municipality_code",
                _l("%(name)s already has this municipality code.", name=owner.name),
            )
    repeated = next((key for key in keys if key in claimed), None)
    if repeated is not None:
        column = repeated[0] if repeated[0] != "organisation" else ""
        report.add(
            line,
            column,
            _l("Line %(other)s is about the same organisation.", other=claimed[repeated]),
        )
    for key in keys:
        claimed.setdefault(key, line)

    status = values.get("status")
    if status:
        current = services.membership_status(organisation) if organisation else None
        current_status = current.status if current else None
        if status != current_status and status not in services.TRANSITIONS[current_status]:
            report.add(
                line,
                "status",
                _l("This change of membership is not possible from the current status."),
            )

    population = None
    if values.get("population") is not None and values.get("population_year") is not None:
        population = (values["population_year"], values["population"])
    tier_override = None
    tier = values.get("tier")
    if tier:
        expected = _tier_by_population(organisation, population, sets)
        if organisation is not None and organisation.tier_override:
            tier_override = tier
        elif expected is None:
            tier_override = tier
        elif tier != expected:
            report.add(
                line,
                "tier",
                _l(
                    "The tier follows the population (%(tier)s); leave the cell empty.",
                    tier=expected,
                ),
            )

    if len(report.problems) > problems_before:
        return None
    return _Plan(
        line=line,
        organisation=organisation,
        fields={
            column: values[column]
            for column in ORGANISATION_COLUMNS
            if values.get(column) is not None
        },
        population=population,
        billing={
            attribute: values[column]
            for column, attribute in BILLING_COLUMNS.items()
            if values.get(column) is not None
        },
        status=status,
        tier_override=tier_override,
    )


def _tier_by_population(organisation, population, sets) -> str | None:
    """The tier the newest population gives, counting the row's own figure."""
    figures = (
        {figure.year: figure.population for figure in organisation.populations}
        if organisation
        else {}
    )
    if population:
        figures[population[0]] = population[1]
    if not figures:
        return None
    year = max(figures)
    band_set = band_set_for_year(sets, year)
    return band_set.tier_for(figures[year]) if band_set else None


def _describe_plan(plan: _Plan) -> RowResult:
    """What :func:`_apply_plan` would change, worked out without writing anything: a preview
    of thousands of rows then takes no flush, no audit entry and no rollback per row."""
    organisation = plan.organisation
    if organisation is None:
        changed = list(plan.fields)
        if plan.population:
            changed.append("population")
        changed.extend(plan.billing)
        if plan.status:
            changed.append("status")
        if plan.tier_override:
            changed.append("tier")
        return RowResult(plan.line, "create", plan.fields.get("name", ""), changed)
    changed = [key for key, value in plan.fields.items() if getattr(organisation, key) != value]
    if plan.population:
        year, population = plan.population
        figure = services.population_in(organisation, year)
        if figure is None or figure.population != population:
            changed.append("population")
    if plan.billing:
        identity = services.default_billing_identity(organisation)
        changed.extend(
            key
            for key, value in plan.billing.items()
            if identity is None or getattr(identity, key) != value
        )
    if plan.status:
        current = services.membership_status(organisation)
        if current is None or current.status != plan.status:
            changed.append("status")
    if plan.tier_override and organisation.tier_override != plan.tier_override:
        changed.append("tier")
    name = plan.fields.get("name", organisation.name)
    return RowResult(plan.line, "update" if changed else "unchanged", name, changed)


def _apply_plan(plan: _Plan, source: str, today: date) -> RowResult:
    organisation = plan.organisation
    changed: list[str] = []
    if organisation is None:
        organisation = services.create_organisation(**plan.fields)
        action = "create"
        changed = list(plan.fields)
    else:
        action = "update"
        different = {
            key: value for key, value in plan.fields.items() if getattr(organisation, key) != value
        }
        if different:
            services.update_organisation(organisation, **different)
            changed.extend(different)
    if plan.population:
        year, population = plan.population
        figure = services.population_in(organisation, year)
        if figure is None or figure.population != population:
            services.set_population(organisation, year, population, source)
            changed.append("population")
    if plan.billing:
        identity = services.default_billing_identity(organisation)
        if identity is None:
            services.save_billing_identity(
                organisation, None, name=organisation.name, is_default=True, **plan.billing
            )
            changed.extend(plan.billing)
        else:
            different = {
                key: value for key, value in plan.billing.items() if getattr(identity, key) != value
            }
            if different:
                services.save_billing_identity(organisation, identity, **different)
                changed.extend(different)
    if plan.status:
        current = services.membership_status(organisation)
        if current is None or current.status != plan.status:
            services.change_membership(organisation, plan.status, today, source)
            changed.append("status")
    if plan.tier_override and organisation.tier_override != plan.tier_override:
        services.update_organisation(
            organisation, tier_override=plan.tier_override, tier_override_reason=source
        )
        changed.append("tier")
    if action == "update" and not changed:
        action = "unchanged"
    return RowResult(plan.line, action, organisation.name, changed)


def import_organisations(data: bytes, filename: str, *, apply: bool) -> ImportReport:
    """Check a file of organisations and, when ``apply`` and nothing is wrong, import it."""
    report = ImportReport(filename)
    hint = csvio.sniff_countries(data) | {get_settings().country}
    table = read_table(data, report, hint, MULTILINE_COLUMNS)
    if table is None:
        return report
    check_header(table, report, EXPORT_COLUMNS, REQUIRED_COLUMNS)
    if report.problems:
        return report
    register = _Register()
    sets = services.band_sets()
    claimed: dict = {}
    plans = [
        _plan_row(report, register, line, {k: v for k, v in cells.items() if v}, claimed, sets)
        for line, cells in table.rows
    ]
    if report.problems:
        return report
    if not apply:
        report.rows = [_describe_plan(plan) for plan in plans]
        return report
    source = source_text(filename)
    run_import(
        report, apply, lambda: [_apply_plan(plan, source, date.today()) for plan in plans], filename
    )
    return report


# --- importing population figures -------------------------------------------------------


def import_population(
    data: bytes,
    filename: str,
    *,
    year: int,
    source: str,
    country: str | None = None,
    skip_unknown: bool = False,
    apply: bool,
) -> ImportReport:
    """Record a year's population for the organisations in an official file."""
    report = ImportReport(filename)
    country = (country or get_settings().country).upper()
    table = read_table(data, report, {country})
    if table is None:
        return report
    key_column = next(
        (
            column
            for column in ("municipality_code", "registration_number")
            if column in table.header
        ),
        "municipality_code",
    )
    check_header(table, report, None, (key_column, "population"))
    if report.problems:
        return report
    register = _Register()
    seen: dict[str, int] = {}
    updates: list[tuple[int, Organisation, int]] = []
    for line, cells in table.rows:
        key = cells.get(key_column, "")
        population = _population(report, line, cells.get("population", ""))
        if not key:
            report.add(line, key_column, _l("Please fill in this field."))
            continue
        if key_column == "registration_number":
            compact = _identifier(
                report,
                line,
                key_column,
                lambda value: identifiers.registration_number(country, value),
                key,
            )
            organisation = register.by_registration.get((country, compact)) if compact else None
        else:
            organisation = register.by_code.get((country, key))
        if key in seen:
            report.add(
                line,
                key_column,
                _l("Line %(other)s is about the same organisation.", other=seen[key]),
            )
            continue
        seen[key] = line
        if organisation is None:
            if skip_unknown:
                report.skipped.append(RowResult(line, "skip", key))
            else:
                report.add(
                    line,
                    key_column,
                    _l(
                        "No organisation in %(country)s has %(value)s. Add it to the register "
                        "first, or skip such rows.",
                        country=country,
                        value=key,
                    ),
                )
            continue
        if population is not None:
            updates.append((line, organisation, population))
    if report.problems:
        return report
    in_file = {organisation.id for _line, organisation, _population in updates}
    report.missing = sorted(
        (
            organisation
            for organisation in register.by_id.values()
            if organisation.country == country
            and organisation.id not in in_file
            and (status := services.membership_status(organisation)) is not None
            and status.status == "active"
        ),
        key=lambda organisation: organisation.name,
    )

    def work() -> list[RowResult]:
        results = []
        for line, organisation, population in updates:
            figure = services.population_in(organisation, year)
            if figure is not None and figure.population == population and figure.source == source:
                results.append(RowResult(line, "unchanged", organisation.name))
                continue
            services.set_population(organisation, year, population, source)
            results.append(RowResult(line, "update", organisation.name, ["population"]))
        return results

    run_import(report, apply, work, filename)
    return report


# --- exporting --------------------------------------------------------------------------


def export_rows(organisations: Iterable[Organisation]) -> list[list]:
    """One row per organisation, in EXPORT_COLUMNS order; the newest population figure."""
    sets = services.band_sets()
    rows = []
    for organisation in organisations:
        figure = services.latest_population(organisation)
        identity = services.default_billing_identity(organisation)
        membership = services.membership_status(organisation)
        tier = services.current_tier(organisation, sets)
        rows.append(
            [
                organisation.id,
                organisation.name,
                organisation.kind,
                organisation.country,
                organisation.registration_number or "",
                organisation.municipality_code or "",
                figure.population if figure else "",
                figure.year if figure else "",
                (identity.gln or "") if identity else "",
                organisation.email,
                organisation.language or "",
                membership.status if membership else "",
                tier.tier if tier else "",
                organisation.address,
                organisation.vat_number or "",
                (identity.peppol_id or "") if identity else "",
                identity.invoice_reference if identity else "",
                identity.invoice_email if identity else "",
            ]
        )
    return rows


def export_csv(organisations: Iterable[Organisation], delimiter: str = ",") -> bytes:
    return csvio.write(EXPORT_COLUMNS, export_rows(organisations), delimiter)


def all_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .options(
                selectinload(Organisation.populations),
                selectinload(Organisation.billing_identities),
                selectinload(Organisation.memberships),
            )
            .order_by(Organisation.name, Organisation.id)
        )
    )
