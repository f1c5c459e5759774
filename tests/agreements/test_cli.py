"""`flask agreements export` writes every document's sealed PDF by its number and a summary
with spreadsheet formulas neutralised; `flask agreements verify` says whether a seal holds."""

from __future__ import annotations

import csv
import io

from consortium.agreements import services
from consortium.extensions import db


def test_export_writes_each_pdf_by_number_and_a_summary(runner, world, tmp_path):
    world.supplier.name = '=HYPERLINK("http://evil")'
    participation = services.make_document("participation", participation=world.participation)
    supplier = services.make_document("supplier", supplier=world.supplier)
    services.accept(participation, world.signer, role="Direktør")
    db.session.commit()
    result = runner.invoke(args=["agreements", "export", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (out / f"{participation.number}.pdf").read_bytes() == participation.pdf
    assert (out / f"{supplier.number}.pdf").read_bytes() == supplier.pdf
    rows = list(csv.DictReader(io.StringIO((out / "agreements.csv").read_text("utf-8-sig"))))
    by_number = {row["number"]: row for row in rows}
    assert by_number[participation.number]["accepted_by"] == "Anna Jensen"
    assert by_number[participation.number]["sha256"] == participation.sha256
    assert by_number[supplier.number]["party"].startswith("'=")  # not run by a spreadsheet


def test_export_of_one_kind(runner, world, tmp_path):
    participation = services.make_document("participation", participation=world.participation)
    supplier = services.make_document("supplier", supplier=world.supplier)
    db.session.commit()
    result = runner.invoke(
        args=["agreements", "export", "--out", str(tmp_path), "--kind", "supplier"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{supplier.number}.pdf").exists()
    assert not (tmp_path / f"{participation.number}.pdf").exists()


def test_verify_names_the_document_and_fails_on_a_changed_byte(runner, document, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(document.pdf)
    result = runner.invoke(args=["agreements", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert document.number in result.output
    assert "participation-da-1" in result.output
    assert "holds" in result.output
    data = bytearray(document.pdf)
    index = data.index(b"Syddjurs") if b"Syddjurs" in data else len(data) // 3
    data[index] ^= 0x01
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    result = runner.invoke(args=["agreements", "verify", str(bad)])
    assert result.exit_code != 0
    assert "does not hold" in result.output


def test_verify_of_a_file_that_is_no_pdf_fails_without_a_traceback(runner, tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01 not a pdf")
    result = runner.invoke(args=["agreements", "verify", str(junk)])
    assert result.exit_code == 1
    assert "does not hold" in result.output
    assert "Traceback" not in result.output
