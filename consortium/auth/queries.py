"""Reading accounts, for the pages of other domains that may not import the accounts."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from consortium.auth.models import User
from consortium.extensions import db


def user_ids_matching(wanted: str) -> Select:
    """The ids of the users whose current name or email contains the (lower-case) text: the
    audit trail searches its actors with it."""
    return select(User.id).where(
        or_(func.lower(User.name).contains(wanted), func.lower(User.email).contains(wanted))
    )


SEARCH_LIMIT = 20


def people_matching(text: str, limit: int = SEARCH_LIMIT) -> list[User]:
    """Active people whose name or email contains the text (any case), by name: the
    secretariat picks one to add as a contact or a group member."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.anonymised_at.is_(None),
                or_(
                    func.lower(User.name).contains(wanted, autoescape=True),
                    func.lower(User.email).contains(wanted, autoescape=True),
                ),
            )
            .order_by(func.lower(User.name), User.email)
            .limit(limit)
        )
    )
