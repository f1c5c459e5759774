"""The year-end settlement from the pages and the command line: the secretariat types the
actual cost as it writes numbers, members see their own part before it is issued, and the
issued extra invoices and credit notes carry exactly the amounts they were shown."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing import runs
from consortium.invoicing.models import CREDIT_NOTE, ProductSettlement
from consortium.members import services as members
from tests.conftest import login, make_user
from tests.invoicing.einvoices import NS
from tests.invoicing.runs import YEAR, register

SECRETARIAT = "sekretariat@os2.example.dk"


@pytest.fixture
def town(app):
    town = register()
    # Issued today: the settlement's credit notes, issued today too, come after the invoices.
    runs.issue_run(runs.start_run(YEAR, None), None, on=date.today())
    make_user(SECRETARIAT, secretariat=True, language="da")
    for key, email, language in (
        ("aarhus", "okonomi@aarhus.example.dk", "da"),
        ("odder", "finance@odder.example.dk", "en"),
    ):
        user = make_user(email, language=language)
        members.add_contact(town[key], user.id, "finance")
    db.session.commit()
    return town


def text_of(response) -> str:
    """The page's words, without tags, every run of spaces one space."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", re.sub(r"[\u00a0\u202f]", " ", words))


def pdf_text(pdf: bytes) -> str:
    """The PDF's words, every run of spaces and line breaks one space."""
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"[\u00a0\u202f]", " ", words))


def settle_on_the_page(client, town, cost: str):
    assert login(client, SECRETARIAT).status_code == 302
    return client.post(
        "/invoices/settlements",
        data={"product": str(town["product"].id), "year": str(YEAR), "actual_cost": cost},
        follow_redirects=True,
    )


def test_an_underspend_from_the_page_to_the_credit_notes_to_the_cent(town, client):
    # Typed in Danish: 250.000,00 kr. against the budget of 300.000,01 kr.
    page = settle_on_the_page(client, town, "250.000,00")
    assert page.status_code == 200
    text = text_of(page)
    assert "Afregning af OS2forms 2027" in text
    assert "-50.000,01 kr." in text
    assert "Aarhus Kommune 233.333,34 kr. 77,7778 % -38.888,90 kr." in text
    assert "Odder Kommune 66.666,67 kr. 22,2222 % -11.111,11 kr." in text
    assert f"En kreditnota af faktura {date.today().year}-00001, linje 2" in text
    settlement = db.session.scalar(select(ProductSettlement))

    # Each contact sees their own organisation's part, in their language, and no one else's.
    client.post("/sign-out")
    assert login(client, "finance@odder.example.dk").status_code == 302
    assert 'href="/invoices/settlements/mine"' in client.get("/invoices/mine").get_data(
        as_text=True
    )
    mine = text_of(client.get("/invoices/settlements/mine"))
    assert (
        "Actual cost DKK 250,000.00 against the budget DKK 300,000.01; your share 22.2222 %" in mine
    )
    assert "-DKK 11,111.11" in mine and "Draft, not issued yet" in mine
    assert "Aarhus" not in mine and "38,888.90" not in mine
    # The secretariat's pages are not theirs.
    assert client.get(f"/invoices/settlements/{settlement.id}").status_code == 403
    client.post("/sign-out")

    assert login(client, SECRETARIAT).status_code == 302
    issued = client.post(f"/invoices/settlements/{settlement.id}/issue", follow_redirects=True)
    assert "Afregningen er udstedt: 2 fakturaer og kreditnotaer" in text_of(issued)
    db.session.expire_all()
    settlement = db.session.scalar(select(ProductSettlement))
    notes = {share.organisation.name: share.invoice for share in settlement.shares}
    odder = notes["Odder Kommune"]
    assert odder.series == CREDIT_NOTE and odder.number.startswith("CN-")
    # What Odder was shown is what it is credited: in the database, the PDF and the e-invoice.
    assert odder.net_total == Decimal("11111.11") == odder.gross_total
    assert "11,111.11" in pdf_text(odder.pdf)
    xml = etree.fromstring(odder.ubl)
    assert xml.findtext(".//cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == (
        "11111.11"
    )
    assert notes["Aarhus Kommune"].net_total == Decimal("38888.90")
    assert "38.888,90" in pdf_text(notes["Aarhus Kommune"].pdf)
    client.post("/sign-out")

    # After the issue the contact sees the credit note it became.
    assert login(client, "finance@odder.example.dk").status_code == 302
    mine = text_of(client.get("/invoices/settlements/mine"))
    assert f"Credit note {odder.number}" in mine
    assert client.get(f"/invoices/{odder.id}.pdf").data == odder.pdf
    # The credit note's page says why, as its documents do.
    note = text_of(client.get(f"/invoices/{odder.id}"))
    assert "OS2forms 2027: year-end settlement, credited against line 2 of invoice" in note
    assert "your share 22.2222 %" in note


def test_an_overspend_from_the_page_becomes_extra_invoices(town, client):
    page = settle_on_the_page(client, town, "309.000,01")
    text = text_of(page)
    assert "Aarhus Kommune 233.333,34 kr. 77,7778 % 7.000,00 kr. En ekstra faktura" in text
    settlement = db.session.scalar(select(ProductSettlement))
    client.post(f"/invoices/settlements/{settlement.id}/issue")
    db.session.expire_all()
    settlement = db.session.scalar(select(ProductSettlement))
    invoices = {share.organisation.name: share.invoice for share in settlement.shares}
    assert invoices["Odder Kommune"].gross_total == Decimal("2000.00")
    assert invoices["Aarhus Kommune"].number.startswith(f"{date.today().year}-")
    page = text_of(client.get(f"/invoices/settlements/{settlement.id}"))
    assert f"Faktura {invoices['Aarhus Kommune'].number}" in page
    assert "Udstedt" in page and "Udsted afregningen" not in page


def test_the_page_refuses_what_cannot_be_settled_with_a_message(town, client):
    # A year that was never invoiced.
    page = settle_on_the_page(client, town, "1.000,00")
    page = client.post(
        "/invoices/settlements",
        data={"product": str(town["product"].id), "year": "2020", "actual_cost": "1.000,00"},
    )
    assert page.status_code == 200
    assert "Budgettet 2020 for OS2forms er ikke frosset" in text_of(page)
    # A second settlement of the year.
    again = client.post(
        "/invoices/settlements",
        data={"product": str(town["product"].id), "year": str(YEAR), "actual_cost": "2,00"},
    )
    assert "OS2forms 2027 har allerede en afregning" in text_of(again)
    # A cost that is no number, below zero or with fractions of a cent is shown again.
    for typed, message in (
        ("mange", "Skriv et beløb"),
        ("-1", "nul eller mere"),
        ("1,005", "højst 2 decimaler"),
    ):
        answer = client.post(
            "/invoices/settlements",
            data={"product": str(town["product"].id), "year": str(YEAR), "actual_cost": typed},
        )
        assert answer.status_code == 200 and message in text_of(answer), typed
    assert db.session.scalar(select(ProductSettlement.actual_cost)) == Decimal("1000.00")


def test_a_draft_is_changed_or_discarded_on_its_page(town, client):
    settle_on_the_page(client, town, "310.000,01")
    settlement = db.session.scalar(select(ProductSettlement))
    changed = client.post(
        f"/invoices/settlements/{settlement.id}/cost",
        data={"actual_cost": "300.000,02"},
        follow_redirects=True,
    )
    text = text_of(changed)
    assert "Aarhus Kommune 233.333,34 kr. 77,7778 % 0,01 kr. En ekstra faktura" in text
    assert "Odder Kommune 66.666,67 kr. 22,2222 % 0,00 kr. Intet" in text
    wrong = client.post(f"/invoices/settlements/{settlement.id}/cost", data={"actual_cost": "x"})
    assert wrong.status_code == 400 and "Skriv et beløb" in text_of(wrong)
    gone = client.post(f"/invoices/settlements/{settlement.id}/discard", follow_redirects=True)
    assert "er kasseret" in text_of(gone)
    assert db.session.scalar(select(ProductSettlement)) is None
    assert client.get(f"/invoices/settlements/{settlement.id}").status_code == 404


def test_the_command_prints_the_split_and_issues_it(town, runner):
    result = runner.invoke(
        args=[
            "invoices",
            "settle",
            "--product",
            "os2forms",
            "--year",
            str(YEAR),
            "--actual-cost",
            "250000.00",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Difference:  -DKK\xa050,000.01" in result.output
    assert (
        "Aarhus Kommune: 77.7778 % of the budget, -DKK\xa038,888.90 (credit note)" in result.output
    )
    assert (
        "Odder Kommune: 22.2222 % of the budget, -DKK\xa011,111.11 (credit note)" in result.output
    )
    assert "A draft" in result.output

    result = runner.invoke(
        args=["invoices", "settle", "--product", "os2forms", "--year", str(YEAR)]
        + ["--actual-cost", "250000.00", "--issue"]
    )
    assert result.exit_code == 0, result.output
    assert "Issued and sent 2 invoices and credit notes." in result.output
    assert re.search(r"Odder Kommune: .*\(CN-\d{4}-00002\)", result.output)

    again = runner.invoke(
        args=["invoices", "settle", "--product", "os2forms", "--year", str(YEAR)]
        + ["--actual-cost", "1.00"]
    )
    assert again.exit_code != 0 and "issued already" in again.output
    unknown = runner.invoke(
        args=["invoices", "settle", "--product", "nope", "--year", "2027", "--actual-cost", "1"]
    )
    assert unknown.exit_code != 0 and "No product has the slug 'nope'" in unknown.output
