"""CVR and EU VAT numbers: compact forms, check digits and the country prefix."""

from __future__ import annotations

import pytest

from consortium.suppliers import numbers


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("DK", "29 18 97 57", "29189757"),
        ("DK", "DK29189757", "29189757"),
        ("DE", "DE 136 695 976", "DE136695976"),
        ("DE", "136695976", "DE136695976"),
        ("CZ", "cz25123891", "CZ25123891"),
        ("GR", "094259216", "EL094259216"),
    ],
)
def test_valid_numbers_are_kept_compact(country, typed, stored):
    assert numbers.compact(country, typed) == stored


@pytest.mark.parametrize(
    ("country", "typed", "reason"),
    [
        ("DK", "29189758", numbers.CHECKSUM),
        ("DK", "1234", numbers.FORMAT),
        ("DE", "DE136695977", numbers.CHECKSUM),
        ("CZ", "CZ25123890", numbers.CHECKSUM),
        ("DE", "CZ25123891", numbers.COUNTRY),
        ("US", "123456789", numbers.FORMAT),
    ],
)
def test_invalid_numbers_say_why(country, typed, reason):
    with pytest.raises(numbers.InvalidIdentifier) as caught:
        numbers.compact(country, typed)
    assert caught.value.reason == reason
