"""`flask fees preview`: every organisation's fees of a year as CSV or a table."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from consortium.extensions import db
from consortium.fees.models import ProductBudget, ProductTariff
from consortium.participation.models import Participation
from tests.fees.test_member_pages import add_organisation, add_schedule, fee_setup

HEADER = (
    "organisation,registration_number,component,basis_population,population_year,tier,amount,"
    "currency,explanation,rule,rate,part_year_factor,cap,rounding_adjustment"
)


@pytest.fixture
def setup(app):
    return fee_setup()


def _preview(runner, *args):
    return runner.invoke(args=["fees", "preview", *args])


def _rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_the_csv_has_the_exact_header_and_a_row_per_organisation_and_component(runner, setup):
    result = _preview(runner, "--year", "2026")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == HEADER
    rows = _rows(result.output)
    assert [(row["organisation"], row["component"]) for row in rows] == [
        ("Aarhus Kommune", "membership"),
        ("Aarhus Kommune", "os2forms"),
        ("Nyborg Kommune", "membership"),
        ("Odder Kommune", "membership"),
        ("Odder Kommune", "os2forms"),
        ("Skive Kommune", "membership"),
    ]
    # A flat 25,000 joining on 2 July pays half a year under OS2's rule.
    nyborg = rows[2]
    assert nyborg == {
        "organisation": "Nyborg Kommune",
        "registration_number": "29189587",
        "component": "membership",
        "basis_population": "",
        "population_year": "",
        "tier": "",
        "amount": "12500.00",
        "currency": "DKK",
        "explanation": "flat fee of DKK\xa025,000.00 a year; 1/2 of the year: DKK\xa012,500.00",
        "rule": "flat",
        "rate": "25000.00",
        "part_year_factor": "0.5",
        "cap": "",
        "rounding_adjustment": "0.00",
    }
    assert rows[1]["amount"] == "45000.00" and rows[1]["rule"] == "split_equal"


def test_two_runs_print_the_same_bytes(runner, setup):
    first = _preview(runner, "--year", "2026").stdout_bytes
    second = _preview(runner, "--year", "2026").stdout_bytes
    assert first == second and first


def test_one_product_with_entry_fees_and_pledges(runner, setup):
    skive, product = setup["skive"], setup["product"]
    db.session.add_all(
        [
            Participation(
                organisation=skive, product=product, phase="agreement", starts_on=date(2026, 7, 2)
            ),
            Participation(
                organisation=setup["nyborg"],
                product=product,
                phase="commitment",
                starts_on=date(2026, 1, 1),
                amount_per_year=Decimal("1000.00"),
            ),
        ]
    )
    db.session.commit()
    result = _preview(runner, "--year", "2026", "--product", "os2forms")
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    assert [(row["organisation"], row["component"], row["amount"]) for row in rows] == [
        ("Aarhus Kommune", "os2forms", "36000.00"),
        ("Nyborg Kommune", "os2forms:pledge", "1000.00"),
        ("Odder Kommune", "os2forms", "36000.00"),
        ("Skive Kommune", "os2forms", "18000.00"),
        ("Skive Kommune", "os2forms:entry", "5000.00"),
    ]


def test_a_missing_population_stops_with_the_organisation_and_the_year(runner, setup):
    product = setup["product"]
    db.session.add_all(
        [
            ProductTariff(
                product=product,
                year=2028,
                pricing={"type": "budget_split", "method": "population"},
                part_year_method="half_year_after_1_july",
            ),
            ProductBudget(product=product, year=2028, amount=10000, status="draft"),
        ]
    )
    db.session.commit()
    result = _preview(runner, "--year", "2028", "--product", "os2forms")
    assert result.exit_code != 0
    assert "Aarhus Kommune" in result.output and "2027" in result.output
    assert "Traceback" not in result.output


def test_explanations_in_danish(runner, setup):
    result = _preview(runner, "--year", "2026", "--lang", "da")
    assert result.exit_code == 0, result.output
    nyborg = _rows(result.output)[2]
    # Danish money: a dot for thousands, a comma for decimals, "kr."; the amount column stays plain.
    assert "25.000,00" in nyborg["explanation"] and "kr." in nyborg["explanation"]
    assert nyborg["amount"] == "12500.00"


def test_cells_are_neutralised_against_spreadsheet_formulas(runner, app):
    add_organisation("=HYPERLINK(evil)", member_from=date(2020, 1, 1))
    add_schedule(2026, "100.00")
    db.session.commit()
    result = _preview(runner, "--year", "2026")
    assert "'=HYPERLINK(evil)" in result.output


def test_a_table_for_the_terminal(runner, setup):
    result = _preview(runner, "--year", "2026", "--format", "table")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("organisation  ")
    assert set(lines[1]) <= {"-", " "}
    assert any("Nyborg Kommune" in line and "12500.00" in line for line in lines)
