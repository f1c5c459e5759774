"""`flask invoices`: the yearly invoicing run from the command line.

flask invoices run --year 2027       the year's drafts, with a summary to review
flask invoices issue --year 2027     issue the year's draft run, all or nothing, and send it
flask invoices export --year 2027 --format facturx --out DIR
                                     one file per issued invoice, named by its number (pdf and
                                     facturx write the stored Factur-X PDF, ubl the e-invoice)
flask invoices payments import FILE.csv
                                     the payments of a bank statement, all or nothing
flask invoices settle --product os2forms --year 2027 --actual-cost 310000.00 [--issue]
                                     a product's year settled against its frozen budget
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import undefer

from consortium.extensions import db
from consortium.i18n import money
from consortium.invoicing import rendering, runs
from consortium.invoicing.models import NUMBERED_STATUSES, RUN_DRAFT, Invoice
from consortium.invoicing.services import InvoicingError
from consortium.settings.labels import COMPONENT_LABELS
from consortium.settings.services import get_settings

invoices_cli = AppGroup("invoices", help="The yearly invoicing run.")

# The stored PDF is the Factur-X (the PDF/A-3 with its CII embedded): both formats write it.
FORMATS = {"pdf": ("pdf", "pdf"), "facturx": ("pdf", "pdf"), "ubl": ("ubl", "xml")}


@invoices_cli.command("run")
@click.option("--year", type=int, required=True, help="The year whose fees are invoiced.")
def run_command(year: int) -> None:
    """Make the year's draft invoices and print a summary to review."""
    try:
        run = runs.start_run(year, None)
    except InvoicingError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    print_summary(run)


def print_summary(run) -> None:
    summary = runs.run_summary(run)
    currency = get_settings().currency
    click.echo(f"Invoicing run {run.year}: {summary.invoices} draft invoices")
    if summary.set_aside:
        click.echo(f"Set aside: {summary.set_aside}")
    for component, total in summary.totals.items():
        label = str(COMPONENT_LABELS.get(component, component))
        click.echo(f"  {label}: {money(total, currency)}")
    click.echo(f"  Total without VAT: {money(summary.net_total, currency)}")
    click.echo(f"  Total with VAT: {money(summary.gross_total, currency)}")
    if summary.without_einvoice:
        click.echo(f"No e-invoice (PDF only): {len(summary.without_einvoice)}")
        for item in summary.without_einvoice:
            identity = item.invoice.billing_identity
            name = item.invoice.organisation.name + (f" ({identity.name})" if identity else "")
            click.echo(f"  {name}: {' '.join(item.reasons)}")


@invoices_cli.command("issue")
@click.option("--year", type=int, required=True, help="The year whose draft run is issued.")
def issue_command(year: int) -> None:
    """Issue every draft of the year's run (not the set-aside ones) and send them."""
    run = runs.open_run(year)
    if run is None or run.status != RUN_DRAFT:
        raise click.ClickException(f"The year {year} has no draft invoicing run.")
    drafts = sum(1 for invoice in run.invoices if invoice.is_draft)
    started = time.monotonic()
    rendering.warm_up_rules()
    pool = rendering.shared_pool()
    if pool is not None:
        click.echo(f"Rendering over {pool.processes} processes.")
    try:
        with click.progressbar(length=drafts, label="Rendering and checking") as bar:

            def advance(done: int, _total: int) -> None:
                bar.update(done - bar.pos)

            issued = runs.issue_run(run, None, progress=advance, pool=pool)
        db.session.commit()
    except InvoicingError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    elapsed = time.monotonic() - started
    click.echo(f"Issued {len(issued)} invoices in {elapsed:.1f} s.")


@invoices_cli.command("export")
@click.option("--year", type=int, required=True, help="The year of the invoices.")
@click.option("--format", "kind", type=click.Choice(sorted(FORMATS)), required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The directory the files are written to.",
)
def export_command(year: int, kind: str, out: Path) -> None:
    """Write one file per issued invoice of the year, named by its number."""
    column, extension = FORMATS[kind]
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.number_year == year, Invoice.status.in_(NUMBERED_STATUSES))
        .options(undefer(getattr(Invoice, column)))
        .order_by(Invoice.number)
    ).all()
    if not invoices:
        raise click.ClickException(f"No invoice of {year} has been issued.")
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    with click.progressbar(invoices, label="Exporting") as bar:
        for invoice in bar:
            content = getattr(invoice, column)
            if not content:
                skipped += 1
                continue
            (out / f"{invoice.number}.{extension}").write_bytes(content)
            written += 1
    click.echo(f"Wrote {written} files to {out}.")
    if skipped:
        click.echo(f"{skipped} invoices have no {kind.upper()} (their buyers get the PDF only).")


payments_cli = AppGroup("payments", help="Payments received for issued invoices.")
invoices_cli.add_command(payments_cli)


@payments_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_payments_command(file: Path) -> None:
    """Record the payments of a bank statement (CSV with the columns date, amount and
    reference), each matched to the invoice whose number its reference names: every line or,
    when one is wrong, none."""
    from consortium.invoicing.payment_import import import_statement

    with force_locale("en"):
        result = import_statement(file.read_bytes(), file.name)
        report = result.report
        if report.problems:
            db.session.rollback()
            click.echo(
                f"{file.name}: nothing was recorded; correct these lines and try again:", err=True
            )
            for problem in sorted(report.problems, key=lambda each: each.line):
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        if not result.planned:
            db.session.rollback()
            raise click.ClickException(f"{file.name} has no payments to record.")
        db.session.commit()
        total = money(result.total, get_settings().currency)
        count = len(result.planned)
        click.echo(f"Recorded {count} payment{'s' if count != 1 else ''}, {total} in total.")


@invoices_cli.command("settle")
@click.option("--product", "slug", required=True, help="The product's slug, e.g. os2forms.")
@click.option("--year", type=int, required=True, help="The invoiced year that is settled.")
@click.option(
    "--actual-cost",
    required=True,
    help="What the product cost in the year, without VAT, e.g. 310000.00.",
)
@click.option("--issue", "issue_it", is_flag=True, help="Issue and send it at once.")
def settle_command(slug: str, year: int, actual_cost: str, issue_it: bool) -> None:
    """Settle a product's year: its actual cost against its frozen budget, the difference
    split by the participants' recorded shares. Prints the split; a draft unless --issue."""
    from decimal import Decimal, InvalidOperation

    from consortium.invoicing import settlement
    from consortium.products.models import Product

    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        raise click.ClickException(f"No product has the slug {slug!r}.")
    try:
        cost = Decimal(actual_cost.strip().replace(",", ""))
    except InvalidOperation:
        raise click.ClickException(
            f"{actual_cost!r} is no amount; write it as 310000.00, without a currency."
        ) from None
    try:
        made = settlement.settlement_for(product, year)
        if made is None:
            made = settlement.draft_settlement(product, year, cost, None)
        elif made.is_draft:
            settlement.change_actual_cost(made, cost)
        else:
            raise InvoicingError(
                f"{product.name} {year} has been settled and issued already; nothing changed."
            )
        issued = settlement.issue_settlement(made, None) if issue_it else []
        db.session.commit()
    except InvoicingError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    print_settlement(made, issued)


def print_settlement(made, issued) -> None:
    currency = made.currency
    click.echo(f"Settlement of {made.product.name} {made.year}")
    click.echo(f"  Budget:      {money(made.budget_amount, currency)}")
    click.echo(f"  Actual cost: {money(made.actual_cost, currency)}")
    click.echo(f"  Difference:  {money(made.difference, currency)}")
    for share in sorted(made.shares, key=lambda share: share.organisation.name):
        if share.invoice is not None:
            becomes = share.invoice.number
        elif share.amount > 0:
            becomes = "extra invoice"
        elif share.amount < 0:
            becomes = "credit note"
        else:
            becomes = "nothing"
        click.echo(
            f"  {share.organisation.name}: {share.share_percent} % of the budget, "
            f"{money(share.amount, currency)} ({becomes})"
        )
    if issued:
        click.echo(f"Issued and sent {len(issued)} invoices and credit notes.")
    else:
        click.echo("A draft: members see their part; issue it with --issue.")
