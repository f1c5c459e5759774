"""Issuing a run, a single invoice or a settlement asks first, on a page that says how many
documents get which numbers, for how much, and who is mailed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing import runs, settlement
from consortium.invoicing.models import Invoice, InvoiceRun, ProductSettlement
from consortium.invoicing.services import association_today
from consortium.jobs.models import Job
from consortium.mail.models import OutboxMessage
from tests.confirmations import read_confirmation
from tests.conftest import login, make_user
from tests.invoicing.runs import YEAR, register


def _secretariat(client) -> None:
    make_user("sec@example.org", secretariat=True)
    db.session.commit()
    login(client, "sec@example.org")


def _nothing_sent() -> bool:
    return not db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_issuing_a_run_names_the_numbers_the_total_and_the_buyers(app, client):
    register()
    run = runs.start_run(YEAR, None)
    db.session.commit()
    _secretariat(client)
    page = client.get(f"/invoices/runs/{run.id}").get_data(as_text=True)
    assert f'href="/invoices/runs/{run.id}/issue/confirm"' in page
    assert f'action="/invoices/runs/{run.id}/issue"' not in page

    confirmation = read_confirmation(client, f"/invoices/runs/{run.id}/issue/confirm")
    year = association_today().year
    assert confirmation.title == "Issue the run?"
    assert confirmation.record == f"The invoicing run of {YEAR}"
    assert f"3 invoices are numbered {year}-00001 to {year}-00003." in confirmation.consequences
    assert any(
        text.startswith("Together they come to DKK\xa0375,000.01")
        for text in confirmation.consequences
    )
    assert any("put in the outbox to its buyer" in text for text in confirmation.consequences)
    assert confirmation.button == "Issue 3 invoices"
    assert confirmation.cancel == f"/invoices/runs/{run.id}"
    assert "This cannot be undone." in confirmation.text
    db.session.expire_all()
    assert db.session.get(InvoiceRun, run.id).status == "draft"
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert db.session.scalar(select(func.count()).where(Invoice.number.is_not(None))) == 0


def test_a_single_draft_names_its_number_amount_and_buyer(app, client):
    organisations = register()
    _secretariat(client)
    client.post(
        "/invoices/new",
        data={
            "organisation": str(organisations["odder"].id),
            "billing_identity": "",
            "period_start_on": "2027-01-01",
            "period_end_on": "2027-12-31",
        },
    )
    invoice = db.session.scalars(select(Invoice)).one()
    client.post(
        f"/invoices/{invoice.id}/lines",
        data={"description": "Entry fee OS2forms 2027", "component": "entry", "amount": "15000"},
    )
    confirmation = read_confirmation(client, f"/invoices/{invoice.id}/issue/confirm")
    year = association_today().year
    assert confirmation.title == "Issue the invoice?"
    assert confirmation.record == "Draft invoice to Odder Kommune"
    assert confirmation.consequences[0] == (
        f"The invoice is numbered {year}-00001 and asks for DKK\xa015,000.00."
    )
    assert any("put in the outbox to Odder Kommune" in text for text in confirmation.consequences)
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).number is None
    assert _nothing_sent()
    page = client.post(confirmation.action, follow_redirects=True)
    assert f"Invoice {year}-00001 has been issued" in page.get_data(as_text=True)


def test_a_draft_of_a_run_is_issued_with_its_run_not_alone(app, client):
    organisations = register()
    run = runs.start_run(YEAR, None)
    run_draft = next(i for i in run.invoices if i.organisation_id == organisations["odder"].id)
    db.session.commit()
    _secretariat(client)
    page = client.get(f"/invoices/{run_draft.id}/issue/confirm", follow_redirects=True)
    assert "Only a single draft with lines can be issued here." in page.get_data(as_text=True)


def test_issuing_a_settlement_counts_extra_invoices_and_credit_notes(app, client):
    town = register()
    runs.issue_run(runs.start_run(YEAR, None), None, on=date.today())
    made = settlement.draft_settlement(town["product"], YEAR, Decimal("309000.01"), None)
    db.session.commit()
    _secretariat(client)
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    page = client.get(f"/invoices/settlements/{made.id}").get_data(as_text=True)
    assert f'href="/invoices/settlements/{made.id}/issue/confirm"' in page

    confirmation = read_confirmation(client, f"/invoices/settlements/{made.id}/issue/confirm")
    assert confirmation.title == "Issue the settlement?"
    assert confirmation.record == f"The settlement of OS2forms {YEAR}"
    assert "2 organisations get an extra invoice, DKK\xa09,000.00 in all." in (
        confirmation.consequences
    )
    assert "0 organisations get a credit note, DKK\xa00.00 in all." in confirmation.consequences
    db.session.expire_all()
    assert db.session.get(ProductSettlement, made.id).is_draft
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == sent
