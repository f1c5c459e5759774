"""The budget methods against an independent implementation, pabutools, on many random rounds.

Weighted organisations are voters with integer multiplicity (a weight of 3 is three voters
with the same ballot), as the method of equal shares says an organisation of weight w pays as
w voters of weight 1. Project names are zero-padded item ids, so pabutools' lexicographic
tie-breaking is the counting's "lower item id". An item nobody approved is never funded by the
counting; it is left out of the pabutools instance, which would fund it by greedy welfare.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from consortium.backlog.counting import count_budget_greedy, count_equal_shares


def random_round(rng: random.Random):
    items = list(range(1, rng.randint(1, 9) + 1))
    costs = {
        item: Decimal(rng.choice([rng.randint(1, 20) * 5, rng.randint(1, 100)])) for item in items
    }
    if rng.random() < 0.3:  # cents
        costs = {item: cost + Decimal(rng.randint(0, 99)) / 100 for item, cost in costs.items()}
    organisations = [f"org{n}" for n in range(rng.randint(1, 8))]
    ballots = {
        organisation: {item: 1 for item in items if rng.random() < rng.choice([0.2, 0.4, 0.7])}
        for organisation in organisations
    }
    weights = {organisation: rng.randint(1, 4) for organisation in organisations}
    if rng.random() < 0.3:
        weights = dict.fromkeys(organisations, 1)
    total = sum(costs.values())
    budget = (total * Decimal(rng.choice([10, 25, 40, 60, 100]))) / 100
    budget = budget.quantize(Decimal("0.01"))
    return ballots, weights, costs, budget


def pabutools_round(ballots, weights, costs, budget):
    # Exact numbers (pabutools computes with gmpy2 fractions, which take no Decimal).
    approved = {item for ballot in ballots.values() for item, value in ballot.items() if value}
    projects = {item: Project(f"{item:06d}", Fraction(costs[item])) for item in sorted(approved)}
    instance = Instance(projects.values(), budget_limit=Fraction(budget))
    profile = ApprovalProfile(instance=instance)
    for organisation, ballot in ballots.items():
        for _copy in range(weights[organisation]):
            profile.append(
                ApprovalBallot(projects[item] for item, value in ballot.items() if value)
            )
    return instance, profile


def funded(outcome) -> set[int]:
    return {int(project.name) for project in outcome}


@pytest.mark.parametrize("seed", range(300))
def test_equal_shares_funds_what_pabutools_funds(seed):
    ballots, weights, costs, budget = random_round(random.Random(seed))
    instance, profile = pabutools_round(ballots, weights, costs, budget)
    expected = funded(method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    result = count_equal_shares(ballots, costs=costs, budget=budget, weights=weights)
    assert set(result.funded) == expected
    assert result.spent == sum((costs[item] for item in expected), Decimal(0))
    assert result.left == budget - result.spent


@pytest.mark.parametrize("seed", range(300))
def test_greedy_funds_what_pabutools_funds(seed):
    ballots, weights, costs, budget = random_round(random.Random(seed))
    instance, profile = pabutools_round(ballots, weights, costs, budget)
    # With cost utilities, satisfaction per unit of cost is the (weighted) approval count.
    expected = funded(greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat))
    result = count_budget_greedy(ballots, costs=costs, budget=budget, weights=weights)
    assert set(result.funded) == expected
    assert result.left == budget - sum((costs[item] for item in expected), Decimal(0))


def test_the_random_rounds_are_not_trivial():
    # Some rounds fund part of what is approved, and the two methods disagree on some.
    partly = differ = 0
    for seed in range(300):
        ballots, weights, costs, budget = random_round(random.Random(seed))
        shares = count_equal_shares(ballots, costs=costs, budget=budget, weights=weights)
        greedy = count_budget_greedy(ballots, costs=costs, budget=budget, weights=weights)
        approved = {item for ballot in ballots.values() for item in ballot}
        partly += 0 < len(shares.funded) < len(approved)
        differ += set(shares.funded) != set(greedy.funded)
    assert partly > 50
    assert differ > 20
