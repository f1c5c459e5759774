"""Finding a person by name or email on the pages that add people somewhere (an organisation's
contacts, a group's members): the secretariat's tool. Everyone else adds people by their exact
email, so that nobody can browse the list of users."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request

from consortium.auth.models import User
from consortium.auth.queries import people_matching
from consortium.extensions import db
from consortium.web import id_arg

MAX_QUERY = 200


@dataclass
class PeopleSearch:
    """What the page's query string asks: ``?q=`` the text searched, ``?person=`` the person
    chosen from the results."""

    allowed: bool
    query: str = ""
    results: list[User] = field(default_factory=list)
    chosen: User | None = None


def people_search(allowed: bool) -> PeopleSearch:
    """The search the query string asks for, for someone who may search; for anyone else an
    empty one, whatever the query string says."""
    if not allowed:
        return PeopleSearch(False)
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    results = people_matching(query) if query else []
    person_id = id_arg("person")
    chosen = db.session.get(User, person_id) if person_id is not None else None
    if chosen is not None and (not chosen.active or chosen.is_anonymised):
        chosen = None
    return PeopleSearch(True, query, results, chosen)
