"""Password rules and hashing."""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash


@cache
def _dummy_hash() -> str:
    """Compared against when an account does not exist, so both paths cost the same time
    (made when first needed: a scrypt hash costs a fifth of a second, at every start)."""
    return generate_password_hash("not a real password, only for timing", method="scrypt")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    text = resources.files("consortium").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is refused, in the user's language, or None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("The password must be at least %(count)d characters long.", count=minimum)
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        return _("This password is too common; choose one that others are unlikely to use.")
    if len(set(password)) < 4:
        return _("This password repeats too few characters; choose a less predictable one.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an account without a password costs the same time and fails."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)
