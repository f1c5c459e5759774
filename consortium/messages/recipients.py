"""Who gets a message and in which language: pure, with no Flask, database or I/O.

The pages gather the candidates (each contact of each chosen organisation, each member of a
group), several of which may be the same person; `plan` makes one recipient of each person
who can be mailed, names those who cannot, and says which languages are in use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

INACTIVE = "inactive"
NO_EMAIL = "no_email"


@dataclass(frozen=True)
class Candidate:
    """A person the message is meant for, as one source found them."""

    user_id: int
    name: str
    email: str
    language: str | None  # their own choice; None for the association's default
    active: bool
    represents: str = ""  # the organisation (or supplier) they were found for


@dataclass
class Recipient:
    user_id: int
    name: str
    email: str
    language: str
    represents: list[str] = field(default_factory=list)


@dataclass
class LeftOut:
    user_id: int
    name: str
    reason: str  # INACTIVE or NO_EMAIL
    represents: list[str] = field(default_factory=list)


@dataclass
class Plan:
    recipients: list[Recipient]
    left_out: list[LeftOut]
    # The languages the recipients get, most recipients first.
    languages: list[str]

    def count_in(self, language: str) -> int:
        return sum(recipient.language == language for recipient in self.recipients)


def _name_key(person: Recipient | LeftOut) -> tuple[str, int]:
    return (person.name.casefold(), person.user_id)


def plan(
    candidates: Iterable[Candidate],
    *,
    languages: Sequence[str],
    default_language: str,
    one_language: str | None = None,
) -> Plan:
    """One recipient per person who can be mailed, in their own language (or the association's
    default when theirs is not one the app speaks), or everyone in ``one_language``.

    A person found several times (a contact of two chosen organisations) is one recipient who
    represents both. Deactivated people and people without an email address are left out, each
    named once with the reason.
    """
    people: dict[int, Recipient | LeftOut] = {}
    for candidate in candidates:
        known = people.get(candidate.user_id)
        if known is None:
            email = candidate.email.strip()
            if not candidate.active:
                known = LeftOut(candidate.user_id, candidate.name, INACTIVE)
            elif not email:
                known = LeftOut(candidate.user_id, candidate.name, NO_EMAIL)
            else:
                own = candidate.language or default_language
                if own not in languages:
                    own = default_language
                known = Recipient(candidate.user_id, candidate.name, email, one_language or own)
            people[candidate.user_id] = known
        if candidate.represents and candidate.represents not in known.represents:
            known.represents.append(candidate.represents)
    recipients = sorted(
        (person for person in people.values() if isinstance(person, Recipient)), key=_name_key
    )
    left_out = sorted(
        (person for person in people.values() if isinstance(person, LeftOut)), key=_name_key
    )
    counts = Counter(recipient.language for recipient in recipients)
    order = {code: index for index, code in enumerate(languages)}
    in_use = sorted(counts, key=lambda code: (-counts[code], order.get(code, len(order)), code))
    return Plan(recipients, left_out, in_use)
