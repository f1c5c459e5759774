"""Splitting a product's year-end difference over the recorded shares of its budget: the parts
add up to the difference to the cent, positive or negative, the leftover cents go by largest
remainder, and a part that rounds to zero is zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.invoicing.settlement_split import NothingToSplitBy, split_difference


def amounts(difference: str, *shares: str) -> list[Decimal]:
    parts = split_difference(
        Decimal(difference),
        [(key, Decimal(share)) for key, share in enumerate(shares, start=1)],
        "DKK",
    )
    return [part.amount for part in parts]


@pytest.mark.parametrize(
    ("difference", "shares", "expected"),
    [
        # An overspend split by the shares 7 : 2 of the budget.
        ("9000.00", ("233333.34", "66666.67"), ("7000.00", "2000.00")),
        # The same underspend is credited by the same proportion.
        ("-9000.00", ("233333.34", "66666.67"), ("-7000.00", "-2000.00")),
        # A third each: the leftover cent goes to the first of the equal remainders.
        ("100.00", ("1000.00", "1000.00", "1000.00"), ("33.34", "33.33", "33.33")),
        ("-100.00", ("1000.00", "1000.00", "1000.00"), ("-33.34", "-33.33", "-33.33")),
        # One cent over three shares: one pays it, the others get nothing.
        ("0.01", ("1000.00", "1000.00", "1000.00"), ("0.01", "0.00", "0.00")),
        ("-0.01", ("1000.00", "1000.00", "1000.00"), ("-0.01", "0.00", "0.00")),
        # Largest remainder by the shares, not by the order: 0.02 over 1 : 3 : 6 is
        # 0.002, 0.006 and 0.012; the largest remainders (0.8 and 0.6 of a cent) get a cent.
        ("0.02", ("100.00", "300.00", "600.00"), ("0.00", "0.01", "0.01")),
        # Nothing to settle.
        ("0.00", ("100.00", "200.00"), ("0.00", "0.00")),
    ],
)
def test_the_parts_follow_the_shares_and_add_up_to_the_difference(difference, shares, expected):
    parts = amounts(difference, *shares)
    assert parts == [Decimal(amount) for amount in expected]
    assert sum(parts, Decimal("0")) == Decimal(difference)


def test_each_part_says_its_share_of_the_budget_in_percent_and_its_rounding():
    parts = split_difference(
        Decimal("100.00"),
        [(3, Decimal("1000.00")), (1, Decimal("1000.00")), (2, Decimal("1000.00"))],
        "DKK",
    )
    assert [part.key for part in parts] == [1, 2, 3]  # in the order of the keys
    assert [part.percent for part in parts] == [Decimal("33.3333")] * 3
    assert [part.rounding_adjustment for part in parts] == [
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert [part.budget_share for part in parts] == [Decimal("1000.00")] * 3
    assert parts[0].is_extra and not parts[0].is_credit


def test_a_share_of_zero_gets_nothing_and_no_shares_cannot_be_split():
    assert amounts("50.00", "0.00", "300.00") == [Decimal("0.00"), Decimal("50.00")]
    with pytest.raises(NothingToSplitBy):
        amounts("50.00", "0.00")
    with pytest.raises(NothingToSplitBy):
        amounts("50.00")
    with pytest.raises(ValueError, match="negative"):
        amounts("50.00", "-10.00", "20.00")


@given(
    difference=st.integers(min_value=-(10**11), max_value=10**11),
    shares=st.lists(st.integers(min_value=0, max_value=10**11), min_size=1, max_size=30),
)
def test_any_difference_splits_exactly_into_parts_of_its_sign(difference, shares):
    if not any(shares):
        shares = [*shares, 1]
    parts = split_difference(
        Decimal(difference).scaleb(-2),
        [(key, Decimal(share).scaleb(-2)) for key, share in enumerate(shares)],
        "DKK",
    )
    total = sum((part.amount for part in parts), Decimal("0"))
    assert total == Decimal(difference).scaleb(-2)
    assert all(part.amount * difference >= 0 for part in parts)
    # Nobody is more than a cent away from the exact proportion.
    weight = sum(shares)
    for part, share in zip(parts, shares, strict=True):
        exact = Decimal(difference) * share / weight / 100
        assert abs(part.amount - exact) < Decimal("0.01")
