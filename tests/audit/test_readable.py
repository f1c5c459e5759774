"""The audit trail reads as words in the reader's language: lists, fee rules, dates, numbers,
who acted and where a change came from, for new entries and for entries stored long ago."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.suppliers.models import Supplier


def _trail(client, language="en", **filters) -> str:
    client.post("/language", data={"language": language})
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    page = client.get(f"/audit/?{query}").get_data(as_text=True)
    return re.sub(r"\s+", " ", page)


def _stored(record_type: str, changes: dict, *, actor_label="user #1", source=None) -> None:
    """An entry as an older version wrote it (the trail only ever grows)."""
    db.session.add(
        AuditEntry(
            actor_label=actor_label,
            action="create",
            record_type=record_type,
            record_id="900",
            record_label="Stored long ago",
            changes={field: {"old": None, "new": value} for field, value in changes.items()},
            source=source,
        )
    )
    db.session.commit()


def test_a_list_of_services_is_stored_as_a_list_and_shown_by_name(secretariat_client):
    supplier = Supplier(
        name="Listed ApS",
        country="DK",
        registration_number="29189757",
        contact_name="Lis",
        contact_email="lis@listed.example.dk",
        service_types=["development", "hosting"],
    )
    db.session.add(supplier)
    db.session.commit()
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "supplier", AuditEntry.record_id == str(supplier.id)
        )
    )
    assert entry.changes["service_types"]["new"] == ["development", "hosting"]
    page = _trail(secretariat_client, record_type="supplier")
    assert "Development, Hosting and operation" in page
    assert "[" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Udvikling, Hosting og drift" in _trail(secretariat_client, "da", record_type="supplier")


def test_lists_and_rules_stored_as_python_text_are_shown_readably(secretariat_client):
    _stored("supplier", {"service_types": "['development', 'consultancy']"})
    _stored(
        "membership_fee_schedule",
        {
            "rule": "{'type': 'flat', 'amount': '25000.00'}",
            "by_kind": "{'region': {'type': 'flat', 'amount': '49000.00'}, "
            "'state_agency': {'type': 'exempt'}}",
            "part_year_method": "half_year_after_1_july",
            "index_value": "103.2",
        },
    )
    english = _trail(secretariat_client)
    assert "Development, Consultancy" in english
    assert "Flat amount: 25,000.00" in english
    assert "Region: Flat amount: 49,000.00; State agency: Exempt" in english
    assert "Half a year when joining after 1 July" in english
    assert (
        "{&#39;" not in english and "{'" not in english and "half_year_after_1_july" not in english
    )
    danish = _trail(secretariat_client, "da")
    assert "Fast beløb: 25.000,00" in danish
    assert "103,2" in danish


@pytest.mark.parametrize(
    ("pricing", "expected"),
    [
        (
            {"type": "tier_table", "amounts": {"small": "15000.00", "very_large": "60000.00"}},
            "Amount per size tier: Small 15,000.00, Very large 60,000.00",
        ),
        (
            {"type": "budget_split", "method": "equal_part_and_population"}
            | {"equal_percentage": "40", "minimum": "5000.00"},
            "Split of the year&#39;s budget: A percentage equally, the rest by population, "
            "40 % equally, minimum 5,000.00",
        ),
    ],
)
def test_a_tariffs_pricing_is_described(secretariat_client, pricing, expected):
    _stored("product_tariff", {"pricing": pricing})
    assert expected in _trail(secretariat_client)


def test_budget_lines_and_a_shares_explanation_are_described(secretariat_client):
    _stored(
        "product_budget",
        {
            "lines": [
                {"purpose": "coordination", "amount": "60000.00", "note": "Meetings"},
                {"purpose": "development", "amount": "150000.00", "note": ""},
            ]
        },
    )
    _stored(
        "budget_share",
        {
            "explanation": "{'rule': 'split_population', 'basis_population': 14762, "
            "'basis_year': 2025, 'tier': None, 'rate': None, 'budget_minor': 55000000, "
            "'part_year_numerator': 1, 'part_year_denominator': 1, 'rounding_adjustment': 0, "
            "'details': []}"
        },
    )
    page = _trail(secretariat_client)
    assert "Coordination 60,000.00 (Meetings); Development 150,000.00" in page
    assert "share of the budget of" in page
    assert "by population (14,762 residents on 1 January 2025)" in page
    assert "split_population" not in page


def test_dates_and_amounts_are_formatted_for_the_reader(secretariat_client):
    _stored(
        "participation",
        {"starts_on": date(2026, 3, 1).isoformat(), "amount_per_year": str(Decimal("12500.50"))},
    )
    assert "Mar 1, 2026" in _trail(secretariat_client) and "12,500.50" in _trail(secretariat_client)
    german = _trail(secretariat_client, "de")
    assert "01.03.2026" in german and "12.500,50" in german


@pytest.mark.parametrize(
    ("language", "anonymous", "imported", "command"),
    [
        ("da", "anonym webforespørgsel", "Import af members.csv", "kommandolinje: flask"),
        ("de", "anonyme Webanfrage", "Import von members.csv", "Kommandozeile: flask"),
        ("cs", "anonymní webový požadavek", "Import souboru members.csv", "příkazový řádek: flask"),
    ],
)
def test_who_acted_and_the_source_are_shown_in_the_readers_language(
    secretariat_client, language, anonymous, imported, command
):
    _stored("supplier", {"name": "A"}, actor_label="anonymous web request")
    _stored(
        "organisation",
        {"name": "B"},
        actor_label="CLI flask orgs import (root)",
        source="Import of members.csv",
    )
    page = _trail(secretariat_client, language)
    assert anonymous in page and imported in page and command in page
    assert "anonymous web request" not in page and "Import of" not in page
