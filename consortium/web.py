"""The request cycle: who is signed in, the idle timeout, one commit per request, headers."""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from consortium import permissions, security
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
    app.before_request(end_idle_session)
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


def load_user(user_id: str) -> User | None:
    """The session's user, unless a password change or deactivation ended the session."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        numeric_id, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.scalar(select(User).where(User.id == numeric_id))
    if user is None or not user.active or user.session_version != version:
        return None
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


def end_idle_session():
    """Sign out a user who has been idle longer than the configured timeout."""
    if request.endpoint == "static":
        return None
    now = int(time.time())
    last_seen = session.get("last_seen")
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if current_user.is_authenticated:
        if last_seen is not None and now - int(last_seen) > idle_limit:
            logout_user()
            session.pop("last_seen", None)
            flash(
                _("You were signed out after a period of inactivity. Please sign in again."), "info"
            )
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        session.permanent = True
        session["last_seen"] = now
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
