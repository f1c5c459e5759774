"""The Outbox's one form: a button, protected by its CSRF token."""

from __future__ import annotations

from consortium.forms import Form


class RetryForm(Form):
    """Try a failed message again."""
