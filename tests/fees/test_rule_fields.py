"""The fee forms show the fields of the chosen rule: with the page's script only those, without
it every rule's fields under a heading naming the rule; a rule not chosen is ignored on save."""

from __future__ import annotations

from lxml import html

from consortium.fees import queries
from tests.fees.conftest import YEAR
from tests.fees.test_screens import FLAT


def _legends_and_parts(page: str) -> dict[str, str]:
    """Each part shown for a choice: its heading -> the choice values it is shown for."""
    tree = html.fromstring(page)
    return {
        (part.xpath("./legend") or [part])[0].text_content().strip(): part.get("data-shown-for")
        for part in tree.xpath("//*[@data-shown-by]")
    }


def test_without_script_every_rule_shows_under_its_name(secretariat_client):
    page = secretariat_client.get("/fees/schedules/new").get_data(as_text=True)
    parts = _legends_and_parts(page)
    assert parts["Flat amount"] == "flat"
    assert parts["Flat amount regulated by an index"] == "indexed"
    assert parts["Per resident, by population bracket"] == "per_resident"
    assert parts["Amount per size tier"] == "per_tier"
    tree = html.fromstring(page)
    # Nothing is hidden in the page itself: only the script hides what does not apply.
    assert not tree.xpath("//*[@data-shown-by][@hidden]")
    for name in ("amount", "base_amount", "brackets", "tier_small", "kind_region_amount"):
        assert tree.xpath(f"//*[@name='{name}']"), name
    assert tree.xpath("//script[@defer][contains(@src, 'js/choices.js')]")


def test_the_fields_of_another_rule_are_ignored_on_save(secretariat_client):
    data = {
        **FLAT,
        # Typed in the parts of other rules, wrong even: none of it counts for a flat fee.
        "base_amount": "lots",
        "base_index": "-1",
        "brackets": "not brackets",
        "tier_small": "12x",
        "kind_municipality_amount": "nonsense",
    }
    response = secretariat_client.post("/fees/schedules/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = queries.schedule_for(YEAR)
    assert saved.rule == {"type": "flat", "amount": "25000"}
    assert "municipality" not in saved.by_kind


def test_the_chosen_rules_fields_are_still_checked(secretariat_client):
    data = {**FLAT, "rule_type": "per_tier", "tier_small": "12x", "amount": "25000"}
    page = secretariat_client.post("/fees/schedules/new", data=data).get_data(as_text=True)
    assert "There is a problem" in page and "Amount a year for tier" in page
    # What was typed stays, in the chosen rule and in the others.
    assert 'value="12x"' in page and 'value="25000"' in page
    assert queries.schedule_for(YEAR) is None


def test_a_tariff_ignores_the_split_when_it_is_a_tier_table(secretariat_client, product):
    page = secretariat_client.get(f"/fees/products/os2forms/{YEAR}/tariff").get_data(as_text=True)
    parts = _legends_and_parts(page)
    assert parts["Amount per size tier"] == "tier_table"
    assert parts["Split of the year's budget"] == "budget_split"
    assert parts["By tier weights"] == "tier_weights"
    data = {
        "pricing_type": "tier_table",
        "amount_small": "5000",
        "amount_medium": "10000",
        "amount_large": "20000",
        "amount_very_large": "30000",
        "method": "equal_part_and_population",
        "equal_percentage": "250",
        "weight_small": "x",
        "minimum": "9",
        "maximum": "1",
        "part_year_method": "whole_months",
    }
    response = secretariat_client.post(f"/fees/products/os2forms/{YEAR}/tariff", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert queries.tariff_for(product.id, YEAR).pricing["type"] == "tier_table"


def test_a_split_ignores_the_weights_of_another_way_of_splitting(secretariat_client, product):
    data = {
        "pricing_type": "budget_split",
        "method": "population",
        "equal_percentage": "250",
        "weight_small": "x",
        "amount_small": "y",
        "part_year_method": "half_year_after_1_july",
    }
    response = secretariat_client.post(f"/fees/products/os2forms/{YEAR}/tariff", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert queries.tariff_for(product.id, YEAR).pricing["method"] == "population"
