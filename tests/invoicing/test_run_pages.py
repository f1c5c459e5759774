"""The secretariat's invoicing pages: a year's run made, reviewed against the preview, changed,
set aside, discarded and issued from the browser's forms; single invoices with lines added by
hand. Everything goes through the pages as a user's browser sends it."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.fees.models import ProductBudget
from consortium.invoicing.models import (
    RUN_DISCARDED,
    Invoice,
    InvoiceLine,
    InvoiceRun,
)
from consortium.invoicing.services import association_today
from consortium.jobs.services import run_queued
from consortium.mail.models import OutboxMessage
from tests.conftest import login, make_user
from tests.invoicing.runs import YEAR, register


def _secretariat(client) -> None:
    make_user("sec@example.org", secretariat=True)
    db.session.commit()
    login(client, "sec@example.org")


def _start(client, year=YEAR):
    return client.post("/invoices/runs", data={"year": str(year)}, follow_redirects=True)


def _run() -> InvoiceRun:
    db.session.expire_all()
    return db.session.scalars(select(InvoiceRun).order_by(InvoiceRun.id.desc())).first()


def _invoice_of(run: InvoiceRun, name: str) -> Invoice:
    return next(invoice for invoice in run.invoices if invoice.organisation.name == name)


def _text(page: str) -> str:
    """The page's words without tags and with spaces made plain, as a reader sees them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ")


def test_the_secretariat_makes_a_year_and_reviews_it_against_the_preview(app, client):
    register()
    _secretariat(client)

    form = client.get("/invoices/runs").get_data(as_text=True)
    assert "Make the drafts" in form
    page = _start(client)
    text = _text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "3 draft invoices made for 2027" in text
    assert "Invoicing run 2027" in text
    # Membership 3 × 25,000 and the budget of 300,000.01 split between Aarhus and Odder.
    assert "DKK 375,000.01" in text
    assert "Every organisation's drafts come to what the preview computes." in text
    # Skanderborg's billing identity has no EAN: it gets the PDF only, and the page says why.
    without = text[text.index("Buyers without an e-invoice") :]
    assert "Skanderborg Kommune (Økonomi)" in without
    assert "no electronic address" in without.lower()
    assert "Issue 3 invoices" in text
    run = _run()
    assert all(invoice.number is None for invoice in run.invoices)  # nothing numbered yet


def test_a_line_added_by_hand_shows_as_a_difference_from_the_preview(app, client):
    organisations = register()
    _secretariat(client)
    _start(client)
    aarhus = _invoice_of(_run(), "Aarhus Kommune")

    added = client.post(
        f"/invoices/{aarhus.id}/lines",
        data={"description": "Workshop 12 May", "component": "free", "amount": "1500.50"},
        follow_redirects=True,
    )
    assert "The line has been added." in added.get_data(as_text=True)
    line = db.session.scalars(
        select(InvoiceLine).where(InvoiceLine.description == "Workshop 12 May")
    ).one()
    assert line.net_amount == Decimal("1500.50") and line.invoice_id == aarhus.id

    review = _text(client.get(f"/invoices/runs/{aarhus.run_id}").get_data(as_text=True))
    differences = review[review.index("differ from the preview") :]
    assert "Aarhus Kommune" in differences and "DKK 1,500.50" in differences
    assert "Odder Kommune" not in differences.split("Buyers without")[0]

    removed = client.post(f"/invoices/{aarhus.id}/lines/{line.id}/remove", follow_redirects=True)
    assert "The line has been removed." in removed.get_data(as_text=True)
    review = _text(client.get(f"/invoices/runs/{aarhus.run_id}").get_data(as_text=True))
    assert "Every organisation's drafts come to what the preview computes." in review
    assert organisations["aarhus"].id == aarhus.organisation_id


def test_a_line_with_a_mistake_is_refused_with_the_field_named_and_nothing_added(app, client):
    register()
    _secretariat(client)
    _start(client)
    aarhus = _invoice_of(_run(), "Aarhus Kommune")
    lines, invoice_id = len(aarhus.lines), aarhus.id
    for amount, message in (
        ("abc", "Enter an amount such as 1500 or 1500.50"),
        ("-20", "Enter an amount above zero."),
        ("0", "Enter an amount above zero."),
        ("12.345", "decimal"),
        ("99999999999999999999", "Enter an amount below"),
    ):
        answer = client.post(
            f"/invoices/{invoice_id}/lines",
            data={"description": "Something", "component": "free", "amount": amount},
        )
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422, amount
        assert message in page, (amount, page[page.find('id="amount-error"') :][:300])
        assert "<title>Error:" in page
    answer = client.post(
        f"/invoices/{invoice_id}/lines",
        data={"description": "", "component": "nonsense", "amount": "10"},
    )
    assert answer.status_code == 422
    assert "Please fill in this field." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Invoice, invoice_id).lines) == lines


def test_a_set_aside_draft_stays_out_of_the_issue_and_the_run_is_issued_and_sent(app, client):
    organisations = register()
    _secretariat(client)
    _start(client)
    run = _run()
    skanderborg = _invoice_of(run, "Skanderborg Kommune")

    aside = client.post(
        f"/invoices/{skanderborg.id}/set-aside", data={"next": "run"}, follow_redirects=True
    )
    text = _text(aside.get_data(as_text=True))
    assert "The draft is set aside" in text
    assert "Issue 2 invoices" in text and "(and 1 set aside)" in text

    queued = client.post(f"/invoices/runs/{run.id}/issue", follow_redirects=True)
    text = _text(queued.get_data(as_text=True))
    # The request only queues the job: the page shows it waiting, and nothing is numbered yet.
    assert "The run is being issued" in text and "Waiting for the worker to start." in text
    assert 'id="run-progress"' in queued.get_data(as_text=True)
    assert "Issue 2 invoices" not in text and "Discard the drafts" not in text
    assert all(invoice.number is None for invoice in _run().invoices)

    assert run_queued() == 1  # the worker, run here in the test's own process
    issued = client.get(f"/invoices/runs/{run.id}")
    text = _text(issued.get_data(as_text=True))
    year = association_today().year
    assert f"2 invoices issued ({year}-00001 to {year}-00002)" in text
    assert 'id="run-progress"' not in issued.get_data(as_text=True)
    run = _run()
    assert run.status == "issued"
    numbers = {invoice.organisation.name: invoice.number for invoice in run.invoices}
    assert numbers == {
        "Aarhus Kommune": f"{year}-00001",
        "Odder Kommune": f"{year}-00002",
        "Skanderborg Kommune": None,
    }
    assert {invoice.status for invoice in run.invoices if invoice.number} == {"sent"}
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2
    assert db.session.get(ProductBudget, organisations["budget"].id).status == "frozen"
    # An issued run offers no issue or discard any more, and says so by its status.
    assert "Issue 2 invoices" not in text and "Discard the drafts" not in text
    again = client.post(f"/invoices/runs/{run.id}/issue", follow_redirects=True)
    assert "This invoicing run is not a draft any more." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_discarding_a_run_deletes_its_drafts_and_the_year_can_be_made_again(app, client):
    register()
    _secretariat(client)
    _start(client)
    first = _run()
    again = _text(_start(client).get_data(as_text=True))
    assert "The year 2027 already has an invoicing run" in again

    answer = client.post(f"/invoices/runs/{first.id}/discard", follow_redirects=True)
    assert "The drafts of 2027 have been discarded" in answer.get_data(as_text=True)
    assert db.session.get(InvoiceRun, first.id).status == RUN_DISCARDED
    assert db.session.scalar(select(func.count(Invoice.id))) == 0
    assert "3 draft invoices made for 2027" in _text(_start(client).get_data(as_text=True))


def test_a_draft_budget_stops_the_run_with_the_product_named(app, client):
    register(budget_status="draft")
    _secretariat(client)
    text = _text(_start(client).get_data(as_text=True))
    assert "The budget 2027 of OS2forms is a draft" in text
    assert db.session.scalar(select(func.count(InvoiceRun.id))) == 0


def test_a_year_out_of_range_is_refused_on_the_form(app, client):
    _secretariat(client)
    for year in ("1200", "99999999999999", "abc"):
        page = client.post("/invoices/runs", data={"year": year}).get_data(as_text=True)
        assert 'id="year-error"' in page, year
    assert db.session.scalar(select(func.count(InvoiceRun.id))) == 0


def test_a_single_invoice_with_free_lines_is_made_issued_and_sent(app, client):
    organisations = register()
    _secretariat(client)
    odder = organisations["odder"]
    made = client.post(
        "/invoices/new",
        data={
            "organisation": str(odder.id),
            "billing_identity": "",
            "period_start_on": "2027-01-01",
            "period_end_on": "2027-12-31",
        },
        follow_redirects=True,
    )
    assert "The draft has been made." in made.get_data(as_text=True)
    invoice = db.session.scalars(select(Invoice)).one()
    assert invoice.run_id is None and invoice.billing_identity.name == "Økonomi"

    client.post(
        f"/invoices/{invoice.id}/lines",
        data={"description": "Entry fee OS2forms 2027", "component": "entry", "amount": "15000"},
    )
    page = client.post(f"/invoices/{invoice.id}/issue", follow_redirects=True)
    year = association_today().year
    assert f"Invoice {year}-00001 has been issued" in page.get_data(as_text=True)
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.status == "sent" and invoice.net_total == Decimal("15000.00")
    assert invoice.pdf and invoice.ubl  # Odder has an EAN: it gets the e-invoice too
    outbox = db.session.scalars(select(OutboxMessage)).one()
    assert outbox.recipient == "faktura@odder.example.dk"

    # The next single invoice takes the next number of the same series.
    client.post("/invoices/new", data={"organisation": str(odder.id)})
    second = db.session.scalars(select(Invoice).where(Invoice.id != invoice.id)).one()
    client.post(
        f"/invoices/{second.id}/lines",
        data={"description": "Contribution", "component": "free", "amount": "100"},
    )
    client.post(f"/invoices/{second.id}/issue")
    db.session.expire_all()
    assert db.session.get(Invoice, second.id).number == f"{year}-00002"


def test_a_single_draft_can_be_deleted_but_a_run_draft_and_an_issued_invoice_cannot(app, client):
    organisations = register()
    _secretariat(client)
    client.post("/invoices/new", data={"organisation": str(organisations["aarhus"].id)})
    single = db.session.scalars(select(Invoice)).one()
    answer = client.post(f"/invoices/{single.id}/delete", follow_redirects=True)
    assert "The draft has been deleted." in answer.get_data(as_text=True)
    assert db.session.get(Invoice, single.id) is None

    _start(client)
    run_draft = _invoice_of(_run(), "Odder Kommune")
    answer = client.post(f"/invoices/{run_draft.id}/delete", follow_redirects=True)
    assert "Only a draft outside a yearly run can be deleted" in answer.get_data(as_text=True)
    answer = client.post(f"/invoices/{run_draft.id}/issue", follow_redirects=True)
    assert "A draft of a yearly run is issued with its run." in answer.get_data(as_text=True)
    assert db.session.get(Invoice, run_draft.id).number is None


def test_an_identity_of_another_organisation_is_refused_on_the_new_invoice_form(app, client):
    organisations = register()
    _secretariat(client)
    odder_identity = organisations["odder"].billing_identities[0]
    page = client.post(
        "/invoices/new",
        data={
            "organisation": str(organisations["aarhus"].id),
            "billing_identity": str(odder_identity.id),
        },
    ).get_data(as_text=True)
    assert "This billing identity belongs to another organisation" in page
    page = client.post(
        "/invoices/new",
        data={
            "organisation": str(organisations["aarhus"].id),
            "period_start_on": "2027-12-31",
            "period_end_on": "2027-01-01",
        },
    ).get_data(as_text=True)
    assert "The period cannot end before it starts." in page
    assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_an_issued_invoice_offers_no_change_and_refuses_one_sent_anyway(app, client):
    organisations = register()
    _secretariat(client)
    client.post("/invoices/new", data={"organisation": str(organisations["aarhus"].id)})
    invoice = db.session.scalars(select(Invoice)).one()
    client.post(
        f"/invoices/{invoice.id}/lines",
        data={"description": "Contribution", "component": "free", "amount": "100"},
    )
    client.post(f"/invoices/{invoice.id}/issue")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Add a line" not in page and "Remove" not in page
    line = db.session.scalars(select(InvoiceLine)).one()
    answer = client.post(
        f"/invoices/{invoice.id}/lines",
        data={"description": "More", "component": "free", "amount": "100"},
        follow_redirects=True,
    )
    assert "an issued invoice never changes" in answer.get_data(as_text=True)
    answer = client.post(f"/invoices/{invoice.id}/lines/{line.id}/remove", follow_redirects=True)
    assert "an issued invoice never changes" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert [line.description for line in db.session.get(Invoice, invoice.id).lines] == [
        "Contribution"
    ]


def test_the_secretariats_queue_counts_the_drafts_and_leads_to_their_run(app, client):
    register()
    _secretariat(client)
    _start(client)
    run = _run()
    home = client.get("/").get_data(as_text=True)
    entry = re.search(
        r'<span class="queue-count">(\d+)</span> <a href="([^"]+)">Draft invoices to issue</a>',
        home,
    )
    assert entry, "the queue does not list the drafts"
    assert entry.groups() == ("3", f"/invoices/runs/{run.id}")
