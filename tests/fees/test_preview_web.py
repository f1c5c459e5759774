"""The fees preview on the web: narrowed by name, kind, size tier and product (kept in the
address), and downloaded as the rows shown with the command line's columns."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from consortium.extensions import db
from consortium.members import services as members
from tests.fees.conftest import YEAR
from tests.fees.test_membership_in_force import charges_on_page
from tests.fees.test_screens import FLAT


@pytest.fixture
def fees(secretariat_client, budget, towns):
    """Three municipalities and a region pay a flat membership fee; Aarhus and Odder share
    OS2forms' budget."""
    region = members.create_organisation(name="Region Midtjylland", kind="region", country="DK")
    members.change_membership(region, "active", towns["aarhus"].memberships[0].status_on)
    db.session.commit()
    assert secretariat_client.post("/fees/schedules/new", data=FLAT).status_code == 302
    return secretariat_client


def _rows(data: bytes) -> tuple[list[str], list[list[str]], str]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return table[0], table[1:], delimiter


def test_the_preview_is_narrowed_by_name_kind_and_product(fees):
    page = fees.get(f"/fees/preview?year={YEAR}&q=od").get_data(as_text=True)
    assert list(charges_on_page(page)) == ["Odder Kommune"]
    # The filter is kept in the form and in the download link.
    assert 'value="od"' in page
    assert f"/fees/preview.csv?year={YEAR}&amp;q=od" in page

    page = fees.get(f"/fees/preview?year={YEAR}&kind=region").get_data(as_text=True)
    assert list(charges_on_page(page)) == ["Region Midtjylland"]

    page = fees.get(f"/fees/preview?year={YEAR}&product=os2forms").get_data(as_text=True)
    assert sorted(charges_on_page(page)) == ["Aarhus Kommune", "Odder Kommune"]


def test_the_preview_is_narrowed_by_size_tier(fees):
    # By OS2's default bands: Odder (20,000) is small, Skanderborg (30,000) medium.
    small = charges_on_page(
        fees.get(f"/fees/preview?year={YEAR}&tier=small").get_data(as_text=True)
    )
    medium = charges_on_page(
        fees.get(f"/fees/preview?year={YEAR}&tier=medium").get_data(as_text=True)
    )
    assert "Odder Kommune" in small and "Skanderborg Kommune" not in small
    assert "Skanderborg Kommune" in medium and "Odder Kommune" not in medium


@pytest.mark.parametrize(
    "query",
    ["kind=%00", "tier=huge", "q=" + "x" * 5000, "product=nothing", "q=%00%00", "year=99999999"],
)
def test_odd_filters_never_break_the_preview(fees, query):
    # A NUL byte is refused for the whole app (400); nothing answers with an error page.
    assert fees.get(f"/fees/preview?year={YEAR}&{query}").status_code in (200, 302, 400)
    assert fees.get(f"/fees/preview.csv?year={YEAR}&{query}").status_code in (200, 302, 400)


def test_the_download_has_the_command_lines_columns_and_rows(fees, runner):
    cli = runner.invoke(args=["fees", "preview", "--year", str(YEAR)])
    assert cli.exit_code == 0, cli.output
    cli_header, cli_rows, _ = _rows(cli.stdout.encode())

    response = fees.get(f"/fees/preview.csv?year={YEAR}")
    assert response.mimetype == "text/csv"
    assert f"fees-{YEAR}.csv" in response.headers["Content-Disposition"]
    header, rows, delimiter = _rows(response.data)
    assert delimiter == ","
    assert header == cli_header
    assert rows == cli_rows


def test_the_download_keeps_the_filter_and_speaks_the_readers_language(fees, runner):
    fees.post("/language", data={"language": "da"})
    cli = runner.invoke(args=["fees", "preview", "--year", str(YEAR), "--lang", "da"])
    cli_header, cli_rows, _ = _rows(cli.stdout.encode())
    header, rows, delimiter = _rows(fees.get(f"/fees/preview.csv?year={YEAR}&q=aarhus").data)
    assert delimiter == ";"
    assert header == cli_header
    # Aarhus Kommune's rows only, with the explanations in Danish and decimal commas.
    expected = [row for row in cli_rows if row[0] == "Aarhus Kommune"]
    assert [row[0] for row in rows] == ["Aarhus Kommune"] * len(expected) and expected
    amount = header.index("amount")
    for got, wanted in zip(rows, expected, strict=True):
        assert got[amount] == wanted[amount].replace(".", ",")
        assert got[header.index("explanation")] == wanted[header.index("explanation")]


def test_formulas_in_names_are_neutralised(fees):
    organisation = members.create_organisation(
        name="@SUM Kommune", kind="municipality", country="DK"
    )
    members.change_membership(organisation, "active", date(2012, 1, 1))
    db.session.commit()
    _header, rows, _ = _rows(fees.get(f"/fees/preview.csv?year={YEAR}&q=sum").data)
    assert rows and all(row[0] == "'@SUM Kommune" for row in rows)
