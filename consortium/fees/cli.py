"""`flask fees`: a year's fees from the command line.

`flask fees preview --year 2027` prints one row per organisation and component:

    membership      the membership fee
    SLUG            the share (or tier tariff) of the product with that slug
    SLUG:pledge     a commitment's pledge to the product
    SLUG:entry      the entry fee for joining the product after its first year

Amounts, rates and the rounding adjustment are plain decimals with a dot (12500.00); the
part-year factor is a decimal when it is one exactly (0.5, 1), otherwise a fraction (7/12).
Rows are ordered by organisation name, then membership before products by slug, so two runs
print the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from consortium.config import LANGUAGES
from consortium.csvio import neutralise
from consortium.extensions import db
from consortium.fees import register_inputs
from consortium.fees.computation import FeeSetupError, YearResult, compute_year
from consortium.fees.engine import COMMITMENT_PLEDGE, ENTRY_FEE, MEMBERSHIP, Charge, from_minor
from consortium.fees.explanations import describe_charge
from consortium.fees.years import FIRST_YEAR, LAST_YEAR
from consortium.members.models import Organisation

fees_cli = AppGroup("fees", help="Preview the fees of a year.")

COLUMNS = (
    "organisation",
    "registration_number",
    "component",
    "basis_population",
    "population_year",
    "tier",
    "amount",
    "currency",
    "explanation",
    "rule",
    "rate",
    "part_year_factor",
    "cap",
    "rounding_adjustment",
)
# Columns a table right-aligns.
NUMERIC = {"basis_population", "population_year", "amount", "rate", "rounding_adjustment"}
KIND_ORDER = {MEMBERSHIP: 0, COMMITMENT_PLEDGE: 2, ENTRY_FEE: 3}
# A plain number (a dot or a comma for decimals) cannot be a formula: a negative change stays
# a number in a spreadsheet instead of being neutralised into text.


def cell(value) -> str:
    """A CSV cell a spreadsheet cannot run as a formula; plain numbers stay numbers."""
    return neutralise(value)


def component(charge: Charge) -> str:
    """membership, a product's slug, SLUG:pledge or SLUG:entry."""
    if charge.kind == MEMBERSHIP:
        return "membership"
    if charge.kind == ENTRY_FEE:
        return f"{charge.product_key}:entry"
    if charge.kind == COMMITMENT_PLEDGE:
        return f"{charge.product_key}:pledge"
    return charge.product_key or ""


def plain(value: Decimal | None) -> str:
    """A decimal with a dot and no thousands separator; empty for none."""
    return "" if value is None else format(value, "f")


def factor(value: Fraction) -> str:
    """A part-year factor: a decimal when it is one exactly, else the fraction."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def sort_key(charge: Charge, organisations: dict[str, Organisation]) -> tuple:
    organisation = organisations.get(charge.organisation_key)
    name = organisation.name if organisation else charge.organisation_key
    return (
        name.casefold(),
        name,
        charge.organisation_key,
        0 if charge.kind == MEMBERSHIP else 1,
        charge.product_key or "",
        KIND_ORDER.get(charge.kind, 1),
    )


def preview_rows(
    result: YearResult, language: str = "en", only: Collection[str] | None = None
) -> list[list[str]]:
    """The rows of `flask fees preview`, in their fixed order; those of the organisations keyed
    in ``only`` when it is given (the web preview's filter)."""
    organisations = {
        register_inputs.organisation_key(organisation.id): organisation
        for organisation in db.session.scalars(db.select(Organisation))
    }
    chosen = [
        charge for charge in result.charges if only is None or charge.organisation_key in only
    ]
    # sorted() is stable: several pledges of one organisation keep the engine's order.
    charges = sorted(chosen, key=lambda charge: sort_key(charge, organisations))
    rows = []
    with force_locale(language):
        for charge in charges:
            organisation = organisations.get(charge.organisation_key)
            explanation = charge.explanation
            rows.append(
                [
                    organisation.name if organisation else charge.organisation_key,
                    (organisation.registration_number or "") if organisation else "",
                    component(charge),
                    ""
                    if explanation.basis_population is None
                    else str(explanation.basis_population),
                    "" if explanation.basis_year is None else str(explanation.basis_year),
                    explanation.tier or "",
                    plain(charge.amount),
                    charge.currency,
                    describe_charge(charge),
                    explanation.rule,
                    plain(explanation.rate),
                    factor(explanation.part_year),
                    explanation.cap or "",
                    plain(from_minor(explanation.rounding_adjustment, charge.currency)),
                ]
            )
    return rows


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


def as_table(rows: list[list[str]]) -> str:
    widths = [len(column) for column in COLUMNS]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells) -> str:
        return "  ".join(
            cell.rjust(width) if column in NUMERIC else cell.ljust(width)
            for column, cell, width in zip(COLUMNS, cells, widths, strict=True)
        ).rstrip()

    ruler = "  ".join("-" * width for width in widths)
    return "\n".join([line(COLUMNS), ruler, *(line(row) for row in rows)]) + "\n"


@fees_cli.command("preview")
@click.option(
    "--year", type=click.IntRange(FIRST_YEAR, LAST_YEAR), required=True, help="The fee year."
)
@click.option("--product", "product_slug", default=None, help="Only this product (its slug).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "table"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the explanations.",
)
def preview(year: int, product_slug: str | None, output_format: str, language: str) -> None:
    """Print every organisation's fees of a year, one row per component, with the reasons."""
    try:
        result = compute_year(year, product_slug=product_slug)
    except FeeSetupError as exc:
        raise click.ClickException(f"Cannot compute the fees of {year}: {exc}") from exc
    rows = preview_rows(result, language)
    text = as_csv(rows) if output_format == "csv" else as_table(rows)
    click.echo(text, nl=False)
    if not rows:
        click.echo(f"No fees for {year}: no membership fee schedule or tariff applies.", err=True)
    if result.non_members:
        names = sorted(
            db.session.scalars(
                db.select(Organisation.name).where(Organisation.id.in_(result.non_members))
            )
        )
        click.echo(
            f"Taking part in products in {year} without being members (no membership fee): "
            + "; ".join(names),
            err=True,
        )
