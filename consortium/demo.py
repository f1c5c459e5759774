"""The demo association: what `make run` shows on a fresh clone."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.extensions import db
from consortium.settings.services import get_settings, update_settings


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str
    language: str | None


# Demo passwords are public by design: they only ever exist in a demo database.
DEMO_LOGINS = (
    DemoLogin(
        "secretariat",
        "secretariat@demo.example.org",
        "demo-secretariat-2026",
        "Sofie Secretariat",
        None,
    ),
    DemoLogin(
        "signed-in user", "anna.jensen@demo.example.org", "demo-member-2026", "Anna Jensen", "da"
    ),
)


class DemoError(RuntimeError):
    """The database already holds data."""


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(User.id))) == 0


def load() -> tuple[DemoLogin, ...]:
    """Fill an empty database with the demo association and its users."""
    if current_app.config["CONSORTIUM_ENV"] not in ("development", "testing"):
        raise DemoError("the demo, whose passwords are public, is loaded only in development")
    if not database_is_empty():
        raise DemoError("the database is not empty; the demo is loaded only into an empty database")
    update_settings(
        get_settings(),
        name="Open Municipalities (demo)",
        email="secretariat@demo.example.org",
        default_language="en",
        currency="DKK",
        country="DK",
        timezone="Europe/Copenhagen",
    )
    for login in DEMO_LOGINS:
        auth_services.create_user(
            login.email,
            login.name,
            password=login.password,
            language=login.language,
            is_secretariat=login.role == "secretariat",
        )
    # One invitation not yet accepted, so the users page shows every state.
    invited = auth_services.create_user(
        "lars.nielsen@demo.example.org", "Lars Nielsen", language="da"
    )
    auth_services.invite_user(invited, None)
    return DEMO_LOGINS
