"""The engine pauses the cycle collector only while it computes, and always restores it."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from consortium.fees.engine import FeeYear, MembershipModel, MissingPopulation, PerResident
from tests.fees.engine.helpers import YEAR, org

PER_RESIDENT = MembershipModel(PerResident(((0, Decimal(3)),)))


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_on_again_after_a_computation():
    fees = FeeYear(YEAR, [org("a", 10_000)], currency="DKK")
    assert fees.membership_fees(PER_RESIDENT)[0].amount == Decimal("30000.00")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_on_again_after_a_refused_computation():
    fees = FeeYear(YEAR, [org("a")], currency="DKK")
    with pytest.raises(MissingPopulation):
        fees.membership_fees(PER_RESIDENT)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        FeeYear(YEAR, [org("a", 10_000)], currency="DKK").membership_fees(PER_RESIDENT)
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
