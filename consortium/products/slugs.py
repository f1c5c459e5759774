"""Product slugs: lowercase letters, digits and single hyphens."""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LENGTH = 80
# Paths of the products area that a product's slug must not shadow.
RESERVED = frozenset({"new", "import", "requirements"})
# Letters that Unicode does not decompose into an ASCII letter and a mark.
_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "đ": "d", "ł": "l"})


def slugify(text: str) -> str:
    """A slug suggested from a name: "Økonomi & Løn 2" -> "oekonomi-loen-2"."""
    text = (text or "").lower().translate(_SPELLED_OUT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:MAX_LENGTH].rstrip("-")


def is_valid(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug or "")) and len(slug) <= MAX_LENGTH and slug not in RESERVED
