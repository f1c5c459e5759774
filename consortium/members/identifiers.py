"""The identifier checks live in consortium/identifiers.py, shared by every domain; these names
stay for the importers that still use them here."""

from consortium.identifiers import (  # noqa: F401
    CHECKSUM,
    FORMAT,
    InvalidIdentifier,
    gln,
    peppol_participant_id,
    registration_number,
)
