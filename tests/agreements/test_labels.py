"""A participation's agreement state in words, as the lists and their exports say it."""

from __future__ import annotations

from datetime import UTC, datetime

from consortium.agreements.labels import state_text
from consortium.agreements.queries import STATE_ACCEPTED, STATE_WAITING, AgreementState


def test_the_day_is_the_associations_day(app):
    """A document made late in the evening where the association is (Copenhagen, an hour ahead
    of UTC in winter) is dated by that day, as the page dates it, not by UTC's day before."""
    late = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        assert state_text(AgreementState(STATE_WAITING, None, late)) == (
            "Agreement waiting since Dec 8, 2026"
        )
        assert state_text(AgreementState(STATE_ACCEPTED, None, late)) == (
            "Agreement accepted on Dec 8, 2026"
        )
        early = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
        assert state_text(AgreementState(STATE_WAITING, None, early)) == (
            "Agreement waiting since Dec 7, 2026"
        )
