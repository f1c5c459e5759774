"""Group members and organisation contacts the group tests add, each committed."""

from __future__ import annotations

from datetime import date

from consortium.extensions import db
from consortium.groups import services
from consortium.members import services as members
from tests.conftest import make_user


def contact(organisation, email, name=""):
    """A user who is a contact of the organisation."""
    person = make_user(email, name=name)
    members.add_contact(organisation, person.id, "other")
    db.session.commit()
    return person


def add(group, person, organisation, role="member", starts_on=date(2025, 1, 1), ends_on=None):
    member = services.add_member(
        group, person, organisation=organisation, role=role, starts_on=starts_on, ends_on=ends_on
    )
    db.session.commit()
    return member
