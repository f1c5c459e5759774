"""How the global search compares text, the same in Python, on SQLite and on PostgreSQL.

Both sides of a comparison are *folded*: lower-cased, then each Latin letter with a diacritic
becomes its base letter, one character for one: "Říčany" → "ricany", "København" → "kobenhavn",
"Ærø" → "æro", "Müller" → "muller". So "ricany" finds "Říčany", "kobenhavn" finds "København"
and "ærø" or "ÆRØ" finds "Ærø"; "aeroe" does not find "Ærø" (æ and ß stay letters of their own,
since one character cannot become two in SQL's translate()).

In SQL the folding is ``translate(lower(column), FOLD_FROM, FOLD_TO)``: PostgreSQL has
translate() built in, and consortium/db.py gives SQLite the same function and a lower() that
knows every letter. The upper-case letters are in the table too, so that a PostgreSQL database
whose lower() knows only A to Z (the C locale) folds them as well.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter and a mark, but read as one.
_EXTRA = {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "Æ": "æ"}


def _fold_table() -> tuple[str, str]:
    source: list[str] = []
    target: list[str] = []
    # Latin-1 Supplement and Latin Extended-A: the letters of Danish, German, Czech and their
    # neighbours.
    for code in range(0xC0, 0x180):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if char in _EXTRA:
            folded = _EXTRA[char]
        elif base != char and base.isascii() and base.isalpha():
            folded = base.lower()
        else:
            continue
        source.append(char)
        target.append(folded)
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _fold_table()
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)

# The search: at least two characters, at most a hundred.
MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 8
LIKE_ESCAPE = "\\"
_LIKE_SPECIAL = re.compile(r"([%_\\])")
_SPACES = re.compile(r"\s+")
# What an identifier may be typed with that it is stored without: spaces, dots, dashes.
_IDENTIFIER_SEPARATORS = re.compile(r"[\s.\-]+")


def fold(text: str) -> str:
    """The text as the search compares it: lower-cased, diacritics off Latin letters."""
    return text.lower().translate(_TABLE)


def clean_query(text: str) -> str:
    """The query as searched: spaces at the ends off, runs of white space as one space."""
    return _SPACES.sub(" ", text).strip()


def words(query: str) -> list[str]:
    """The folded words of a query, each once, at most eight; every one must match."""
    found: list[str] = []
    for word in fold(query).split():
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def contains_pattern(word: str) -> str:
    """A LIKE pattern that finds the (folded) word anywhere, with ``%``, ``_`` and the
    backslash escaped by :data:`LIKE_ESCAPE`."""
    escaped = _LIKE_SPECIAL.sub(r"\\\1", word)
    return f"%{escaped}%"


def compact_identifier(query: str) -> str:
    """An identifier as typed, without the spaces, dots and dashes people put in numbers such as
    "29 18 97 38" (CVR) or "5790.0012.3456.7" (EAN): what a stored number is compared with."""
    return _IDENTIFIER_SEPARATORS.sub("", query)
