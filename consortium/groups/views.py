"""Pages of this domain: load, check access, call a service, render."""

from __future__ import annotations
