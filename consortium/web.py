"""The request cycle: who is signed in, sessions that end, one commit per request, headers."""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from consortium import permissions, security
from consortium.auth import sessions
from consortium.auth.models import User
from consortium.errors import render_error
from consortium.extensions import db, login_manager
from consortium.text import has_control_character


def init_app(app) -> None:
    # Before any blueprint adds its rules, which look their converters up by name.
    app.url_map.converters["int"] = BoundedIntegerConverter
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    app.before_request(refuse_control_characters)
    app.before_request(end_finished_session)
    app.after_request(commit_or_roll_back)
    app.after_request(security.set_headers)

    @app.context_processor
    def template_helpers():
        from consortium.main.forms import LanguageForm
        from consortium.settings.services import get_settings

        return {
            "can": lambda action, obj=None: permissions.can(current_user, action, obj),
            "association": get_settings(),
            "language_form": lambda: LanguageForm(formdata=None),
        }


MAX_PAGE = 100_000


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


# The key of the signed cookie that holds the server-side session's random id.
SESSION_ID_KEY = "session_id"


def load_user(user_id: str) -> User | None:
    """The session's user, while the session runs on the server: not signed out (here or
    everywhere), not idle or older than the absolute lifetime, and not ended by a password
    change or a deactivation."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        numeric_id, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.scalar(select(User).where(User.id == numeric_id))
    if user is None or not user.active or user.session_version != version:
        return None
    found = sessions.find(session.get(SESSION_ID_KEY), user.id)
    reason = sessions.why_invalid(found)
    if reason is not None:
        g.session_end_reason = reason
        return None
    g.user_session = found
    return user


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


def end_finished_session():
    """Sign out a session that has ended: idle longer than the timeout, older than the
    absolute lifetime, or ended on the server; say why when it ran out of time."""
    if request.endpoint == "static":
        return None
    now = int(time.time())
    last_seen = session.get("last_seen")
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    reason = None
    if current_user.is_authenticated:
        if last_seen is not None and now - int(last_seen) > idle_limit:
            reason = sessions.IDLE
    else:
        reason = g.pop("session_end_reason", None)
    if reason is not None:
        if current_user.is_authenticated:
            sessions.end(session.get(SESSION_ID_KEY))
        logout_user()
        session.pop("last_seen", None)
        session.pop(SESSION_ID_KEY, None)
        if reason == sessions.ENDED:
            return None  # signed out elsewhere: the page asks to sign in, if it needs it
        if reason == sessions.IDLE:
            message = _("You were signed out after a period of inactivity. Please sign in again.")
        else:
            message = _(
                "You were signed out because your session reached its maximum length of %(hours)s hours. Please sign in again.",
                hours=current_app.config["SESSION_ABSOLUTE_HOURS"],
            )
        flash(message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.is_authenticated:
        session.permanent = True
        session["last_seen"] = now
        sessions.touch(g.user_session)
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
