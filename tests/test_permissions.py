"""The permission module answers for every action, in one place."""

from __future__ import annotations

import pytest

from consortium import permissions
from consortium.auth import services
from tests.conftest import make_user


@pytest.mark.parametrize("action", sorted(permissions.ACTIONS))
def test_secretariat_may_do_everything_and_a_deactivated_one_nothing(app, action):
    secretariat = make_user("boss@example.org", secretariat=True)
    assert permissions.can(secretariat, action)
    services.set_active(secretariat, False)
    assert not permissions.can(secretariat, action)


def test_a_user_may_see_only_their_own_account(app):
    one, other = make_user("one@example.org"), make_user("other@example.org")
    assert permissions.can(one, "users.view", one)
    assert not permissions.can(one, "users.view", other)
    assert not permissions.can(one, "users.manage", one)
    assert permissions.can(one, "profile.edit", one)


def test_anonymous_may_do_nothing(app):
    assert not permissions.can(None, "home.dashboard")


def test_an_unknown_action_is_a_programming_error(app):
    with pytest.raises(KeyError):
        permissions.can(make_user("x@example.org"), "users.delete_everything")


@pytest.mark.parametrize(
    "action", sorted(a for a in permissions.ACTIONS if a.startswith("backlog."))
)
def test_a_backlog_action_needs_a_tie_to_the_product_or_round(app, action):
    """No backlog right comes from being signed in: without an object, only the secretariat."""
    assert not permissions.can(make_user("anyone@example.org"), action)
    assert not permissions.can(make_user("someone@example.org"), action, object())
