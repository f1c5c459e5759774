"""How the search compares text: folded the same in Python and in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from consortium.extensions import db
from consortium.search.folding import (
    compact_identifier,
    contains_pattern,
    fold,
    words,
)
from consortium.search.queries import folded

NAMES = [
    ("Ærø Kommune", "æro kommune"),
    ("ÆRØ", "æro"),
    ("København", "kobenhavn"),
    ("Říčany", "ricany"),
    ("ŽĎÁR NAD SÁZAVOU", "zdar nad sazavou"),
    ("Müller-Lüdenscheidt", "muller-ludenscheidt"),
    ("Straße", "straße"),
    ("Łódź", "lodz"),
    ("Aabenraa", "aabenraa"),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_fold(text, expected):
    assert fold(text) == expected


def test_the_database_folds_as_python_does(app):
    for text, expected in NAMES:
        assert db.session.scalar(select(folded(literal(text)))) == expected, text


def test_a_missing_value_folds_to_nothing(app):
    assert db.session.scalar(select(folded(literal(None)))) == ""


def test_words_are_folded_once_each_and_at_most_eight():
    assert words("  Ærø  ærø KOMMUNE ") == ["æro", "kommune"]
    assert len(words(" ".join(f"w{number}" for number in range(20)))) == 8


def test_like_wildcards_are_escaped():
    assert contains_pattern("100%_\\") == "%100\\%\\_\\\\%"


def test_identifiers_lose_the_spaces_dots_and_dashes_people_type():
    assert compact_identifier("29 18 97 38") == "29189738"
    assert compact_identifier("5790.0012.3456-7") == "5790001234567"
