"""Rules for the text people type or upload, shared by forms, query strings and CSV files."""

from __future__ import annotations

import re

# Control characters (Unicode category Cc: C0, DEL and C1). PostgreSQL cannot store NUL at all,
# and none of them belongs in a name, an address or a search.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Text over several lines keeps its tabs and line breaks.
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_at(text: str, *, multiline: bool = False) -> int | None:
    """The position of the first control character not allowed in ``text``, or None."""
    match = (_CONTROL_IN_LINES if multiline else _CONTROL).search(text)
    return match.start() if match else None


def has_control_character(text: str, *, multiline: bool = False) -> bool:
    return control_character_at(text, multiline=multiline) is not None
