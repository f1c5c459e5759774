"""Rules for the text people type or upload, shared by forms, query strings and CSV files."""

from __future__ import annotations

import re
from pathlib import PurePath

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


def upload_name(filename: str | None, default: str) -> str:
    """The name of an uploaded file as it may be shown and stored: its last part, without
    control characters (a browser sends what the user's file system allows), at most 255
    characters; the default when nothing is left."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", name).strip()[:255]
    return name or default
