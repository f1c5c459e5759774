"""A member of many groups opens the meetings list with as many statements as a member of one:
whether they may see each group's meetings is asked of their terms read once."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from consortium.extensions import db
from consortium.groups import services as groups
from consortium.meetings import services
from tests.conftest import PASSWORD, login
from tests.groups.factories import add, contact

# Statements are counted, and a page asks the same ones on every database: the SQLite run
# counts them.
pytestmark = pytest.mark.sqlite


def _group_with_a_meeting(number: int, product, person, organisation) -> None:
    group = groups.create_group("coordination_group", f"Working group {number}", product)
    group.code = f"WG-{number}"
    add(group, person, organisation, role="member")
    services.plan_meeting(
        group,
        title=f"Working group {number}, spring",
        day=date.today() + timedelta(days=10 + number),
        starts=time(10),
        ends=time(12),
        timezone="Europe/Copenhagen",
    )
    db.session.commit()


def test_the_meetings_list_asks_as_often_for_a_member_of_many_groups(
    client, count_queries, product, aarhus, member
):
    _group_with_a_meeting(1, product, member, aarhus)
    assert login(client, member.email, PASSWORD).status_code == 302

    def statements() -> tuple[int, str]:
        db.session.expunge_all()  # each request starts from an empty session, as in production
        with count_queries() as asked:
            page = client.get("/meetings/").get_data(as_text=True)
        return len(asked), page

    statements()  # the first request of a client fills its caches
    few, page = statements()
    assert "Working group 1, spring" in page
    for number in range(2, 7):
        _group_with_a_meeting(number, product, member, aarhus)
    many, page = statements()
    assert all(f"Working group {number}, spring" in page for number in range(1, 7))
    assert many == few


def test_a_term_written_or_undone_in_a_request_is_seen_at_once(app, committee, aarhus):
    from consortium.groups import queries as group_queries

    person = contact(aarhus, "newcomer@aarhus.example.dk", "Nina Newcomer")
    with app.test_request_context("/groups/"):
        assert not group_queries.is_current_member(person.id, committee)
        savepoint = db.session.begin_nested()
        groups.add_member(
            committee, person, organisation=aarhus, role="member", starts_on=date(2025, 1, 1)
        )
        assert group_queries.is_current_member(person.id, committee)
        assert not group_queries.is_current_member(person.id, committee, roles=("chair",))
        savepoint.rollback()
        assert not group_queries.is_current_member(person.id, committee)


def test_a_term_not_yet_written_is_seen(app, committee, aarhus):
    from consortium.groups import queries as group_queries
    from consortium.groups.models import GroupMember

    person = contact(aarhus, "pending@aarhus.example.dk", "Per Pending")
    with app.test_request_context("/groups/"):
        assert not group_queries.is_current_member(person.id, committee)
        db.session.add(
            GroupMember(
                group_id=committee.id,
                user_id=person.id,
                organisation_id=aarhus.id,
                role="chair",
                starts_on=date(2025, 1, 1),
            )
        )
        assert group_queries.is_current_member(person.id, committee, roles=("chair",))
