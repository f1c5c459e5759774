"""Tokens and calls for the API tests."""

from __future__ import annotations

from consortium.api import tokens
from consortium.api.tokens import AREAS
from consortium.extensions import db

EVERY_SCOPE = [f"{area}:write" for area in AREAS]


def token_for(user, scopes=None, days: int = 30) -> str:
    """A token of the user (every area, read and write, unless scopes are named), committed."""
    made = tokens.create_token(user, "Test", EVERY_SCOPE if scopes is None else scopes, days)
    db.session.commit()
    return made.token


def bearer(token: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}
