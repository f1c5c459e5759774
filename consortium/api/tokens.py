"""Personal access tokens: making one (shown once), recognising one, revoking one.

A token reads ``cst_<8 hex digits>_<43 random characters>``: the first part is its prefix,
kept in clear so that lists can show which token is which; the whole token is kept only as its
SHA-256, which is enough for a secret of 256 random bits (no password-style stretching is
needed) and is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consortium.api.models import ApiToken
from consortium.db import utcnow
from consortium.extensions import db

TOKEN_START = "cst_"  # noqa: S105 - the visible start of every token, not a secret
PREFIX_DIGITS = 8
# The longest a token may live; the form offers shorter ones.
MAX_DAYS = 366

# The areas a token's scopes name, each read, or read and write.
AREAS = {
    "register": _l("Member register: organisations, populations, billing identities, membership"),
    "products": _l("Products and their publiccode.yml"),
    "participation": _l("Participations and join requests"),
    "groups": _l("Groups and their members"),
    "suppliers": _l("Suppliers"),
    "fees": _l("Fees: previews and expected fees"),
    "invoices": _l("Invoices, credit notes and payments"),
    "agreements": _l("Agreements"),
    "meetings": _l("Meetings, minutes, decisions and action items"),
    "backlog": _l("Backlogs and prioritisation rounds"),
}
READ, WRITE = "read", "write"


def scope(area: str, level: str) -> str:
    return f"{area}:{level}"


def allows(token: ApiToken, area: str, level: str) -> bool:
    """Whether the token's scopes let it read (or write) the area; write includes read."""
    granted = set(token.scopes or [])
    if level == READ:
        return scope(area, READ) in granted or scope(area, WRITE) in granted
    return scope(area, WRITE) in granted


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: the record, and the token itself, shown this once."""

    record: ApiToken
    token: str


def create_token(user, name: str, scopes: list[str], days: int) -> NewToken:
    """Make a token for the user with the scopes, valid for the days."""
    unknown = [item for item in scopes if item.partition(":")[0] not in AREAS]
    if unknown or any(item.partition(":")[2] not in (READ, WRITE) for item in scopes):
        raise ValueError(f"unknown scopes {scopes!r}")
    days = max(1, min(days, MAX_DAYS))
    prefix = TOKEN_START + secrets.token_hex(PREFIX_DIGITS // 2)
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    record = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        prefix=prefix,
        token_hash=hash_token(token),
        scopes=sorted(set(scopes)),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(record)
    db.session.flush()
    return NewToken(record, token)


def revoke(token: ApiToken, by_user_id: int) -> None:
    """Stop the token at once; a revoked token stays in the list as revoked."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_user_id = by_user_id
        db.session.flush()


def find(presented: str) -> ApiToken | None:
    """The token record a caller presented, whatever its state, or None when it is no token of
    ours: the prefix finds the row, the hash must match in constant time."""
    if not presented.startswith(TOKEN_START):
        return None
    prefix = presented[: len(TOKEN_START) + PREFIX_DIGITS]
    record = db.session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.prefix == prefix)
    )
    if record is None or not hmac.compare_digest(record.token_hash, hash_token(presented)):
        return None
    return record


def note_use(token: ApiToken, now: datetime) -> None:
    """Remember when the token was last used, at most once a minute."""
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.flush()


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def all_tokens() -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
        )
    )
