"""Reading accounts, for the pages of other domains that may not import the accounts."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from consortium.auth.models import User


def user_ids_matching(wanted: str) -> Select:
    """The ids of the users whose current name or email contains the (lower-case) text: the
    audit trail searches its actors with it."""
    return select(User.id).where(
        or_(func.lower(User.name).contains(wanted), func.lower(User.email).contains(wanted))
    )
