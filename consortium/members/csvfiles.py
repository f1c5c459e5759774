"""Moved to :mod:`consortium.csvio`; kept only for the fee pages and ``flask fees`` until they
import it from there. Remove once nothing imports ``consortium.members.csvfiles``."""

from consortium.csvio import delimiter_for, neutralise, write

__all__ = ["delimiter_for", "neutralise", "write"]
