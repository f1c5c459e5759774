"""Explanations in the reader's language: every engine template is marked for translation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium.fees import engine, explanations
from consortium.fees.engine import (
    COMMITMENT_PLEDGE,
    ENTRY_FEE,
    MEMBERSHIP,
    PRODUCT_SHARE,
    PRODUCT_TARIFF,
    RULE_TIER_TABLE,
    Charge,
    Explanation,
)

ENGINE_TEMPLATES = {
    name: value
    for name, value in vars(engine).items()
    if name.startswith("MSG_") and isinstance(value, str)
}


def test_every_engine_template_is_marked_with_the_same_msgid():
    assert ENGINE_TEMPLATES, "the engine has no MSG_* templates"
    marked = {str(key): value for key, value in explanations.MESSAGES.items()}
    for name, template in ENGINE_TEMPLATES.items():
        assert template in marked, f"{name} is not marked for translation"
        # The lazy string's msgid is what the extractor puts in the catalogues.
        assert marked[template]._args[0] == template, name
    assert set(marked) == set(ENGINE_TEMPLATES.values())


def _tier_charge(kind=PRODUCT_TARIFF, product="os2forms") -> Charge:
    explanation = Explanation(
        RULE_TIER_TABLE,
        basis_population=48_000,
        basis_year=2025,
        tier="medium",
        tier_source="bands",
        rate=Decimal("30000.00"),
        full_year_minor=3_000_000,
        part_year_numerator=1,
        part_year_denominator=2,
    )
    return Charge("7", kind, 1_500_000, "DKK", explanation, product)


def test_describe_charge_in_english(app):
    assert explanations.describe_charge(_tier_charge(), "en") == (
        "tariff of DKK\xa030,000.00 a year for tier Medium; tier Medium from 48,000 residents on "
        "1 January 2025; 1/2 of the year: DKK\xa015,000.00"
    )


def test_describe_charge_in_danish(app):
    text = explanations.describe_charge(_tier_charge(), "da")
    # The tier's Danish name and Danish number formatting.
    assert "Mellem" in text
    assert "30.000,00" in text and "kr." in text and "48.000" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (MEMBERSHIP, "Membership fee"),
        (PRODUCT_SHARE, "OS2forms"),
        (ENTRY_FEE, "Entry fee: OS2forms"),
        (COMMITMENT_PLEDGE, "Pledge: OS2forms"),
    ],
)
def test_component_labels(app, kind, expected):
    charge = _tier_charge(kind, None if kind == MEMBERSHIP else "os2forms")
    with app.test_request_context():
        assert explanations.component_label(charge, {"os2forms": "OS2forms"}) == expected
