"""Who is acting now: the signed-in user, or the command line and its operating-system user."""

from __future__ import annotations

import getpass
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import click
from flask import g, has_request_context
from flask_login import current_user


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


_source: ContextVar[str | None] = ContextVar("audit_source", default=None)


def current_actor() -> Actor:
    """The actor to record for a change made now."""
    if has_request_context() and g.get("audit_actor") is not None:
        return g.audit_actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return user_actor(current_user.id)
    if has_request_context():
        return Actor(None, "anonymous web request")
    click_context = click.get_current_context(silent=True)
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = "unknown"
    if click_context is not None:
        # The command path names the command, never its arguments, which may hold secrets.
        command = click_context.command_path.split(" ", 1)[-1]
        return Actor(None, f"CLI flask {command} ({os_user})")
    return Actor(None, f"system ({os_user})")


def user_actor(user_id: int, how: str = "") -> Actor:
    """A signed-in (or emailed-link) actor, by reference: their name and email are not copied."""
    label = f"user #{user_id}"
    return Actor(user_id, f"{label} ({how})" if how else label)


def current_source() -> str | None:
    return _source.get()


@contextmanager
def audit_source(source: str):
    """Record the origin (such as an imported file's name) on every entry written inside."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)
