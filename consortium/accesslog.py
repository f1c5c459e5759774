"""The access log: one JSON line per request on standard output, and a request id.

Each line holds the time, the method, the path (never the query string, and a token in the
path, such as a password-reset link's, replaced by "[redacted]"), the status, the duration in
milliseconds, the signed-in user's id and the request id. Never a password, a token, a cookie
or a session id. The request id is the proxy's X-Request-ID when it sends a sane one, a new one
otherwise; the response carries it back, so a user's report can be found in the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request, request_finished

logger = logging.getLogger("consortium.access")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
REDACTED = "[redacted]"


def init_app(app: Flask) -> None:
    """Stamp every request with its start and id (before any other hook, so that a request
    another hook answers early has them too), and log it when its response is final."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(add_request_id)
    if app.config.get("ACCESS_LOG"):
        if not logger.handlers:
            handler = _StandardOutput()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        request_finished.connect(log_request, app)


class _StandardOutput(logging.StreamHandler):
    """Writes to what standard output is when the line is written (a test may replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def request_id() -> str:
    """This request's id."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return str(g.request_id)


def add_request_id(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def loggable_path() -> str:
    """The path, with the value of every URL part that is a token replaced."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def _user_id() -> int | None:
    """The signed-in user's id, as the request found it: never a query of its own (a request
    for a static file does not look the user up)."""
    user = g.get("_login_user")  # where Flask-Login keeps the request's user once loaded
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.id)


def entry(response) -> dict:
    """The access log's line for this request and its response."""
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": loggable_path(),
        "status": response.status_code,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "user_id": _user_id(),
        "request_id": request_id(),
    }


def log_request(_app: Flask, response, **_extra) -> None:
    logger.info(json.dumps(entry(response), separators=(",", ":")))
