"""Who is signed in, on every request: the session's user, and sessions that have ended.

Installed by create_app before the CSRF check, so an expired session is never shown a page.
"""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import select

from consortium import web
from consortium.auth import sessions
from consortium.auth.models import User
from consortium.auth.sessions import SESSION_ID_KEY
from consortium.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(end_finished_session)


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


def end_finished_session():
    """Sign out a session that has ended: idle longer than the timeout, older than the
    absolute lifetime, or ended on the server; say why when it ran out of time."""
    if request.endpoint == "static" or web.is_sessionless():
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
