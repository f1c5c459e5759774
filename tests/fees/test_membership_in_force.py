"""Only members pay the membership fee: the register, a schedule and the preview, through the app."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import computation, queries, services
from consortium.members.models import Organisation
from tests.fees.conftest import YEAR, agreement

SCHEDULE = {
    "year": str(YEAR),
    "rule_type": "flat",
    "amount": "25000",
    "part_year_method": "started_months",
    "population_offset": "1",
    "index_value": "100",
    "kind_municipality": "general",
    "kind_region": "general",
    "kind_state_agency": "general",
    "kind_other": "general",
}
# name: the membership steps recorded through the membership form.
REGISTER = {
    "Aarhus Kommune": [("active", "2012-01-01")],
    "Fanø Kommune": [("applied", f"{YEAR - 1}-10-05")],
    "Nyby Kommune": [],
    "Midtby Kommune": [("applied", f"{YEAR}-03-01"), ("active", f"{YEAR}-08-15")],
    "Gammelby Kommune": [("active", "2012-01-01"), ("resigned", f"{YEAR - 1}-07-01")],
    "Sidsteby Kommune": [("active", "2012-01-01"), ("resigned", f"{YEAR}-06-01")],
    "Nytårsby Kommune": [("active", "2012-01-01"), ("resigned", f"{YEAR}-01-01")],
    "Genby Kommune": [
        ("active", "2012-01-01"),
        ("resigned", f"{YEAR - 3}-01-01"),
        ("active", f"{YEAR}-10-01"),
    ],
}


def organisation_named(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


@pytest.fixture
def register(secretariat_client, product):
    """The register as the secretariat enters it; Fanø (applied only) and Nyby (no step) take
    part in OS2forms with Aarhus."""
    for name, steps in REGISTER.items():
        response = secretariat_client.post(
            "/organisations/new", data={"name": name, "kind": "municipality", "country": "DK"}
        )
        assert response.status_code == 302
        organisation = organisation_named(name)
        for status, status_on in steps:
            response = secretariat_client.post(
                f"/organisations/{organisation.id}/membership",
                data={"status": status, "status_on": status_on},
            )
            assert response.status_code == 302, response.get_data(as_text=True)
    for name in ("Aarhus Kommune", "Fanø Kommune", "Nyby Kommune"):
        agreement(organisation_named(name), product)
    services.save_tariff(
        product, YEAR, pricing={"type": "budget_split", "method": "equal"}, part_year_method="none"
    )
    services.save_budget(product, YEAR, [{"purpose": "development", "amount": "300000.00"}])
    db.session.commit()
    response = secretariat_client.post("/fees/schedules/new", data=SCHEDULE)
    assert response.status_code == 302
    return secretariat_client


def charges_on_page(page: str) -> dict[str, dict[str, str]]:
    """Each organisation's lines on the preview: {name: {component: amount}}."""
    found = {}
    for section in page.split('<section class="fee-organisation">')[1:]:
        name = re.search(r"<h3><a [^>]*>([^<]+)</a>", section).group(1)
        rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td class=\"number\">([^<]+)</td>", section)
        found[name] = {component.strip(): amount.strip() for component, amount in rows}
    return found


def test_the_preview_charges_members_only(register):
    page = register.get(f"/fees/preview?year={YEAR}").get_data(as_text=True)
    charges = charges_on_page(page)
    membership = {
        name: lines["Membership fee"]
        for name, lines in charges.items()
        if "Membership fee" in lines
    }
    assert membership == {
        "Aarhus Kommune": "DKK\xa025,000.00",
        # Active from 15 August: August to December, 5/12 of 25,000.00.
        "Midtby Kommune": "DKK\xa010,416.67",
        # Resigning during the year: no refund by default.
        "Sidsteby Kommune": "DKK\xa025,000.00",
        # Back from 1 October: October to December, not since 2012.
        "Genby Kommune": "DKK\xa06,250.00",
    }
    assert "Membership fee (4 members)" in page
    # The applicant and the organisation without a membership still pay for their product.
    assert charges["Fanø Kommune"] == {"Share of the budget: OS2forms": "DKK\xa0100,000.00"}
    assert charges["Nyby Kommune"] == {"Share of the budget: OS2forms": "DKK\xa0100,000.00"}


def test_the_preview_lists_who_takes_part_without_being_a_member(register):
    page = register.get(f"/fees/preview?year={YEAR}").get_data(as_text=True)
    section = page.split('<section class="fee-non-members"')[1].split("</section>")[0]
    assert "Taking part in products without being members" in section
    assert "2 organisations take part in products in 2027 without being members" in section
    assert re.search(r"Fanø Kommune</a>:\s*Applied from Oct 5, 2026", section)
    assert re.search(r"Nyby Kommune</a>:\s*no membership recorded", section)
    assert "Aarhus" not in section


def test_expected_fees_of_an_applicant_have_no_membership_fee(register):
    fano = organisation_named("Fanø Kommune")
    page = register.get(f"/fees/organisations/{fano.id}/expected?year={YEAR}").get_data(
        as_text=True
    )
    assert "OS2forms" in page
    assert "Membership fee" not in page
    aarhus = organisation_named("Aarhus Kommune")
    page = register.get(f"/fees/organisations/{aarhus.id}/expected?year={YEAR}").get_data(
        as_text=True
    )
    assert "Membership fee" in page


def test_the_command_line_preview_charges_members_only(register, runner):
    result = runner.invoke(args=["fees", "preview", "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
    membership = {
        row.split(",")[0]: row.split(",")[6]
        for row in result.output.splitlines()
        if ",membership," in row
    }
    assert membership == {
        "Aarhus Kommune": "25000.00",
        "Genby Kommune": "6250.00",
        "Midtby Kommune": "10416.67",
        "Sidsteby Kommune": "25000.00",
    }
    assert (
        "Taking part in products in 2027 without being members (no membership fee): "
        "Fanø Kommune; Nyby Kommune"
    ) in result.stderr


def test_a_stored_whole_months_schedule_keeps_its_meaning(register):
    schedule = queries.schedule_for(YEAR)
    schedule.part_year_method = "whole_months"
    db.session.commit()
    result = computation.compute_year(YEAR)
    midtby = organisation_named("Midtby Kommune")
    (charge,) = [c for c in result.for_organisation(midtby.id) if c.kind == "membership"]
    # Active from 15 August: September to December are whole months, 4/12.
    assert charge.amount == Decimal("8333.33")


def test_a_new_schedule_counts_started_months_by_default(secretariat_client):
    page = secretariat_client.get("/fees/schedules/new").get_data(as_text=True)
    assert re.search(
        r'<option selected value="started_months">|<option value="started_months" selected', page
    )
    assert "Started months: the month of joining counts" in page
    assert "Whole months in force" in page


def test_an_applicant_becoming_a_member_pays_from_that_day(register):
    fano = organisation_named("Fanø Kommune")
    register.post(
        f"/organisations/{fano.id}/membership",
        data={"status": "active", "status_on": f"{YEAR}-03-20"},
    )
    result = computation.compute_year(YEAR)
    (charge,) = [c for c in result.for_organisation(fano.id) if c.kind == "membership"]
    # March to December: 10/12 of 25,000.00.
    assert charge.amount == Decimal("20833.33")
    assert fano.id not in result.non_members
