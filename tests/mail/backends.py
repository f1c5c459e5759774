"""Mail backends for the tests: one that records, one that always fails."""

from __future__ import annotations

import smtplib
import threading
import time

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend

DELIVERED: list[tuple[str, str]] = []
_lock = threading.Lock()


class RecordingEmailBackend(BaseEmailBackend):
    """Delivers into DELIVERED (recipient, subject), a little slowly, from any thread."""

    def send_messages(self, messages):
        for message in messages:
            message.message()  # header checks, as a real backend does
            time.sleep(0.01)
            with _lock:
                DELIVERED.extend((recipient, message.subject) for recipient in message.to)
        return len(messages)


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses everything, and says so with the password in its reply."""

    def send_messages(self, messages):
        password = current_app.config.get("MAIL_PASSWORD") or ""
        raise smtplib.SMTPAuthenticationError(535, f"authentication failed for {password}")
