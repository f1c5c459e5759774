"""Pages of the fees: load, check access, call a service, render."""

from __future__ import annotations
