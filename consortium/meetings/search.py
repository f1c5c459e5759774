"""Searching minutes and decisions by word prefix, the same on SQLite and on PostgreSQL.

A query is cut into words (:func:`search_terms`); a text matches when every word of the query
begins some word of the text (:func:`matches`): "bud refe" finds "Budget 2028: referatet
godkendt". Words are runs of letters and digits in any script, compared after Unicode
normalisation (NFKC) and case folding, so "ÆBLE" finds "æblet", "Řízení" finds "řízení" and
"strasse" finds "Straße"; control and formatting characters (a soft hyphen inside a word) are
dropped first.

Databases lower-case and compare non-ASCII text differently, so the comparison never happens
on the raw text in SQL: store :func:`search_text` of what is searched (title, minutes, decision
code and text) in a column, and for each term filter that column with the two LIKE patterns of
:func:`sql_like_patterns` (``column.like(pattern, escape=LIKE_ESCAPE)``, either pattern, every
term). The column holds only case-folded words separated by single spaces, so the patterns
mean "a word begins with the term" on both databases; :func:`matches` gives the same answer in
Python, to confirm a row or to search what is not in the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

MAX_TERMS = 10
MAX_TERM_LENGTH = 50
LIKE_ESCAPE = "\\"

# A word: letters and digits of any script (``\w`` without the underscore).
_WORD = re.compile(r"[^\W_]+")
_LIKE_SPECIAL = re.compile(r"([%_\\])")


def _dropped(char: str) -> bool:
    """Control and formatting characters (NUL, a soft hyphen, a zero-width joiner)."""
    return unicodedata.category(char) in ("Cc", "Cf")


def _words(text: str) -> Iterator[str]:
    """The words of the text, normalised and case-folded, in order."""
    cleaned = "".join(char for char in text if not _dropped(char))
    folded = cleaned
    # Twice: a compatibility character may decompose to a capital ("ℌ" → "H").
    for _round in range(2):
        folded = unicodedata.normalize("NFKC", folded).casefold()
    return (match.group(0) for match in _WORD.finditer(folded))


def search_terms(query: str) -> list[str]:
    """The words of a query, normalised and case-folded, each once: at most ten, each cut to
    fifty characters. An empty list when the query has no letter or digit."""
    terms: list[str] = []
    for word in _words(query):
        term = word[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
            if len(terms) == MAX_TERMS:
                break
    return terms


def search_text(*parts: str) -> str:
    """What to store in the column the LIKE patterns filter: the words of all parts, normalised
    and case-folded as the terms are, separated by single spaces."""
    return " ".join(word for part in parts for word in _words(part))


def matches(text: str, terms: Iterable[str]) -> bool:
    """Whether every term begins some word of the text (every text matches no terms)."""
    words = set(_words(text))
    return all(any(word.startswith(term) for word in words) for term in terms)


def sql_like_patterns(term: str) -> tuple[str, str]:
    """The two LIKE patterns that find the term at the start of a word of :func:`search_text`:
    at the start of the column, or after a space. ``%``, ``_`` and the backslash are escaped
    with :data:`LIKE_ESCAPE`, which the query must name (SQLite has no default escape)."""
    escaped = _LIKE_SPECIAL.sub(r"\\\1", term)
    return f"{escaped}%", f"% {escaped}%"
