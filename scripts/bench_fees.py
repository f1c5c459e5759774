"""Time the fee engine: the membership fee and 50 product splits, for 1,000 and 10,000 organisations.

Every organisation has an agreement on every product (a tenth of them joined on 1 September),
so one run computes 50 x N shares. Run with `make bench`.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from decimal import Decimal

from consortium.fees.engine import (
    BY_POPULATION,
    BY_TIER_WEIGHTS,
    DAYS,
    EQUAL,
    EQUAL_PART_AND_POPULATION,
    HALF_YEAR_AFTER_1_JULY,
    REGION,
    STATE_AGENCY,
    WHOLE_MONTHS,
    BudgetSplit,
    Exempt,
    FeePayer,
    FeeYear,
    Flat,
    MembershipModel,
    ParticipationTerm,
    PartYearRule,
    PerResident,
    TariffRule,
    TierBands,
)

YEAR = 2027
PRODUCTS = 50
REPEAT = 3
BANDS = TierBands(
    2020, ((0, "small"), (25_000, "medium"), (60_000, "large"), (120_000, "very_large"))
)
MODEL = MembershipModel(
    PerResident(((0, Decimal(3)), (10_000, Decimal(2)), (100_001, Decimal(1)))),
    minimum=Decimal(5_000),
    maximum=Decimal(400_000),
    by_kind={REGION: Flat(Decimal(49_000)), STATE_AGENCY: Exempt()},
    part_year=PartYearRule(HALF_YEAR_AFTER_1_JULY),
)
METHODS = (EQUAL, BY_POPULATION, BY_TIER_WEIGHTS, EQUAL_PART_AND_POPULATION)
PART_YEARS = (
    PartYearRule(HALF_YEAR_AFTER_1_JULY),
    PartYearRule(WHOLE_MONTHS),
    PartYearRule(DAYS, refunds=True),
)
TIER_WEIGHTS = {"small": 1, "medium": 2, "large": 3, "very_large": 5}


def organisations(count: int) -> list[FeePayer]:
    result = []
    for number in range(count):
        kind = REGION if number % 97 == 0 else "municipality"
        population = 1_000 + (number * 7_919) % 400_000
        joined = date(YEAR, 9, 1) if number % 10 == 0 else date(2019, 1, 1)
        result.append(
            FeePayer(
                f"org-{number:05d}",
                f"FeePayer {number}",
                kind,
                populations={YEAR - 1: population, YEAR - 2: population - 100},
                member_from=joined,
            )
        )
    return result


def participations(orgs: list[FeePayer]) -> list[ParticipationTerm]:
    return [
        ParticipationTerm(
            organisation.key, f"product-{product:02d}", "agreement", organisation.member_from
        )
        for product in range(PRODUCTS)
        for organisation in orgs
    ]


def tariffs() -> list[TariffRule]:
    result = []
    for product in range(PRODUCTS):
        method = METHODS[product % len(METHODS)]
        capped = product % 5 == 0
        split = BudgetSplit(
            Decimal(1_000_000 + product * 12_345) + Decimal("0.07"),
            method,
            tier_weights=TIER_WEIGHTS if method == BY_TIER_WEIGHTS else {},
            equal_percentage=Decimal(30) if method == EQUAL_PART_AND_POPULATION else None,
            minimum=Decimal(20) if capped else None,
            maximum=Decimal(2_000) if capped else None,
        )
        result.append(
            TariffRule(
                f"product-{product:02d}",
                split,
                part_year=PART_YEARS[product % len(PART_YEARS)],
                first_year=2019,
                entry_fee=Decimal(500),
            )
        )
    return result


def run(count: int) -> tuple[float, float, float, int]:
    """Index the year, then compute; (indexing s, computing s, computing CPU s, charges)."""
    orgs = organisations(count)
    links = participations(orgs)
    products = tariffs()
    start = time.perf_counter()
    fees = FeeYear(YEAR, orgs, links, currency="DKK", tier_bands=[BANDS])
    indexed, cpu = time.perf_counter(), time.process_time()
    charges = list(fees.membership_fees(MODEL))
    results = fees.products_charges(products)
    for result in results:
        charges.extend(result.charges)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    for tariff, result in zip(products, results, strict=True):
        shares = sum(
            charge.amount_minor for charge in result.charges if charge.kind == "product_share"
        )
        if shares != result.budget_minor:
            raise SystemExit(f"{tariff.product_key}: shares do not add up to the budget")
    return indexed - start, done - indexed, cpu, len(charges)


def main() -> int:
    figures = {}
    for count in (1_000, 10_000):
        # The best of a few runs, as timeit does: the others also measure the machine's other
        # work. CPU time is this process's only; wall time suffers when other work competes.
        runs = [run(count) for _ in range(REPEAT)]
        index_time = min(figures[0] for figures in runs)
        wall = min(figures[1] for figures in runs)
        cpu = min(figures[2] for figures in runs)
        figures[count] = (wall, cpu)
        print(
            f"{count:>6} organisations x {PRODUCTS} splits, {runs[0][3]:,} charges: "
            f"computing {wall:.3f} s ({cpu:.3f} s CPU), indexing the year {index_time:.3f} s "
            f"(best of {REPEAT})"
        )
    wall_ratio = figures[10_000][0] / figures[1_000][0]
    cpu_ratio = figures[10_000][1] / figures[1_000][1]
    print(f"10,000 / 1,000: {wall_ratio:.1f} ({cpu_ratio:.1f} CPU); 10 is linear")
    verdict = "under" if figures[10_000][0] < 1 else "OVER"
    print(f"10,000 organisations x {PRODUCTS} splits: {verdict} the 1 second goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
