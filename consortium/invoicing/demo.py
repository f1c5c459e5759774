"""The demo's invoicing: this year's run in draft, ready for the secretariat to review."""

from __future__ import annotations

from datetime import date

from consortium.invoicing import runs


def load_demo(today: date | None = None) -> None:
    """Make this year's drafts from the demo's fees (its budgets are approved)."""
    runs.start_run((today or date.today()).year, None)
