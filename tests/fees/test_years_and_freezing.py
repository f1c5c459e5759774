"""A fee year outside the allowed range is refused, never swapped; a draft is never frozen."""

from __future__ import annotations

import pytest

from consortium.extensions import db
from consortium.fees import queries, services
from consortium.members import services as members
from tests.conftest import login, make_user
from tests.fees.conftest import YEAR

BAD_YEARS = ["abc", "1900", "1999", "2201", "2_027", "-2027", "२०२७"]


def refusal(response, year: str) -> None:
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message(year) in page


def message(year: str) -> str:
    return f"“{year}” is not a fee year: give a year from 2000 to 2200."


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_preview_refuses_a_year_it_cannot_show(secretariat_client, year):
    refusal(secretariat_client.get("/fees/preview", query_string={"year": year}), year)


def test_the_preview_still_shows_the_year_asked_for(secretariat_client):
    page = secretariat_client.get("/fees/preview?year=2031").get_data(as_text=True)
    assert "Fees of 2031" in page


@pytest.mark.parametrize("suffix", ["", ".csv", ".pdf"])
@pytest.mark.parametrize("year", ["abc", "1900"])
def test_expected_fees_refuse_a_year_they_cannot_show(secretariat_client, towns, suffix, year):
    url = f"/fees/organisations/{towns['aarhus'].id}/expected{suffix}"
    refusal(secretariat_client.get(url, query_string={"year": year}), year)


def test_a_contact_is_refused_the_same_way(client, towns):
    contact = make_user("contact@aarhus.example.org")
    members.add_contact(towns["aarhus"], contact.id, "primary")
    db.session.commit()
    login(client, contact.email)
    url = f"/fees/organisations/{towns['aarhus'].id}/expected?year=1900"
    refusal(client.get(url), "1900")


@pytest.mark.parametrize(
    "url",
    [
        "/fees/schedules/1900",
        "/fees/schedules/1900/copy",
        "/fees/products/os2forms/1900",
        "/fees/products/os2forms/1900/tariff",
        "/fees/products/os2forms/1900/budget",
    ],
)
def test_pages_with_a_year_in_their_address_refuse_it(secretariat_client, product, url):
    refusal(secretariat_client.get(url), "1900")


def test_a_new_schedule_refuses_a_year_it_cannot_take(secretariat_client):
    refusal(secretariat_client.get("/fees/schedules/new?year=abc"), "abc")
    page = secretariat_client.get("/fees/schedules/new?year=2031").get_data(as_text=True)
    assert 'value="2031"' in page


@pytest.mark.parametrize("year", ["abc", "1900", "2_027"])
def test_the_what_if_form_names_a_year_it_cannot_take(secretariat_client, towns, product, year):
    page = secretariat_client.get(
        f"/fees/products/{product.slug}/what-if",
        query_string={
            "organisation": towns["aarhus"].id,
            "product": product.slug,
            "year": year,
            "starts_on": "2027-01-01",
        },
    ).get_data(as_text=True)
    assert message(year) in page
    assert "Please fill in this field." not in page


@pytest.mark.parametrize("year", ["abc", "1900"])
def test_the_schedule_form_names_a_year_it_cannot_take(secretariat_client, year):
    page = secretariat_client.post(
        "/fees/schedules/new",
        data={"year": year, "rule_type": "flat", "amount": "25000", "part_year_method": "none"},
    ).get_data(as_text=True)
    assert message(year) in page
    assert queries.schedule_for(1900) is None


def test_a_tariffs_first_year_is_checked_the_same_way(secretariat_client, product):
    page = secretariat_client.post(
        f"/fees/products/{product.slug}/{YEAR}/tariff",
        data={"pricing_type": "budget_split", "method": "equal", "first_year": "19x"},
    ).get_data(as_text=True)
    assert message("19x") in page


# -- freezing is only for an approved budget ---------------------------------------------------


def test_freezing_a_draft_budget_is_refused_by_the_service(budget):
    with pytest.raises(services.TariffError) as refused:
        services.freeze_budget(budget)
    assert refused.value.code == "budget_transition"
    assert budget.status == "draft"
    assert budget.frozen_at is None


def test_freezing_a_draft_budget_is_refused_on_the_page(secretariat_client, budget, product):
    response = secretariat_client.post(
        f"/fees/products/{product.slug}/{YEAR}/budget/freeze", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "This change of status is not possible from the current status." in page
    assert "The budget has been frozen" not in page
    db.session.expire_all()
    assert queries.budget_for(product.id, YEAR).status == "draft"
    assert queries.budget_for(product.id, YEAR).frozen_at is None
