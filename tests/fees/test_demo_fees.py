"""The demo association's fees load through the services and the preview shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from consortium.extensions import db
from consortium.fees import computation, queries
from consortium.fees.models import ProductBudget
from tests.conftest import login

THIS_YEAR = date.today().year


def test_schedules_for_this_year_and_next(demo_app):
    with demo_app.app_context():
        assert queries.schedule_for(THIS_YEAR).rule == {"type": "flat", "amount": "25000.00"}
        next_year = queries.schedule_for(THIS_YEAR + 1)
        assert next_year.rule["type"] == "indexed"
        fees = computation.compute_year(THIS_YEAR + 1).membership
        assert Decimal("25800.00") in {charge.amount for charge in fees}


def test_budgets_approved_this_year_and_draft_next_year(demo_app):
    with demo_app.app_context():
        budgets = db.session.scalars(select(ProductBudget)).all()
        this_year = [budget for budget in budgets if budget.year == THIS_YEAR]
        assert this_year and all(budget.status == "approved" for budget in this_year)
        split = [
            budget
            for budget in this_year
            if queries.tariff_for(budget.product_id, THIS_YEAR).pricing["type"] == "budget_split"
        ]
        assert split and all(budget.shares for budget in split)
        assert all(b.status == "draft" for b in budgets if b.year == THIS_YEAR + 1)
        for budget in split:
            assert sum(share.amount for share in budget.shares) == budget.amount
        tariffs = queries.tariffs_for(THIS_YEAR)
        assert {tariff.pricing["type"] for tariff in tariffs} == {"tier_table", "budget_split"}


def test_the_preview_of_the_demo(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        from consortium.demo import DEMO_LOGINS

        secretariat = next(entry for entry in DEMO_LOGINS if entry.role == "secretariat")
    assert login(client, secretariat.email, secretariat.password).status_code == 302
    # How fast this page is, is measured by `make bench` (scripts/bench_pages.py).
    response = client.get(f"/fees/preview?year={THIS_YEAR}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "cannot be computed" not in page
    assert "Share of the budget" in page
    assert client.get(f"/fees/preview?year={THIS_YEAR + 1}").status_code == 200
    assert client.get("/fees/").status_code == 200
