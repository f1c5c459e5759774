"""The demo's backlogs as its users find them: OS2forms and OS2faktor with twenty-odd items in
every state, a closed points round with its ordered result recorded as the coordination group's
decision, and an open budget round in which the demo member Anna Jensen may vote for Syddjurs and
has not yet."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from consortium import permissions
from consortium.auth.services import find_user_by_email
from consortium.backlog import queries, services
from consortium.backlog.models import BacklogItem, PrioritisationRound
from consortium.extensions import db
from consortium.meetings.models import Decision
from consortium.products.models import Product

ANNA = "anna.jensen@demo.example.org"


@pytest.fixture
def session(demo_app):
    with demo_app.app_context():
        yield db.session
        db.session.rollback()


def _product(slug: str) -> Product:
    return db.session.scalar(select(Product).where(Product.slug == slug))


def _round(slug: str) -> PrioritisationRound:
    (found,) = queries.rounds_of(_product(slug))
    return found


@pytest.mark.parametrize(("slug", "count"), [("os2forms", 22), ("os2faktor", 20)])
def test_each_backlog_has_twenty_odd_items_in_every_state(session, slug, count):
    product = _product(slug)
    items = queries.items(product)
    assert len(items) == count
    statuses = Counter(item.status for item in items)
    assert {
        "proposed",
        "accepted",
        "in_development",
        "delivered",
        "rejected",
    } <= set(statuses)
    assert {item.type for item in items} == {"wish", "bug", "epic"}
    assert len(queries.categories(product)) >= 4
    assert len({item.organisation.name for item in items}) >= 4
    # Written in Danish, as the municipalities write them.
    assert any("æ" in item.title or "ø" in item.title or "å" in item.title for item in items)
    rejected = [item for item in items if item.status == "rejected"]
    assert len(rejected) == 1 and len(rejected[0].rejection_reason) > 40
    estimated = [item for item in items if item.estimate is not None]
    assert len(estimated) >= 8
    for item in estimated:
        assert item.estimate_currency == "DKK"
        assert item.estimate_hours is not None
        assert item.estimated_by_supplier.name == "Fjordkode ApS"
    linked = [link for item in items for link in item.links]
    assert linked and all(link.url.startswith(product.issue_tracker_url) for link in linked)
    assert sum(len(item.comments) for item in items) >= 3
    # Submitted and commented over the past months, never in the future.
    now = datetime.now(UTC)
    assert min(item.created_at for item in items).date() < now.date()
    written = [item.created_at for item in items] + [
        note.created_at for item in items for note in item.comments
    ]
    assert max(written) < now


def test_the_closed_round_shows_its_ordered_result_with_ties_and_turnout(session):
    round_ = _round("os2forms")
    assert round_.status == "closed"
    assert round_.method == "points"
    rows = sorted(round_.results, key=lambda row: row.position)
    assert [(row.rank, row.item.title, row.score) for row in rows] == [
        (1, "Gem kladde og fortsæt senere", "7"),
        (1, "Betinget visning af felter på tværs af sider", "7"),
        (3, "Integration til SBSYS: journalisering af kvittering", "6"),
        (4, "Flere sprog i samme formular", "5"),
        (5, "Statistik over påbegyndte og afsluttede formularer", "3"),
        (6, "Adressefelt med opslag i Danmarks Adresseregister", "1"),
        (6, "Skabelonbibliotek delt mellem kommuner", "1"),
        (8, "Digital Post-kvittering til virksomheder", "0"),
    ]
    turnout = queries.turnout(round_)
    assert [each.name for each in turnout.voted] == [
        "Aarhus Kommune",
        "Horsens Kommune",
        "Kolding Kommune",
    ]
    assert turnout.of == 6
    # The items keep their rank; the supplier has started on the two shared first places.
    states = [(row.item.status, row.item.priority_rank) for row in rows]
    assert states[:2] == [("in_development", 1), ("in_development", 1)]
    assert states[2:] == [("prioritised", row.rank) for row in rows[2:]]
    assert round_.closed_at == round_.closes_at.replace(minute=1)
    assert round_.closed_at.date() < datetime.now(UTC).date()


def test_the_closed_rounds_result_is_the_coordination_groups_decision(session):
    round_ = _round("os2forms")
    decision = round_.decision
    assert decision.meeting is None
    assert decision.group == round_.group
    assert decision.code.startswith(round_.group.code + "-")
    assert "3 of 6 organisations voted" in decision.text
    assert "1. #" in decision.text and "Gem kladde og fortsæt senere (7)" in decision.text
    assert decision.recorded_at == round_.closed_at
    # After the closing everyone in the group reads every ballot.
    chair = next(member.user for member in round_.group.members if member.role == "chair")
    assert len(queries.visible_ballots(round_, chair)) == 3


def test_anna_may_vote_for_syddjurs_in_the_open_round_and_has_not_yet(session):
    anna = find_user_by_email(ANNA)
    round_ = _round("os2faktor")
    now = datetime.now(UTC)
    assert round_.status == "open"
    assert round_.opens_at < now < round_.closes_at
    assert round_.method == "equal-shares"
    assert round_.budget is not None
    assert all(entry.cost is not None for entry in round_.items)
    assert round_.group.has_current_member(anna.id)
    (syddjurs,) = queries.voting_organisations(round_, anna.id)
    assert syddjurs.name == "Syddjurs Kommune"
    assert permissions.can(anna, "backlog.vote", round_.vote_right(syddjurs))
    assert queries.ballot_of(round_, syddjurs) is None
    turnout = queries.turnout(round_)
    assert [each.name for each in turnout.voted] == ["Esbjerg Kommune"]
    assert "Syddjurs Kommune" in [each.name for each in turnout.not_voted]
    # While the round is open Anna sees her own organisation's ballot only: none yet.
    assert queries.visible_ballots(round_, anna) == []
    # Her ballot is taken (and rolled back by the fixture).
    first = round_.items[0].item_id
    ballot = services.cast_ballot(round_, syddjurs, {first: 1}, anna)
    assert ballot.values == {first: 1}


def test_nothing_in_the_demo_is_due_for_closing(session):
    assert services.close_due() == []


def test_the_demo_has_its_backlog_items_rounds_and_the_groups_decision(session):
    assert session.scalar(select(func.count()).select_from(BacklogItem)) == 42
    assert session.scalar(select(func.count()).select_from(PrioritisationRound)) == 2
    assert (
        session.scalar(
            select(func.count()).select_from(Decision).where(Decision.meeting_id.is_(None))
        )
        == 1
    )
