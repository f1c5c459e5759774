"""The request cycle: bounded ids and page numbers, refused control characters, one commit per
request, security headers. Who is signed in is the accounts' part (consortium/auth/hooks.py)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from flask import before_render_template, current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from consortium import forms, permissions, security
from consortium.errors import render_error
from consortium.extensions import db
from consortium.text import has_control_character


def init_app(app) -> None:
    # Before any blueprint adds its rules, which look their converters up by name.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_control_characters)
    app.after_request(commit_or_roll_back)
    app.after_request(security.set_headers)
    app.url_defaults(static_fingerprint)
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:  # Flask's default: ask every time
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE

    @app.context_processor
    def template_helpers():
        return {"can": lambda action, obj=None: permissions.can(current_user, action, obj)}

    # A global, not a context variable, so that the form macros (imported without the page's
    # context) see it.
    app.jinja_env.globals["field_errors"] = forms.field_errors
    before_render_template.connect(mark_pages_with_errors, app)


# Browsers keep the static files (stylesheet, scripts, icons) for a year without asking again:
# each address carries a fingerprint of the file's content (?v=…), which a new version changes.
# (Files sent by the pages, such as PDFs, are never kept: security.set_headers.)
STATIC_MAX_AGE = timedelta(days=365)
_fingerprints: dict[str, tuple[int, str]] = {}


def static_fingerprint(endpoint: str, values: dict) -> None:
    """Add the fingerprint of a static file's content to the address ``url_for`` builds."""
    if endpoint != "static" or "v" in values or not current_app.static_folder:
        return
    root = Path(current_app.static_folder).resolve()
    path = (root / str(values.get("filename", ""))).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return  # no such file: the address answers 404 as it is
    changed = path.stat().st_mtime_ns
    known = _fingerprints.get(str(path))
    if known is None or known[0] != changed:
        known = (changed, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _fingerprints[str(path)] = known
    values["v"] = known[1]


def mark_pages_with_errors(_app, template, context, **_extra) -> None:
    """Tell the page whether it shows a form with mistakes: base.html then starts its title
    with "Error:", which a screen reader reads first when the page opens."""
    context.setdefault("page_has_errors", forms.form_has_errors(context))


MAX_PAGE = 100_000

# Addresses whose requests never use the session cookie: the JSON API knows its callers by their
# token alone, so a signed-in browser's cookie gives no access there. Registered at start-up.
_SESSIONLESS_PREFIXES: set[str] = set()


def without_session(path_prefix: str) -> None:
    """Have requests under the path ignore the session: no signed-in user, no language choice."""
    _SESSIONLESS_PREFIXES.add(path_prefix)


def is_sessionless() -> bool:
    """Whether the current request is one that ignores the session cookie."""
    return has_request_context() and any(
        request.path.startswith(prefix) for prefix in _SESSIONLESS_PREFIXES
    )


# The largest id a URL or a filter may name: every id column holds at least this much.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in URLs, refusing (404) numbers no id can have instead of overflowing the
    database driver with them."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(name: str) -> int | None:
    """An id given in the query string, or None when missing, not a number or out of range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= MAX_ID else None


def page_number(name: str = "page") -> int:
    """The page a paged list asks for: 1 when missing or not a number, clamped to 1..MAX_PAGE,
    so that a huge number cannot overflow the database's OFFSET."""
    page = request.args.get(name, 1, type=int)
    return min(max(page, 1), MAX_PAGE)


def refuse_control_characters():
    """Answer an address whose path or query string holds a control character with a 400
    page: no view, search or lookup ever sees one (PostgreSQL cannot even compare NUL)."""
    parts = [request.path]
    for key, values in request.args.lists():
        parts.append(key)
        parts.extend(values)
    if any(has_control_character(part) for part in parts):
        return render_error(
            400,
            _(
                "The address contains a character that is not allowed (a control character). "
                "Check the address or the search you typed."
            ),
        )
    return None


def commit_or_roll_back(response):
    """Commit what the request wrote when it succeeded; roll back otherwise."""
    if g.pop("_rolled_back", False):
        return response
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
