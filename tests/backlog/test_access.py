"""Who may do what to a backlog: rights come from taking part in the product, sitting in its
coordination group or supplying it, and stop at the product's (and the organisation's) edge."""

from __future__ import annotations

import pytest

from consortium.backlog.models import Backlog
from consortium.permissions import can
from tests.backlog.conftest import accepted_items, open_round


def _may(world, who: str, action: str, obj) -> bool:
    return can(getattr(world, who), action, obj)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("backlog.view", {"chair", "secretary", "anna", "olga", "karl", "carl", "supplier_user"}),
        ("backlog.submit", {"chair", "secretary", "anna", "olga", "karl", "carl"}),
        (
            "backlog.comment",
            {"chair", "secretary", "anna", "olga", "karl", "carl", "supplier_user"},
        ),
        ("backlog.manage", {"chair", "secretary"}),
        ("backlog.estimate", {"supplier_user"}),
    ],
)
def test_rights_on_a_products_backlog(world, action, allowed):
    people = {
        "chair",
        "secretary",
        "anna",
        "olga",
        "karl",
        "carl",
        "vera",
        "supplier_user",
        "other_supplier_user",
        "outsider",
    }
    backlog = Backlog(world.product)
    item = accepted_items(world, 1)[0]
    granted = {who for who in people if _may(world, who, action, backlog)}
    assert granted == allowed
    # The same answer for an item of the backlog.
    assert {who for who in people if _may(world, who, action, item)} == allowed
    assert _may(world, "secretariat", action, backlog)


def test_no_right_reaches_another_products_backlog(world):
    other = Backlog(world.other_product)
    for who in ("chair", "secretary", "anna", "olga", "supplier_user"):
        for action in (
            "backlog.view",
            "backlog.submit",
            "backlog.comment",
            "backlog.manage",
            "backlog.estimate",
        ):
            assert not _may(world, who, action, other), (who, action)
    # Vejle's contact chairs the other product's group and takes part in it.
    assert _may(world, "vera", "backlog.manage", other)
    assert _may(world, "other_supplier_user", "backlog.estimate", other)
    assert not _may(world, "vera", "backlog.view", Backlog(world.product))


def test_rounds_are_run_by_the_chair_or_secretary_of_the_rounds_group(world):
    round_ = open_round(world, accepted_items(world, 1))
    assert _may(world, "chair", "backlog.run_rounds", round_)
    assert _may(world, "secretary", "backlog.run_rounds", round_)
    assert _may(world, "chair", "backlog.run_rounds", world.group)
    assert not _may(world, "anna", "backlog.run_rounds", round_)
    assert not _may(world, "vera", "backlog.run_rounds", round_)
    assert not _may(world, "chair", "backlog.run_rounds", world.other_group)
    assert _may(world, "vera", "backlog.run_rounds", world.other_group)


def test_a_vote_is_for_ones_own_organisation_only(world):
    round_ = open_round(world, accepted_items(world, 1))
    aarhus, odense = round_.vote_right(world.aarhus), round_.vote_right(world.odense)
    assert _may(world, "anna", "backlog.vote", aarhus)
    assert _may(world, "bo", "backlog.vote", aarhus)
    assert not _may(world, "anna", "backlog.vote", odense)
    assert _may(world, "olga", "backlog.vote", odense)
    assert not _may(world, "olga", "backlog.vote", aarhus)
    assert not _may(world, "carl", "backlog.vote", aarhus)  # not in the group
    assert not _may(world, "karl", "backlog.vote", round_.vote_right(world.kolding))
    assert not _may(world, "anna", "backlog.vote", round_)  # a round is not a ballot
