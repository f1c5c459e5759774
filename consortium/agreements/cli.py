"""`flask agreements`: export every issued document as its sealed PDF with a summary, and check
the seal of an agreement PDF."""

from __future__ import annotations

import os
from pathlib import Path

import click

from consortium import csvio
from consortium.agreements import bp, queries
from consortium.agreements.models import KINDS

SUMMARY_NAME = "agreements.csv"
SUMMARY_HEADER = (
    "number",
    "kind",
    "party",
    "product",
    "language",
    "version",
    "status",
    "made_at",
    "accepted_at",
    "accepted_by",
    "role",
    "method",
    "sha256",
    "file",
)


@bp.cli.command("export")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the PDFs and agreements.csv into (made when missing).",
)
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only documents of a kind.")
def export(out: Path, kind: str | None) -> None:
    """Write every issued document as its sealed PDF, named by its number, and a summary."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    documents = queries.documents(kind)
    with click.progressbar(documents, label="Writing agreements") as bar:
        for document in bar:
            name = f"{document.number}.pdf"
            (out / name).write_bytes(document.pdf)
            acceptance = document.acceptance
            rows.append(
                (
                    document.number,
                    document.kind,
                    document.party_name,
                    document.participation.product.name if document.participation else "",
                    document.language,
                    document.version_label,
                    document.status,
                    document.made_at.isoformat(timespec="seconds"),
                    acceptance.accepted_at.isoformat(timespec="seconds") if acceptance else "",
                    acceptance.signer_name if acceptance else "",
                    acceptance.signer_role if acceptance else "",
                    acceptance.method if acceptance else "",
                    document.sha256,
                    name,
                )
            )
    (out / SUMMARY_NAME).write_bytes(csvio.write(SUMMARY_HEADER, rows))
    click.echo(f"{len(rows)} agreements written to {os.fspath(out)}, with {SUMMARY_NAME}.")


@bp.cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Say whether FILE's seal holds and which document and version it is (exit 1 if not)."""
    from consortium.agreements import sealing
    from consortium.agreements.services import seal_files

    data = file.read_bytes()
    trusted: str | None
    try:
        _key, trusted, _passphrase = seal_files()
    except RuntimeError:
        trusted = None
    check = sealing.verify_seal(data, trusted_cert_path=trusted)
    if check.document_number:
        click.echo(f"Document: {check.document_number}, version {check.version_label or '?'}")
    if check.signer:
        signed = f" on {check.signed_at.isoformat(timespec='seconds')}" if check.signed_at else ""
        click.echo(f"Sealed by: {check.signer}{signed}")
    holds = check.sealed and check.intact and check.trusted
    if holds:
        click.echo("The seal holds: the PDF is unchanged since the association sealed it.")
        return
    click.echo(f"The seal does not hold: {check.problem or 'unknown reason'}", err=True)
    raise SystemExit(1)
