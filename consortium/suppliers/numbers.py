"""Supplier registration numbers: a CVR for a Danish company, else the EU VAT number.

Pure checks built on python-stdnum. Each returns the compact form or raises
``InvalidIdentifier`` with a reason code the form turns into a message in the user's language.
"""

from __future__ import annotations

import re

from stdnum.dk import cvr
from stdnum.eu import vat
from stdnum.exceptions import InvalidChecksum, ValidationError

from consortium.identifiers import CHECKSUM, FORMAT, InvalidIdentifier

# The VAT number belongs to another country than the one chosen.
COUNTRY = "country"

# The EU member states, by ISO 3166 code; Greece writes EL in front of its VAT numbers.
VAT_PREFIXES = {
    code.upper(): ("EL" if code == "gr" else code.upper())
    for code in vat.MEMBER_STATES
    if code != "xi"
}
EU_COUNTRIES = tuple(sorted(VAT_PREFIXES))

__all__ = ["CHECKSUM", "COUNTRY", "EU_COUNTRIES", "FORMAT", "InvalidIdentifier", "compact"]


def compact(country: str, value: str) -> str:
    """The compact CVR (Denmark) or EU VAT number with its prefix (elsewhere in the EU)."""
    country = (country or "").upper()
    if country == "DK":
        number = cvr.compact(value or "")
        if number.upper().startswith("DK"):
            number = number[2:]
        return _checked(cvr, number)
    prefix = VAT_PREFIXES.get(country)
    if prefix is None:
        raise InvalidIdentifier(FORMAT)
    number = re.sub(r"[\s.\-/]", "", value or "").upper()
    if not number[:2].isalpha():
        number = prefix + number  # typed without the country prefix
    if number[:2] != prefix:
        raise InvalidIdentifier(COUNTRY)
    return _checked(vat, number)


def _checked(module, number: str) -> str:
    try:
        return module.validate(number)
    except InvalidChecksum as exc:
        raise InvalidIdentifier(CHECKSUM) from exc
    except ValidationError as exc:
        raise InvalidIdentifier(FORMAT) from exc
