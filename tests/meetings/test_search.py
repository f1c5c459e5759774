"""Searching minutes and decisions as a member types a query: word beginnings in any order, in
Danish, German and Czech, whatever the case and punctuation, and the same meetings found by the
database (SQLite or PostgreSQL) as by Python."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, literal, or_, select

from consortium.extensions import db
from consortium.meetings.search import (
    LIKE_ESCAPE,
    matches,
    search_terms,
    search_text,
    sql_like_patterns,
)

MINUTES = (
    "Styregruppen godkendte referatet. Budget 2028: 1,2 mio. kr.; "
    "Beslutning OS2FORMS-SC-2027-04 om Ærø Kommunes deltagelse (på næste møde)."
)
CZECH = "Řídicí výbor schválil zápis; úkol: Jiří Dvořák připraví žádost č. 12/2027."
GERMAN = "Die Lenkungsgruppe beschließt: Straßenverzeichnis für Köln."


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Budget referat", ["budget", "referat"]),
        ("  BUDGET,,budget;  ", ["budget"]),
        ("ÆRØ Kommune", ["ærø", "kommune"]),
        ("Řídicí VÝBOR", ["řídicí", "výbor"]),
        ("Straße", ["strasse"]),
        ("OS2FORMS-SC-2027-04", ["os2forms", "sc", "2027", "04"]),
        ("bud\x00get\x07 re\u00adferat", ["budget", "referat"]),
        ("50% of_the budget", ["50", "of", "the", "budget"]),
        ("", []),
        ("%_\\ ;;; -- ", []),
        ("ﬁnance ①", ["finance", "1"]),
    ],
)
def test_a_query_becomes_case_folded_words(query, terms):
    assert search_terms(query) == terms


def test_a_query_keeps_ten_words_of_fifty_characters():
    terms = search_terms(" ".join(f"ord{n}" for n in range(30)) + " " + "x" * 500)
    assert terms == [f"ord{n}" for n in range(10)]
    assert search_terms("ø" * 10_000) == ["ø" * 50]
    assert len(search_terms("a b " * 500_000)) == 2


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("bud refe", MINUTES, True),
        ("refe bud", MINUTES, True),  # any order
        ("udget", MINUTES, False),  # the start of a word, not its middle
        ("budget 2028", MINUTES, True),
        ("budget 2029", MINUTES, False),  # every term must be found
        ("ærø", MINUTES, True),
        ("ÆRØ KOMMUNE", MINUTES, True),
        ("aero", MINUTES, False),
        ("på næste", MINUTES, True),
        ("OS2FORMS-SC-2027-04", MINUTES, True),
        ("os2forms sc 2027 04", MINUTES, True),
        ("sc-2027-05", MINUTES, False),
        ("řídicí zápis", CZECH, True),
        ("ŘÍD dvoř", CZECH, True),
        ("ridici", CZECH, False),  # no accent-folding: ř is not r
        ("č 12", CZECH, True),
        ("žádost 2027", CZECH, True),
        ("strasse köln", GERMAN, True),
        ("STRASSENVERZEICHNIS", GERMAN, True),
        ("beschließt", GERMAN, True),
        ("", MINUTES, True),
    ],
)
def test_word_prefix_matching(query, text, found):
    assert matches(text, search_terms(query)) is found


def test_the_stored_text_is_words_and_single_spaces():
    assert search_text("Budget: 1,2 mio.", "ÆRØ\x00-Kommune") == "budget 1 2 mio ærø kommune"
    assert search_text("") == ""


@pytest.mark.parametrize(
    ("term", "patterns"),
    [
        ("budget", ("budget%", "% budget%")),
        ("50%", ("50\\%%", "% 50\\%%")),
        ("of_the", ("of\\_the%", "% of\\_the%")),
        ("a\\b", ("a\\\\b%", "% a\\\\b%")),
        ("ærø", ("ærø%", "% ærø%")),
    ],
)
def test_like_patterns_escape_percent_underscore_and_backslash(term, patterns):
    assert sql_like_patterns(term) == patterns


def _found_in_database(text: str, terms: list[str]) -> bool:
    column = literal(search_text(text))
    condition = and_(
        True,
        *(
            or_(*(column.like(pattern, escape=LIKE_ESCAPE) for pattern in sql_like_patterns(term)))
            for term in terms
        ),
    )
    return bool(db.session.scalar(select(condition)))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("bud refe", MINUTES),
        ("udget", MINUTES),
        ("ÆRØ", MINUTES),
        ("OS2FORMS-SC-2027-04", MINUTES),
        ("ŘÍD dvoř", CZECH),
        ("ridici", CZECH),
        ("strasse", GERMAN),
        ("BUDGET", "budget"),
        ("B", "abc"),
    ],
)
def test_the_database_finds_what_python_finds(app, query, text):
    terms = search_terms(query)
    assert _found_in_database(text, terms) is matches(text, terms)


def test_percent_and_underscore_in_a_term_are_not_wildcards_in_the_database(app):
    for term, text, found in [
        ("50%", "50% af budgettet", True),
        ("50%", "500 kroner", False),
        ("of_t", "of_the budget", True),
        ("of_t", "ofxthe budget", False),
        ("a\\b", "a\\bc", True),
        ("a\\b", "ab", False),
    ]:
        patterns = sql_like_patterns(term)
        column = literal(text)
        query = select(or_(*(column.like(pattern, escape=LIKE_ESCAPE) for pattern in patterns)))
        assert bool(db.session.scalar(query)) is found, (term, text)


# The app is only read from (one query a case), so sharing it between examples is safe.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=60),
    query=st.text(max_size=20),
    data=st.data(),
)
def test_database_and_python_agree_on_any_text(app, text, query, data):
    words = search_text(text).split()
    if words:
        word = data.draw(st.sampled_from(words))
        query += " " + word[: data.draw(st.integers(1, len(word)))]
    terms = search_terms(query)
    assert _found_in_database(text, terms) is matches(text, terms)
