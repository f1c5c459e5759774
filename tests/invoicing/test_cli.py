"""`flask invoices run / issue / export`: the run from the command line."""

from __future__ import annotations

import facturx
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing.models import Invoice
from consortium.invoicing.validation import ensure_valid
from tests.invoicing.runs import register


def test_run_issue_and_export(runner, app, tmp_path):
    register()

    result = runner.invoke(args=["invoices", "run", "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "3 draft invoices" in result.output
    assert "300,000.01" in result.output  # the OS2forms shares add up to the budget
    assert "Skanderborg Kommune (Økonomi)" in result.output  # no GLN: no e-invoice

    again = runner.invoke(args=["invoices", "run", "--year", "2027"])
    assert again.exit_code != 0 and "already has an invoicing run" in again.output

    result = runner.invoke(args=["invoices", "issue", "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "Issued 3 invoices in" in result.output
    numbers = db.session.scalars(select(Invoice.number).order_by(Invoice.number)).all()
    assert len(numbers) == 3 and numbers[0].endswith("-00001")

    result = runner.invoke(
        args=["invoices", "export", "--year", numbers[0][:4], "--format", "pdf", "--out", tmp_path]
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{n}.pdf" for n in numbers]
    assert all(path.read_bytes().startswith(b"%PDF") for path in tmp_path.iterdir())

    xml_dir = tmp_path / "ubl"
    result = runner.invoke(
        args=["invoices", "export", "--year", numbers[0][:4], "--format", "ubl", "--out", xml_dir]
    )
    assert result.exit_code == 0, result.output
    files = sorted(xml_dir.iterdir())
    assert len(files) == 2 and "1 invoices have no UBL" in result.output
    for path in files:
        ensure_valid(path.read_bytes())

    # Factur-X: the stored PDFs, each carrying its EN 16931 CII, named by number.
    facturx_dir = tmp_path / "facturx"
    result = runner.invoke(
        args=[
            "invoices",
            "export",
            "--year",
            numbers[0][:4],
            "--format",
            "facturx",
            "--out",
            facturx_dir,
        ]
    )
    assert result.exit_code == 0, result.output
    stored = dict(db.session.execute(select(Invoice.number, Invoice.pdf)).all())
    assert sorted(path.name for path in facturx_dir.iterdir()) == [f"{n}.pdf" for n in numbers]
    for path in facturx_dir.iterdir():
        assert path.read_bytes() == stored[path.stem]
        _filename, xml = facturx.get_xml_from_pdf(path.read_bytes(), check_xsd=False)
        assert f"<ram:ID>{path.stem}</ram:ID>".encode() in xml


def test_issue_without_a_draft_run_fails_clearly(runner, app):
    result = runner.invoke(args=["invoices", "issue", "--year", "2027"])
    assert result.exit_code != 0
    assert "The year 2027 has no draft invoicing run." in result.output
