"""The secretariat's fee screens: schedules, the copy to next year, tariffs, budgets, preview."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest

from consortium.extensions import db
from consortium.fees import computation, queries, services, specs
from consortium.fees.models import BudgetShare, MembershipFeeSchedule
from consortium.products import checks
from tests.fees.conftest import YEAR, agreement, municipality

FLAT = {
    "year": "2027",
    "rule_type": "flat",
    "amount": "25000",
    "part_year_method": "half_year_after_1_july",
    "population_offset": "1",
    "index_value": "100",
    "kind_municipality": "general",
    "kind_region": "flat",
    "kind_region_amount": "49000",
    "kind_state_agency": "exempt",
    "kind_other": "general",
}


def schedule(year=YEAR) -> MembershipFeeSchedule:
    return queries.schedule_for(year)


# -- schedules --------------------------------------------------------------------------------


def test_a_flat_schedule_with_rules_by_kind(secretariat_client):
    response = secretariat_client.post("/fees/schedules/new", data=FLAT)
    assert response.status_code == 302
    saved = schedule()
    assert saved.rule == {"type": "flat", "amount": "25000"}
    assert saved.by_kind == {
        "region": {"type": "flat", "amount": "49000"},
        "state_agency": {"type": "exempt"},
    }
    assert saved.part_year_method == "half_year_after_1_july"
    assert saved.index_value == Decimal("100")
    page = secretariat_client.get("/fees/schedules/2027").get_data(as_text=True)
    assert "Membership fee 2027" in page and 'value="25000"' in page


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        (
            {
                "rule_type": "indexed",
                "base_amount": "25000,00",
                "base_index": "100",
                "index": "103.2",
            },
            {"type": "indexed", "base_amount": "25000.00", "base_index": "100", "index": "103.2"},
        ),
        (
            {"rule_type": "per_resident", "brackets": "0 3\n10000 2\n100001 1", "marginal": "y"},
            {
                "type": "per_resident",
                "brackets": [[0, "3"], [10000, "2"], [100001, "1"]],
                "marginal": True,
            },
        ),
        (
            {
                "rule_type": "per_tier",
                "tier_small": "10000",
                "tier_medium": "20000",
                "tier_large": "30000",
                "tier_very_large": "40000,50",
            },
            {
                "type": "per_tier",
                "amounts": {
                    "small": "10000",
                    "medium": "20000",
                    "large": "30000",
                    "very_large": "40000.50",
                },
            },
        ),
    ],
)
def test_each_rule_type_is_stored_as_a_spec(secretariat_client, fields, rule):
    data = {**FLAT, "amount": "", **fields}
    assert secretariat_client.post("/fees/schedules/new", data=data).status_code == 302
    assert schedule().rule == rule


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": ""}, "Please fill in this field."),
        ({"amount": "lots"}, "Enter a number such as 25000 or 25000,50."),
        ({"amount": "12.345"}, "Use at most 2 decimals."),
        (
            {"rule_type": "per_resident", "brackets": "10 3\n5 2"},
            "The first bracket must start at 0.",
        ),
        (
            {"rule_type": "per_resident", "brackets": "0 3\n10000 2\n5000 1"},
            "The lower bounds must increase from line to line.",
        ),
        ({"rule_type": "per_resident", "brackets": "0 three"}, "Line 1: the rate is not a number."),
        (
            {"rule_type": "indexed", "base_amount": "25000", "base_index": "0", "index": "103"},
            "An index must be above zero.",
        ),
        ({"minimum": "30000", "maximum": "20000"}, "The minimum cannot be above the maximum."),
        ({"kind_region_amount": ""}, "Please fill in this field."),
    ],
)
def test_bad_input_is_a_field_error(secretariat_client, fields, message):
    response = secretariat_client.post("/fees/schedules/new", data={**FLAT, **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert schedule() is None


def test_a_year_is_given_one_schedule(secretariat_client):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    response = secretariat_client.post("/fees/schedules/new", data={**FLAT, "amount": "1"})
    assert "This year has a schedule already." in response.get_data(as_text=True)


def test_editing_a_schedule(secretariat_client):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    data = {**FLAT, "amount": "26000,50", "note": "Raised"}
    del data["year"]
    assert secretariat_client.post("/fees/schedules/2027", data=data).status_code == 302
    assert schedule().rule == {"type": "flat", "amount": "26000.50"}
    assert schedule().note == "Raised"


# -- copy with index regulation ---------------------------------------------------------------


def test_copy_last_year_with_index_regulation(secretariat_client, split_tariff, product):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    services.save_tariff(
        product,
        YEAR,
        pricing={"type": "tier_table", "amounts": {"small": "10000", "medium": "20000"}},
    )
    db.session.commit()
    response = secretariat_client.post(
        "/fees/schedules/2027/copy",
        data={
            "old_index": "100",
            "new_index": "103,2",
            "copy_tariffs": "y",
            "regulate_tariffs": "y",
        },
    )
    assert response.status_code == 302
    new = schedule(YEAR + 1)
    assert new.rule == {
        "type": "indexed",
        "base_amount": "25000",
        "base_index": "100",
        "index": "103.2",
    }
    assert new.by_kind["region"]["type"] == "indexed"
    assert new.index_value == Decimal("103.2")
    assert specs.full_year_amount(new.rule) == Decimal("25800.00")
    tariff = queries.tariff_for(product.id, YEAR + 1)
    assert tariff.pricing["amounts"] == {"small": "10320.00", "medium": "20640.00"}
    # The next copy regulates the regulated amount.
    assert specs.regulated_rule(new.rule, Decimal("103.2"), Decimal("105"))["base_amount"] == (
        "25800.00"
    )


def test_the_copied_fee_is_25800(secretariat_client, towns):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    secretariat_client.post(
        "/fees/schedules/2027/copy", data={"old_index": "100", "new_index": "103.2"}
    )
    fees = computation.compute_year(YEAR + 1).membership
    assert {charge.amount for charge in fees} == {Decimal("25800.00")}


def test_budget_splits_are_copied_as_they_are(secretariat_client, split_tariff, product):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    secretariat_client.post(
        "/fees/schedules/2027/copy",
        data={"new_index": "110", "copy_tariffs": "y", "regulate_tariffs": "y"},
    )
    assert queries.tariff_for(product.id, YEAR + 1).pricing == split_tariff.pricing


def test_copy_needs_an_index_and_a_free_year(secretariat_client):
    secretariat_client.post("/fees/schedules/new", data={**FLAT, "index_value": ""})
    response = secretariat_client.post("/fees/schedules/2027/copy", data={"new_index": "103"})
    assert "Give this year&#39;s and next year&#39;s index" in response.get_data(as_text=True)
    secretariat_client.post("/fees/schedules/new", data={**FLAT, "year": "2028"})
    response = secretariat_client.post(
        "/fees/schedules/2027/copy", data={"old_index": "100", "new_index": "103"}
    )
    assert "Next year already has a schedule" in response.get_data(as_text=True)


# -- tariffs ----------------------------------------------------------------------------------


def test_a_tier_table_tariff(secretariat_client, product):
    data = {
        "pricing_type": "tier_table",
        "amount_small": "5000",
        "amount_medium": "10000",
        "amount_large": "20000",
        "amount_very_large": "30000,25",
        "part_year_method": "whole_months",
        "first_year": "2020",
        "entry_fee": "2500",
    }
    response = secretariat_client.post("/fees/products/os2forms/2027/tariff", data=data)
    assert response.status_code == 302
    tariff = queries.tariff_for(product.id, YEAR)
    assert tariff.pricing == {
        "type": "tier_table",
        "amounts": {
            "small": "5000",
            "medium": "10000",
            "large": "20000",
            "very_large": "30000.25",
        },
    }
    assert tariff.part_year_method == "whole_months"
    assert tariff.entry_fee == Decimal("2500") and tariff.first_year == 2020
    page = secretariat_client.get("/fees/products/os2forms/2027/tariff").get_data(as_text=True)
    assert 'value="30000.25"' in page


def test_a_budget_split_tariff(secretariat_client, product):
    data = {
        "pricing_type": "budget_split",
        "method": "equal_part_and_population",
        "equal_percentage": "20",
        "minimum": "1000",
        "maximum": "90000",
        "part_year_method": "half_year_after_1_july",
    }
    assert (
        secretariat_client.post("/fees/products/os2forms/2027/tariff", data=data).status_code == 302
    )
    pricing = queries.tariff_for(product.id, YEAR).pricing
    assert pricing["method"] == "equal_part_and_population"
    assert pricing["equal_percentage"] == "20" and pricing["maximum"] == "90000"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pricing_type": "tier_table", "amount_small": "1"}, "Please fill in this field."),
        ({"method": "tier_weights"}, "Please fill in this field."),
        (
            {"method": "equal_part_and_population", "equal_percentage": "120"},
            "Give a percentage from 0 to 100.",
        ),
        ({"minimum": "5000", "maximum": "100"}, "The minimum cannot be above the maximum."),
        ({"entry_fee": "x"}, "Enter a number such as 25000 or 25000,50."),
    ],
)
def test_bad_tariffs_are_field_errors(secretariat_client, product, fields, message):
    data = {
        "pricing_type": "budget_split",
        "method": "equal",
        "part_year_method": "none",
        **fields,
    }
    response = secretariat_client.post("/fees/products/os2forms/2027/tariff", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert queries.tariff_for(product.id, YEAR) is None


# -- budgets ----------------------------------------------------------------------------------


def test_budget_lines_add_up(secretariat_client, split_tariff, product):
    data = {
        "lines-0-purpose": "coordination",
        "lines-0-amount": "100000",
        "lines-1-purpose": "development",
        "lines-1-amount": "250000,50",
        "lines-1-note": "Forms builder",
    }
    response = secretariat_client.post("/fees/products/os2forms/2027/budget", data=data)
    assert response.status_code == 302
    budget = queries.budget_for(product.id, YEAR)
    assert budget.amount == Decimal("350000.50")
    assert budget.status == "draft"
    assert budget.lines[1] == {
        "purpose": "development",
        "amount": "250000.50",
        "note": "Forms builder",
    }


def test_a_budget_line_needs_a_purpose(secretariat_client, product):
    response = secretariat_client.post(
        "/fees/products/os2forms/2027/budget", data={"lines-0-amount": "100"}
    )
    assert "Choose the purpose of this line." in response.get_data(as_text=True)


def test_approval_records_shares_that_add_up_to_the_budget(secretariat_client, budget, towns):
    response = secretariat_client.post("/fees/products/os2forms/2027/budget/approve")
    assert response.status_code == 302
    budget = queries.budget_for(budget.product_id, YEAR)
    assert budget.status == "approved" and budget.approved_by_user_id is not None
    assert len(budget.shares) == 2
    assert sum(share.amount for share in budget.shares) == Decimal("300000.01")
    aarhus = next(s for s in budget.shares if s.organisation_id == towns["aarhus"].id)
    assert aarhus.explanation["rule"] == "split_population"
    assert aarhus.explanation["basis_population"] == 70_000
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "Recorded shares" in page and "Aarhus Kommune" in page


def test_compute_year_uses_the_recorded_shares(budget, towns, product):
    services.approve_budget(budget, None)
    recorded = {share.organisation_id: share.amount for share in budget.shares}
    # The population changes after approval: the recorded shares still count.
    from consortium.members import services as members

    members.set_population(towns["odder"], YEAR - 1, 40_000, "test")
    db.session.flush()
    charges = computation.compute_year(YEAR, product_slug="os2forms").products[0].charges
    assert {int(c.organisation_key): c.amount for c in charges.charges} == recorded
    assert charges.charges[0].explanation.rule == "split_population"


def test_a_late_joiner_shows_the_effect_and_needs_confirmation(
    secretariat_client, budget, towns, product
):
    services.approve_budget(budget, None)
    agreement(towns["skanderborg"], product, starts_on=date(YEAR, 9, 1))
    db.session.commit()
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "The register has changed since the shares were recorded" in page
    assert "Skanderborg Kommune" in page and "Confirm the new shares" in page
    # Until confirmed the recorded shares are charged.
    charges = computation.compute_year(YEAR, product_slug="os2forms").products[0].charges
    assert len([c for c in charges.charges if c.kind == "product_share"]) == 2
    assert secretariat_client.post("/fees/products/os2forms/2027/budget/confirm").status_code == 302
    budget = queries.budget_for(budget.product_id, YEAR)
    assert len(budget.shares) == 3
    assert sum(share.amount for share in budget.shares) == budget.amount
    late = next(s for s in budget.shares if s.organisation_id == towns["skanderborg"].id)
    assert late.explanation["part_year_numerator"] == 1
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "Confirm the new shares" not in page


def test_a_frozen_budget_never_changes(secretariat_client, budget, towns, product):
    services.approve_budget(budget, None)
    services.freeze_budget(budget)
    before = {share.organisation_id: share.amount for share in budget.shares}
    agreement(towns["skanderborg"], product, starts_on=date(YEAR, 9, 1))
    db.session.commit()
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "not part of that year" in page and "Confirm the new shares" not in page
    response = secretariat_client.post("/fees/products/os2forms/2027/budget/confirm")
    assert response.status_code == 302
    assert secretariat_client.post("/fees/products/os2forms/2027/budget/draft").status_code == 302
    budget = queries.budget_for(budget.product_id, YEAR)
    assert budget.status == "frozen"
    assert {share.organisation_id: share.amount for share in budget.shares} == before
    charges = computation.compute_year(YEAR, product_slug="os2forms").products[0].charges
    assert {int(c.organisation_key) for c in charges.charges} == set(before)


def test_an_approved_budget_cannot_be_edited(secretariat_client, budget, product):
    services.approve_budget(budget, None)
    db.session.commit()
    response = secretariat_client.post(
        "/fees/products/os2forms/2027/budget",
        data={"lines-0-purpose": "other", "lines-0-amount": "1"},
    )
    assert response.status_code == 302
    budget = queries.budget_for(budget.product_id, YEAR)
    assert budget.amount == Decimal("300000.01")
    with pytest.raises(services.TariffError):
        services.save_budget(product, YEAR, [{"purpose": "other", "amount": "1"}])
    # Back to draft, it can be changed again; its shares are dropped.
    assert secretariat_client.post("/fees/products/os2forms/2027/budget/draft").status_code == 302
    budget = queries.budget_for(budget.product_id, YEAR)
    assert budget.status == "draft" and budget.shares == []
    assert db.session.query(BudgetShare).count() == 0


def test_g13_answers_from_the_approved_budget(budget, product):
    assert checks.answer("budget_lines", product, date(YEAR, 5, 1)) is None
    services.approve_budget(budget, None)
    assert checks.answer("budget_lines", product, date(YEAR, 5, 1)) is True
    services.budget_to_draft(budget)
    services.save_budget(product, YEAR, [{"purpose": "coordination", "amount": "10"}])
    services.approve_budget(budget, None)
    assert checks.answer("budget_lines", product, date(YEAR, 5, 1)) is False


# -- preview ----------------------------------------------------------------------------------


def test_preview_totals_equal_the_budgets(secretariat_client, budget, towns):
    services.approve_budget(budget, None)
    db.session.commit()
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    page = secretariat_client.get("/fees/preview?year=2027").get_data(as_text=True)
    assert "Fees of 2027" in page
    assert page.count("300,000.01") >= 2  # the product's total and its budget
    assert "75,000.00" in page  # three members at 25,000
    assert "Aarhus Kommune" in page and "Share of the budget" in page
    assert "flat fee of" in page and "by population" in page
    result = computation.compute_year(YEAR)
    assert result.products[0].charges.total == Decimal("300000.01")


def test_preview_explains_a_setup_problem(secretariat_client, split_tariff):
    response = secretariat_client.get("/fees/preview?year=2027")
    assert response.status_code == 200
    assert "cannot be computed yet" in response.get_data(as_text=True)
    assert "no budget to split" in response.get_data(as_text=True)


def test_preview_of_many_organisations_is_paged(secretariat_client, app):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    for number in range(30):
        municipality(f"Town {number:02d}", 1000 + number)
    db.session.commit()
    page = secretariat_client.get("/fees/preview?year=2027").get_data(as_text=True)
    assert "Page 1 of 2" in page and "Town 00" in page and "Town 29" not in page
    page = secretariat_client.get("/fees/preview?year=2027&page=2").get_data(as_text=True)
    assert "Town 29" in page


# -- rights -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/fees/"),
        ("GET", "/fees/schedules/new"),
        ("POST", "/fees/schedules/new"),
        ("GET", "/fees/preview?year=2027"),
        ("GET", "/fees/products/os2forms/2027"),
        ("POST", "/fees/products/os2forms/2027/budget/approve"),
        ("POST", "/fees/products/os2forms/2027/budget/confirm"),
    ],
)
def test_only_the_secretariat(user_client, product, method, url):
    response = user_client.get(url) if method == "GET" else user_client.post(url, data=FLAT)
    assert response.status_code == 403


def test_the_secretariat_has_a_fees_link(secretariat_client):
    page = secretariat_client.get("/fees/").get_data(as_text=True)
    assert 'href="/fees/"' in page and "Membership fee schedules" in page


def _count_preview_queries(client, count_queries) -> tuple[int, str]:
    db.session.expire_all()  # each count starts from nothing loaded
    with count_queries() as statements:
        response = client.get("/fees/preview?year=2027")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_preview_of_100_organisations_and_10_products(secretariat_client, app, count_queries):
    """Every product's total and budget; the page's queries do not grow with the organisations
    (its speed is measured by `make bench`, scripts/bench_pages.py)."""
    from consortium.products.models import Product

    secretariat_client.post("/fees/schedules/new", data=FLAT)
    towns = [municipality(f"Town {number:03d}", 1000 + 37 * number) for number in range(100)]
    products = []
    for number in range(10):
        product = Product(slug=f"product-{number}", name=f"Product {number}", status="product")
        db.session.add(product)
        db.session.flush()
        products.append(product)
        for town in towns[number::2] if number % 2 else towns:
            agreement(town, product)
        services.save_tariff(
            product, YEAR, pricing={"type": "budget_split", "method": "population"}
        )
        budget = services.save_budget(
            product, YEAR, [{"purpose": "development", "amount": Decimal("123456.78")}]
        )
        if number % 2:
            services.approve_budget(budget, None)
    db.session.commit()
    queries, page = _count_preview_queries(secretariat_client, count_queries)
    assert page.count("123,456.78") >= 20  # every product's total and its budget
    assert "differs" not in page
    for number in range(20):
        town = municipality(f"Later town {number:03d}", 2000 + number)
        agreement(town, products[0])
    db.session.commit()
    assert _count_preview_queries(secretariat_client, count_queries)[0] == queries


def test_the_budget_form_shows_the_lines(secretariat_client, budget):
    page = secretariat_client.get("/fees/products/os2forms/2027/budget").get_data(as_text=True)
    assert 'value="200000.01"' in page and 'value="New forms"' in page
    page = secretariat_client.get("/fees/products/os2forms/2027").get_data(as_text=True)
    assert "Approve the budget" in page and "300,000.01" in page


def test_approval_explains_a_missing_population(secretariat_client, budget, product):
    from consortium.members import services as members

    newcomer = members.create_organisation(name="Samsø Kommune", kind="municipality", country="DK")
    members.change_membership(newcomer, "active", date(2012, 1, 1))
    agreement(newcomer, product)
    db.session.commit()
    response = secretariat_client.post(
        "/fees/products/os2forms/2027/budget/approve", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "The shares cannot be computed" in page and "Samsø Kommune" in page
    assert queries.budget_for(product.id, YEAR).status == "draft"


def test_the_overview_lists_years_tariffs_and_budgets(secretariat_client, budget):
    secretariat_client.post("/fees/schedules/new", data=FLAT)
    secretariat_client.post("/fees/schedules/2027/copy", data={"new_index": "103.2"})
    page = secretariat_client.get("/fees/").get_data(as_text=True)
    assert "Flat amount regulated by an index: DKK\xa025,800.00" in page
    assert "Split of the year's budget; budget DKK\xa0300,000.01 (Draft)" in html.unescape(page)
