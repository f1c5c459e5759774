"""Registration numbers, EAN/GLN and Peppol participant ids."""

from __future__ import annotations

import pytest

from consortium.identifiers import (
    CHECKSUM,
    FORMAT,
    InvalidIdentifier,
    gln,
    peppol_participant_id,
    registration_number,
)


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("DK", "29 18 97 57", "29189757"),  # Aarhus Kommune
        ("DK", "55133018", "55133018"),  # Aalborg Kommune
        ("CZ", "00064581", "00064581"),  # Hlavní město Praha
        ("CZ", "44992785", "44992785"),  # Statutární město Brno
        ("DE", "05 3 15 000", "05 3 15 000"),  # kept as typed where we know no check
    ],
)
def test_valid_registration_numbers(country, typed, stored):
    assert registration_number(country, typed) == stored


@pytest.mark.parametrize(
    ("country", "typed", "reason"),
    [
        ("DK", "29189758", CHECKSUM),
        ("DK", "2918975", FORMAT),
        ("DK", "ABCDEFGH", FORMAT),
        ("CZ", "00064582", CHECKSUM),
        ("CZ", "6458", FORMAT),
    ],
)
def test_invalid_registration_numbers_say_why(country, typed, reason):
    with pytest.raises(InvalidIdentifier) as raised:
        registration_number(country, typed)
    assert raised.value.reason == reason


def test_gln_check_digit():
    assert gln("5798 0004 1660 4") == "5798000416604"
    with pytest.raises(InvalidIdentifier) as raised:
        gln("5798000416605")
    assert raised.value.reason == CHECKSUM
    with pytest.raises(InvalidIdentifier):
        gln("579800041660")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0088:5798000416604", "0088:5798000416604"),
        ("iso6523-actorid-upis::0184:29189757", "0184:29189757"),
        ("0204:991-01234-56", "0204:991-01234-56"),
    ],
)
def test_peppol_participant_ids(typed, stored):
    assert peppol_participant_id(typed) == stored


@pytest.mark.parametrize("typed", ["5798000416604", "88:123", "0088:5798000416605", "0088:"])
def test_invalid_peppol_participant_ids(typed):
    with pytest.raises(InvalidIdentifier):
        peppol_participant_id(typed)
