"""Importing group members from a CSV file: all or nothing, every bad line and column named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium import identifiers, periods
from consortium.auth.services import find_user_by_email
from consortium.extensions import db
from consortium.forms import EARLIEST_YEAR, LATEST_YEAR
from consortium.groups import services
from consortium.groups.labels import ERROR_MESSAGES
from consortium.groups.models import MEMBER_ROLES, Group
from consortium.imports import (
    ImportReport,
    RowResult,
    check_header,
    read_table,
    run_import,
)
from consortium.members.models import Organisation
from consortium.settings.services import get_settings
from consortium.suppliers.models import Supplier

COLUMNS = ("group_id", "group", "email", "organisation", "supplier", "role", "from", "to")


# Only ASCII digits, and not too many: int() refuses "²", which str.isdigit() accepts.
NUMBER = re.compile(r"[0-9]{1,9}")


def parse_date(text: str) -> date | None:
    """A date as ISO (2026-01-31) or as Danish, German and Czech spreadsheets write it (31.01.2026, 31-01-2026),
    within the years the forms accept."""
    text = text.strip()
    for separator in ("-", ".", "/"):
        parts = [part.strip() for part in text.split(separator)]
        if len(parts) != 3 or not all(NUMBER.fullmatch(part) for part in parts):
            continue
        numbers = [int(part) for part in parts]
        year, month, day = numbers if len(parts[0]) == 4 else reversed(numbers)
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return None
        try:
            return date(year, month, day)
        except (OverflowError, ValueError):
            return None
    return None


@dataclass
class _Plan:
    line: int
    group: Group
    user: object
    organisation: Organisation | None
    supplier: Supplier | None
    role: str
    starts_on: date
    ends_on: date | None


def _find_group(cells, groups_by_id, groups_by_name):
    if cells.get("group_id"):
        value = cells["group_id"]
        return "group_id", groups_by_id.get(int(value)) if NUMBER.fullmatch(value) else None
    name = cells.get("group", "")
    matches = groups_by_name.get(name.casefold(), [])
    return "group", matches[0] if len(matches) == 1 else None


def _find_organisation(value: str, country: str) -> Organisation | None:
    try:
        number = identifiers.registration_number(country, value)
    except identifiers.InvalidIdentifier:
        number = None
    if number:
        found = db.session.scalar(
            select(Organisation).where(
                Organisation.country == country, Organisation.registration_number == number
            )
        )
        if found:
            return found
    matches = db.session.scalars(select(Organisation).where(Organisation.name == value)).all()
    return matches[0] if len(matches) == 1 else None


def _find_supplier(value: str) -> Supplier | None:
    matches = db.session.scalars(
        select(Supplier).where(
            (Supplier.name == value) | (Supplier.registration_number == value.replace(" ", ""))
        )
    ).all()
    return matches[0] if len(matches) == 1 else None


def import_members(data: bytes, filename: str, *, apply: bool) -> ImportReport:
    """Check a file of group members and, when ``apply`` and nothing is wrong, add every term."""
    report = ImportReport(filename)
    country = get_settings().country
    table = read_table(data, report, {country})
    if table is None:
        return report
    check_header(table, report, COLUMNS, ("email", "role", "from"))
    if "group_id" not in table.header and "group" not in table.header:
        report.add(1, "group_id", _l("Name the group in a group_id or a group column."))
    if report.problems:
        return report
    groups = db.session.scalars(select(Group)).all()
    by_id = {group.id: group for group in groups}
    by_name: dict[str, list[Group]] = {}
    for group in groups:
        by_name.setdefault(group.name.casefold(), []).append(group)
    plans = []
    planned: dict[tuple[int, int], list[tuple[int, date, date | None]]] = {}
    for line, raw in table.rows:
        cells = {key: value for key, value in raw.items() if value}
        problems_before = len(report.problems)
        column, group = _find_group(cells, by_id, by_name)
        if group is None:
            report.add(line, column, _l("There is no such group."))
        user = find_user_by_email(cells.get("email", ""))
        if user is None:
            report.add(line, "email", _l("There is no user with this email address."))
        organisation = supplier = None
        if cells.get("organisation"):
            organisation = _find_organisation(cells["organisation"], country)
            if organisation is None:
                report.add(line, "organisation", _l("There is no such organisation."))
        if cells.get("supplier"):
            supplier = _find_supplier(cells["supplier"])
            if supplier is None:
                report.add(line, "supplier", _l("There is no such supplier."))
        role = cells.get("role", "").lower()
        if role not in MEMBER_ROLES:
            report.add(
                line,
                "role",
                _l("Use one of: %(values)s.", values=", ".join(MEMBER_ROLES)),
            )
        starts_on = parse_date(cells.get("from", ""))
        if starts_on is None:
            report.add(line, "from", _l("Enter a date such as 2026-01-31."))
        ends_on = None
        if cells.get("to"):
            ends_on = parse_date(cells["to"])
            if ends_on is None:
                report.add(line, "to", _l("Enter a date such as 2026-01-31."))
        if len(report.problems) > problems_before:
            continue
        try:
            services.check_member(group, user, organisation, supplier, role, starts_on, ends_on)
        except services.GroupError as exc:
            where = {
                "dates": "to",
                "supplier_only_coordination": "supplier",
                "overlapping_term": "from",
            }.get(exc.code, "supplier" if exc.code == "not_a_supplier_contact" else "organisation")
            report.add(line, where, ERROR_MESSAGES[exc.code])
            continue
        key = (group.id, user.id)
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
                _l(
                    "Line %(other)s gives the person a term in this group in the same period.",
                    other=clash,
                ),
            )
            continue
        planned.setdefault(key, []).append((line, starts_on, ends_on))
        plans.append(_Plan(line, group, user, organisation, supplier, role, starts_on, ends_on))
    if report.problems:
        return report

    def work() -> list[RowResult]:
        results = []
        for plan in plans:
            services.add_member(
                plan.group,
                plan.user,
                organisation=plan.organisation,
                supplier=plan.supplier,
                role=plan.role,
                starts_on=plan.starts_on,
                ends_on=plan.ends_on,
            )
            results.append(
                RowResult(plan.line, "create", f"{plan.user.email} in {plan.group.name}")
            )
        return results

    run_import(report, apply, work, filename)
    return report
