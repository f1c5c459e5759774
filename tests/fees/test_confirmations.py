"""Approving and freezing a budget ask first, on a page that says what will happen."""

from __future__ import annotations

from consortium.extensions import db
from consortium.fees import queries, services
from tests.confirmations import read_confirmation
from tests.fees.conftest import YEAR

URL = f"/fees/products/os2forms/{YEAR}"


def test_the_budget_page_leads_to_the_approval_page(secretariat_client, budget):
    page = secretariat_client.get(URL).get_data(as_text=True)
    assert f'href="{URL}/budget/approve/confirm"' in page
    assert f'action="{URL}/budget/approve"' not in page


def test_approving_asks_first_with_the_amount_and_the_shares(secretariat_client, budget, towns):
    confirmation = read_confirmation(secretariat_client, f"{URL}/budget/approve/confirm")
    assert confirmation.title == "Approve the budget?"
    assert confirmation.record == f"The budget of OS2forms for {YEAR}"
    assert "The budget of DKK\xa0300,000.01 is approved." in confirmation.consequences
    assert any(
        "shares of 2 participants are recorded" in text and "DKK\xa0300,000.01 together" in text
        for text in confirmation.consequences
    )
    assert confirmation.action == f"{URL}/budget/approve"
    assert confirmation.cancel == URL
    # Looking changed nothing.
    db.session.expire_all()
    found = queries.budget_for(budget.product_id, YEAR)
    assert found.status == "draft" and not found.shares


def test_freezing_asks_first_and_says_it_cannot_be_undone(secretariat_client, budget, towns):
    services.approve_budget(budget, None)
    db.session.commit()
    confirmation = read_confirmation(secretariat_client, f"{URL}/budget/freeze/confirm")
    assert confirmation.title == "Freeze the budget?"
    assert confirmation.record == f"The budget of OS2forms for {YEAR}"
    assert any(
        "2 recorded shares" in text and "never change" in text for text in confirmation.consequences
    )
    assert "This cannot be undone." in confirmation.text
    db.session.expire_all()
    assert queries.budget_for(budget.product_id, YEAR).status == "approved"
    # The form does what it says.
    assert secretariat_client.post(confirmation.action).status_code == 302
    db.session.expire_all()
    assert queries.budget_for(budget.product_id, YEAR).status == "frozen"


def test_a_budget_already_approved_is_not_asked_again(secretariat_client, budget, towns):
    services.approve_budget(budget, None)
    db.session.commit()
    response = secretariat_client.get(f"{URL}/budget/approve/confirm", follow_redirects=True)
    assert "This budget has been approved already." in response.get_data(as_text=True)


def test_without_a_budget_there_is_nothing_to_confirm(secretariat_client, product):
    response = secretariat_client.get(f"{URL}/budget/freeze/confirm", follow_redirects=True)
    assert "There is no budget for this year yet." in response.get_data(as_text=True)
