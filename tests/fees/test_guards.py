"""Guards of the fee settings: locked tariffs, approvals without a split, bad query strings,
numbers too large for the database and badly typed population brackets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium.extensions import db
from consortium.fees import computation, queries, services
from consortium.fees.forms import parse_brackets
from consortium.fees.models import BudgetShare
from tests.conftest import login
from tests.fees.conftest import YEAR
from tests.fees.test_member_pages import contact_of, fee_setup
from tests.fees.test_screens import FLAT

# The end of the messages (the apostrophe before it is escaped in a flash, not in a template).
LOCKED = "s budget is approved or frozen. Set an approved budget back to draft first."
NO_TARIFF = "Set the year&#39;s tariff before approving its budget."
TIER_TABLE = {
    "pricing_type": "tier_table",
    "amount_small": "1",
    "amount_medium": "2",
    "amount_large": "3",
    "amount_very_large": "4",
    "part_year_method": "none",
}


# -- 1. a tariff of an approved or frozen year stays as it is ----------------------------------


@pytest.mark.parametrize("freeze", [False, True])
def test_the_tariff_of_an_approved_or_frozen_budget_cannot_change(
    secretariat_client, budget, product, freeze
):
    services.approve_budget(budget, None)
    if freeze:
        services.freeze_budget(budget)
    db.session.commit()
    pricing = dict(queries.tariff_for(product.id, YEAR).pricing)
    with pytest.raises(services.TariffError) as raised:
        services.save_tariff(product, YEAR, pricing={"type": "tier_table", "amounts": {}})
    assert raised.value.code == "tariff_locked"
    db.session.rollback()

    response = secretariat_client.post(
        "/fees/products/os2forms/2027/tariff", data=TIER_TABLE, follow_redirects=True
    )
    assert response.status_code == 200
    assert LOCKED in response.get_data(as_text=True)
    assert queries.tariff_for(product.id, YEAR).pricing == pricing
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "Change the tariff" not in page and LOCKED in page


def test_the_tariff_can_change_again_once_the_budget_is_a_draft(
    secretariat_client, budget, product
):
    services.approve_budget(budget, None)
    services.budget_to_draft(budget)
    db.session.commit()
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "Change the tariff" in page
    response = secretariat_client.post("/fees/products/os2forms/2027/tariff", data=TIER_TABLE)
    assert response.status_code == 302
    assert queries.tariff_for(product.id, YEAR).pricing["type"] == "tier_table"


def test_a_budget_is_approved_only_once_the_year_has_its_tariff(secretariat_client, towns, product):
    budget = services.save_budget(product, YEAR, [{"purpose": "other", "amount": "1000"}])
    db.session.commit()
    with pytest.raises(services.TariffError) as raised:
        services.approve_budget(budget, None)
    assert raised.value.code == "no_tariff"
    response = secretariat_client.post(
        "/fees/products/os2forms/2027/budget/approve", follow_redirects=True
    )
    assert NO_TARIFF in response.get_data(as_text=True)
    budget = queries.budget_for(product.id, YEAR)
    assert budget.status == "draft" and budget.approved_at is None
    assert db.session.query(BudgetShare).count() == 0


# -- 2. and 3. the what-if page and its query string ----------------------------------------------


@pytest.fixture
def skive_client(client, app):
    setup = fee_setup()
    contact_of(setup["skive"], "it@skive.example.dk")
    login(client, "it@skive.example.dk")
    return client


def test_a_slug_in_the_query_does_not_break_the_redirect(skive_client):
    response = skive_client.get(
        "/fees/what-if?product=os2forms&year=2026&starts_on=2026-01-01&slug=x&endpoint=y"
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/fees/products/os2forms/what-if?" in location
    assert "slug=" not in location and "endpoint=" not in location
    assert "starts_on=2026-01-01" in location


@pytest.mark.parametrize("value", [str(10**30), "-1", "0", "abc"])
def test_an_organisation_out_of_range_is_not_found(skive_client, value):
    response = skive_client.get(f"/fees/products/os2forms/what-if?organisation={value}")
    assert response.status_code == 404


# -- 4. numbers the columns cannot hold --------------------------------------------------------


def test_an_amount_must_fit_the_column(secretariat_client, product):
    data = {**TIER_TABLE, "entry_fee": "1000000000000"}
    response = secretariat_client.post("/fees/products/os2forms/2027/tariff", data=data)
    assert response.status_code == 200
    assert "Enter a number below 1,000,000,000,000." in response.get_data(as_text=True)
    assert queries.tariff_for(product.id, YEAR) is None
    data = {**TIER_TABLE, "entry_fee": "999999999999,99"}
    response = secretariat_client.post("/fees/products/os2forms/2027/tariff", data=data)
    assert response.status_code == 302
    assert queries.tariff_for(product.id, YEAR).entry_fee == Decimal("999999999999.99")


def test_an_index_must_fit_the_column(secretariat_client):
    response = secretariat_client.post(
        "/fees/schedules/new", data={**FLAT, "index_value": "100000000"}
    )
    assert response.status_code == 200
    assert "Enter a number below 100,000,000." in response.get_data(as_text=True)
    assert queries.schedule_for(YEAR) is None


def test_a_budget_total_must_fit_the_column(secretariat_client, split_tariff, product):
    data = {
        "lines-0-purpose": "coordination",
        "lines-0-amount": "600000000000",
        "lines-1-purpose": "development",
        "lines-1-amount": "400000000000",
    }
    response = secretariat_client.post("/fees/products/os2forms/2027/budget", data=data)
    assert response.status_code == 200
    assert "The total must be below 1,000,000,000,000." in response.get_data(as_text=True)
    assert queries.budget_for(product.id, YEAR) is None


# -- 5. population brackets --------------------------------------------------------------------


def test_brackets_accept_thousands_separators():
    assert parse_brackets("0 3\n10.000 2\n100,001 1,5") == [
        [0, "3"],
        [10000, "2"],
        [100001, "1.5"],
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 3\n²  2", "Line 2: the lower bound must be a whole number."),
        ("0 3\n1.5 2", "Line 2: the lower bound must be a whole number, without decimals."),
        ("0 3\n10,0000 2", "Line 2: the lower bound must be a whole number, without decimals."),
        ("0 3\n-5 2", "Line 2: the lower bound must be a whole number."),
        ("0 -3", "Line 1: the rate cannot be negative."),
    ],
)
def test_bad_brackets_name_the_line(secretariat_client, text, message):
    data = {**FLAT, "amount": "", "rule_type": "per_resident", "brackets": text}
    response = secretariat_client.post("/fees/schedules/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert queries.schedule_for(YEAR) is None


def test_a_tier_table_budget_is_approved_without_shares_and_locks_the_tariff(
    secretariat_client, towns, product
):
    services.save_tariff(product, YEAR, pricing={"type": "tier_table", "amounts": {"small": "10"}})
    budget = services.save_budget(product, YEAR, [{"purpose": "coordination", "amount": "1000"}])
    services.approve_budget(budget, None)
    db.session.commit()
    assert budget.status == "approved" and budget.shares == []
    with pytest.raises(services.TariffError) as raised:
        services.save_tariff(
            product, YEAR, pricing={"type": "tier_table", "amounts": {"small": "1"}}
        )
    assert raised.value.code == "tariff_locked"


def test_a_missing_population_is_explained_in_the_readers_language(client, towns, product):
    from consortium.members import services as members
    from tests.conftest import login, make_user

    services.save_tariff(
        product, YEAR + 5, pricing={"type": "budget_split", "method": "population"}
    )
    services.save_budget(product, YEAR + 5, [{"purpose": "other", "amount": "1000"}])
    members.create_organisation(name="Læsø Kommune", kind="municipality", country="DK")
    db.session.commit()
    with pytest.raises(computation.FeeSetupError) as raised:
        computation.compute_year(YEAR + 5)
    assert "Aarhus Kommune" in str(raised.value) and str(YEAR + 4) in str(raised.value)
    make_user("sekretariat@example.dk", secretariat=True, language="da")
    login(client, "sekretariat@example.dk")
    page = client.get(f"/fees/preview?year={YEAR + 5}").get_data(as_text=True)
    assert f"der er ikke registreret noget indbyggertal pr. 1. januar {YEAR + 4} for" in page
