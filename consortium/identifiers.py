"""Registration numbers, EAN/GLN and Peppol ids: pure checks built on python-stdnum.

Each check returns the number in its compact form or raises InvalidIdentifier with a reason
code ("format" or "checksum"); forms turn the code into a message in the user's language.
"""

from __future__ import annotations

import re

from stdnum import ean
from stdnum.cz import dic as czech_tax_number
from stdnum.dk import cvr
from stdnum.exceptions import InvalidChecksum, ValidationError

FORMAT, CHECKSUM = "format", "checksum"


class InvalidIdentifier(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _digits(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value or "")


def registration_number(country: str, value: str) -> str:
    """Check a registration number for the countries we know; others are kept as typed."""
    country = (country or "").upper()
    compact = _digits(value)
    if country == "DK":
        return _stdnum(cvr, compact)
    if country == "CZ":
        # IČO: eight digits, the last a check digit (the legal-entity form of the DIČ).
        if not re.fullmatch(r"\d{8}", compact):
            raise InvalidIdentifier(FORMAT)
        return _stdnum(czech_tax_number, compact)
    return (value or "").strip()


def gln(value: str) -> str:
    """A 13-digit EAN/GLN location number with its GS1 check digit."""
    compact = _digits(value)
    if not re.fullmatch(r"\d{13}", compact):
        raise InvalidIdentifier(FORMAT)
    return _stdnum(ean, compact)


PEPPOL_ID = re.compile(r"^\d{4}:[A-Za-z0-9][A-Za-z0-9.\-_:]{0,49}$")


def peppol_participant_id(value: str) -> str:
    """A Peppol participant id such as 0088:5798000416604 (scheme code, a colon, the id)."""
    compact = (value or "").strip()
    if compact.lower().startswith("iso6523-actorid-upis::"):
        compact = compact.split("::", 1)[1]
    if not PEPPOL_ID.fullmatch(compact):
        raise InvalidIdentifier(FORMAT)
    scheme, identifier = compact.split(":", 1)
    if scheme == "0088":
        gln(identifier)
    return compact


def _stdnum(module, compact: str) -> str:
    try:
        return module.validate(compact)
    except InvalidChecksum as exc:
        raise InvalidIdentifier(CHECKSUM) from exc
    except ValidationError as exc:
        raise InvalidIdentifier(FORMAT) from exc
