"""The values a participation agreement is filled with: the expected share for the year with
the engine's explanation, the cost-sharing rule, start, term, notice and billing identity, in
the document's language."""

from __future__ import annotations

from consortium.agreements.values import Parties, placeholder_values
from consortium.db import utcnow
from tests.agreements.conftest import YEAR


def test_a_participation_agreement_names_the_share_for_the_year_and_why(world):
    values = placeholder_values(
        Parties(participation=world.participation), "da", today=utcnow().date()
    )
    # Syddjurs has 42,000 of the 64,000 residents of the two participants: 420,000.00 kr.
    assert values["share.amount"] == "420.000,00\xa0kr."
    assert values["share.year"] == str(YEAR)
    assert "42.000" in values["share.explanation"]
    assert values["organisation.name"] == "Syddjurs Kommune"
    assert values["product.name"] == "OS2forms"
    assert values["start_date"] == f"1. januar {YEAR}"
    assert "6 måneder" in values["notice_period"]
    assert "5798000000018" in values["billing_identity"]
    assert values["cost_sharing_rule"]


def test_the_same_values_in_english(world):
    values = placeholder_values(
        Parties(participation=world.participation), "en", today=utcnow().date()
    )
    assert values["share.amount"] == "DKK\xa0420,000.00" or values["share.amount"].endswith(
        "420,000.00"
    )
    assert values["start_date"] == f"January 1, {YEAR}"


def test_without_a_budget_the_share_says_it_is_not_known_yet(world):
    values = placeholder_values(
        Parties(participation=world.participation),
        "en",
        today=utcnow().date().replace(year=YEAR + 1),
    )
    assert values["share.amount"] == "not yet known"
    assert values["share.explanation"]


def test_a_supplier_agreement_lists_its_products_and_the_code_of_conduct(world):
    values = placeholder_values(Parties(supplier=world.supplier), "de", today=utcnow().date())
    assert values["supplier.name"] == "Fjordkode ApS"
    assert values["supplier.products"] == "OS2forms"
    assert "Open Source" in values["code_of_conduct"] or values["code_of_conduct"]
