"""One organisation's expected fees, computed from what its lines depend on: the same charges as
the whole register's year gives it, and never a stale amount after a change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consortium.extensions import db
from consortium.fees import services
from consortium.fees.computation import FeeSetupError, compute_for_organisation, compute_year
from consortium.fees.member_views import expected_fees
from consortium.members import services as members
from consortium.participation import services as participation
from consortium.products.models import Product
from tests.fees.conftest import YEAR, agreement, municipality


def _product(slug: str, status: str = "product") -> Product:
    product = Product(slug=slug, name=slug.capitalize(), status=status)
    db.session.add(product)
    db.session.flush()
    return product


def _budget(product: Product, amount: str):
    return services.save_budget(product, YEAR, [{"purpose": "development", "amount": amount}])


@pytest.fixture
def register(app):
    """Four members; a split budget approved, a split budget in draft, a tier table with an
    entry fee for newcomers (its first year taken from the first participation) and a product
    still funded by commitments."""
    towns = {
        "aarhus": municipality("Aarhus Kommune", 70_000),
        "odder": municipality("Odder Kommune", 20_000),
        "skanderborg": municipality("Skanderborg Kommune", 30_000),
        "vejle": municipality("Vejle Kommune", 120_000, member_from=date(YEAR, 9, 1)),
    }
    services.save_schedule(
        YEAR,
        rule={"type": "per_resident", "brackets": [[0, "1.50"], [50_000, "1.25"]]},
        by_kind={},
        part_year_method="half_year_after_1_july",
    )
    approved, draft = _product("approved"), _product("draft")
    table, pledged = _product("table"), _product("pledged", status="development")
    for product in (approved, draft):
        services.save_tariff(
            product, YEAR, pricing={"type": "budget_split", "method": "population"}
        )
    services.save_tariff(
        table,
        YEAR,
        pricing={
            "type": "tier_table",
            "amounts": {"small": "100", "medium": "200", "large": "300", "very_large": "400"},
        },
        entry_fee=Decimal("5000.00"),
    )
    services.save_tariff(pledged, YEAR, pricing={"type": "tier_table", "amounts": {}})
    for town in ("aarhus", "odder", "skanderborg"):
        agreement(towns[town], approved)
    agreement(towns["aarhus"], draft)
    agreement(towns["odder"], draft, starts_on=date(YEAR, 3, 1))
    agreement(towns["odder"], table, starts_on=date(2019, 1, 1))
    agreement(towns["aarhus"], table, starts_on=date(YEAR, 2, 1))
    participation.create_participation(
        towns["skanderborg"],
        pledged,
        phase="commitment",
        starts_on=date(YEAR, 1, 1),
        amount_per_year=Decimal("12000.00"),
    )
    services.approve_budget(_budget(approved, "300000.00"), None)
    _budget(draft, "100000.00")
    db.session.commit()
    return towns | {"approved": approved, "draft": draft, "table": table}


def test_every_organisation_is_charged_as_the_whole_year_charges_it(register):
    year = compute_year(YEAR)
    for name in ("aarhus", "odder", "skanderborg", "vejle"):
        organisation = register[name]
        alone = compute_for_organisation(YEAR, organisation.id)
        assert alone.charges == year.for_organisation(organisation.id), name
    kinds = {charge.kind for charge in year.charges}
    assert kinds == {"membership", "product_share", "product_tariff", "commitment", "entry_fee"}


def test_an_approved_share_is_the_one_recorded(register):
    """A new population after the approval leaves the approved share as recorded."""
    aarhus = register["aarhus"]
    before = _share(aarhus, "approved")
    members.set_population(register["odder"], YEAR - 1, 90_000, "correction")
    db.session.commit()
    assert _share(aarhus, "approved") == before
    assert (
        compute_year(YEAR).for_organisation(aarhus.id)
        == compute_for_organisation(YEAR, aarhus.id).charges
    )


def _share(organisation, product_slug: str) -> Decimal:
    result = compute_for_organisation(YEAR, organisation.id)
    return sum(
        (charge.amount for charge in result.charges if charge.product_key == product_slug),
        Decimal("0.00"),
    )


def _expected(app, organisation) -> dict[str, Decimal]:
    """The expected fees page's amounts of the year, by line."""
    with app.test_request_context():
        fees = expected_fees(organisation, YEAR)
    return {line.label: fees.amount(line, YEAR) for line in fees.lines}


def test_approving_a_budget_changes_the_expected_fees_at_once(app, register):
    aarhus, draft = register["aarhus"], register["draft"]
    before = _expected(app, aarhus)["Draft"]
    budget = _budget(draft, "150000.00")
    services.approve_budget(budget, None)
    db.session.commit()
    after = _expected(app, aarhus)["Draft"]
    assert after > before
    recorded = next(share for share in budget.shares if share.organisation_id == aarhus.id)
    assert after == recorded.amount


def test_a_new_population_changes_the_expected_fees_at_once(app, register):
    aarhus, odder = register["aarhus"], register["odder"]
    before = _expected(app, aarhus)
    members.set_population(odder, YEAR - 1, 60_000, "correction")
    members.set_population(aarhus, YEAR - 1, 80_000, "correction")
    db.session.commit()
    after = _expected(app, aarhus)
    # Aarhus's own membership fee per resident, and its share of the draft budget that Odder's
    # larger population now takes more of.
    assert after["Membership fee"] > before["Membership fee"]
    assert after["Draft"] < before["Draft"]


def test_a_new_participation_changes_the_expected_fees_at_once(app, register):
    aarhus, skanderborg = register["aarhus"], register["skanderborg"]
    before = _expected(app, aarhus)
    assert "Draft" not in _expected(app, skanderborg)
    agreement(skanderborg, register["draft"], starts_on=date(YEAR, 1, 1))
    db.session.commit()
    assert _expected(app, aarhus)["Draft"] < before["Draft"]
    assert _expected(app, skanderborg)["Draft"] > 0


def test_a_missing_population_of_another_member_leaves_a_share_that_does_not_depend_on_it(
    app, register
):
    """A member without a population stops the whole year's computation, but not the expected
    fees of an organisation whose lines do not depend on it."""
    odder = register["odder"]
    before = _expected(app, odder)
    stranger = members.create_organisation(
        name="Unknown Kommune", kind="municipality", country="DK"
    )
    members.change_membership(stranger, "active", date(2012, 1, 1))
    db.session.commit()
    assert _expected(app, odder) == before
    with pytest.raises(FeeSetupError, match="Unknown Kommune"):
        compute_year(YEAR)
