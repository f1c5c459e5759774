"""The secretariat credits an issued invoice from its page: part of a line, or everything that
is left; a draft credit note is made, checked and issued, and the invoice's balance follows."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.invoicing.models import CREDIT_NOTE, Invoice
from consortium.invoicing.services import association_today
from consortium.mail.models import OutboxMessage
from tests.conftest import login, make_user
from tests.invoicing.factories import buyer, draft
from tests.invoicing.test_pages import issued


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ")


def _invoice(client):
    aarhus = buyer("Aarhus Kommune")
    invoice = issued(aarhus, "25000.00", "1000.00", on=date(2026, 2, 1))
    ids = (invoice.id, [line.id for line in invoice.lines], invoice.number)
    db.session.commit()
    make_user("sec@example.org", secretariat=True)
    login(client, "sec@example.org")
    return ids


def _credit_notes() -> list[Invoice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invoice).where(Invoice.series == CREDIT_NOTE)))


def test_part_of_a_line_is_credited_checked_and_issued(app, client):
    invoice_id, (first, second), number = _invoice(client)
    page = _text(client.get(f"/invoices/{invoice_id}").get_data(as_text=True))
    assert "Credit this invoice, whole or in part" in page

    form = _text(client.get(f"/invoices/{invoice_id}/credit").get_data(as_text=True))
    assert f"Credit invoice {number}" in form and "DKK 25,000.00" in form
    made = client.post(
        f"/invoices/{invoice_id}/credit", data={f"line_{first}": "5000.50"}, follow_redirects=True
    )
    text = _text(made.get_data(as_text=True))
    assert "The draft credit note has been made." in text
    (draft,) = _credit_notes()
    assert draft.number is None and draft.credited_invoice_id == invoice_id
    assert [(line.net_amount, line.credited_line_id) for line in draft.lines] == [
        (Decimal("5000.50"), first)
    ]
    # In the buyer's language (Aarhus reads Danish).
    assert f"Del af linje 1 på faktura {number}" in draft.lines[0].description
    assert "Add a line" not in text  # a credit note takes only the invoice's lines
    assert "Issue and send the credit note" in text

    answer = client.post(f"/invoices/{draft.id}/issue", follow_redirects=True)
    year = association_today().year
    assert f"Invoice CN-{year}-00001 has been issued" in answer.get_data(as_text=True) or (
        f"CN-{year}-00001" in answer.get_data(as_text=True)
    )
    (credit_note,) = _credit_notes()
    assert credit_note.number == f"CN-{year}-00001" and credit_note.status == "sent"
    pdf = PdfReader(io.BytesIO(credit_note.pdf)).pages[0].extract_text()
    assert "Kreditnota" in pdf and number in pdf
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1

    page = _text(client.get(f"/invoices/{invoice_id}").get_data(as_text=True))
    balance = page[page.index("Balance") :][:60]
    assert "DKK 20,999.50" in balance  # 26,000.00 less 5,000.50 credited


def test_everything_left_is_credited_in_one_credit_note(app, client):
    invoice_id, (first, second), number = _invoice(client)
    client.post(f"/invoices/{invoice_id}/credit", data={f"line_{first}": "5000"})
    (partial,) = _credit_notes()
    client.post(f"/invoices/{partial.id}/issue")

    client.post(f"/invoices/{invoice_id}/credit", data={"everything": "1"})
    rest = next(note for note in _credit_notes() if note.number is None)
    assert [(line.credited_line_id, line.net_amount) for line in rest.lines] == [
        (first, Decimal("20000.00")),
        (second, Decimal("1000.00")),
    ]
    # The untouched line is copied whole, with its own words.
    assert rest.lines[1].description == "Line 2"
    client.post(f"/invoices/{rest.id}/issue")
    db.session.expire_all()
    assert db.session.get(Invoice, invoice_id).status == "credited"
    form = _text(client.get(f"/invoices/{invoice_id}/credit").get_data(as_text=True))
    assert "Every line of this invoice has been credited already." in form


def test_mistakes_are_named_on_the_line_and_nothing_is_credited(app, client):
    invoice_id, (first, second), _number = _invoice(client)
    for data, message in (
        ({f"line_{second}": "1000.01"}, "Only DKK 1,000.00 is left to credit of this line."),
        ({f"line_{first}": "abc"}, "Enter an amount such as 1500 or 1500.50"),
        ({f"line_{first}": "-5"}, "Enter an amount above zero, or leave the field empty."),
        ({f"line_{first}": "1.005"}, "Use at most 2 decimals."),
        ({f"line_{first}": "", f"line_{second}": ""}, "Type the amount to credit of at least"),
        ({f"line_{first}": "\x00"}, "control character"),
    ):
        answer = client.post(f"/invoices/{invoice_id}/credit", data=data)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422, data
        assert message in _text(page), (data, _text(page)[-800:])
        assert "<title>Error:" in page
    assert _credit_notes() == []


def test_a_line_on_a_draft_credit_note_counts_until_the_draft_is_deleted(app, client):
    invoice_id, (first, second), _number = _invoice(client)
    client.post(f"/invoices/{invoice_id}/credit", data={f"line_{second}": "1000"})
    draft_id = _credit_notes()[0].id
    answer = client.post(f"/invoices/{invoice_id}/credit", data={f"line_{second}": "1"})
    assert answer.status_code == 422
    text = _text(answer.get_data(as_text=True))
    assert "Credited in full" in text and "Only DKK 0.00 is left to credit of this line." in text
    deleted = client.post(f"/invoices/{draft_id}/delete", follow_redirects=True)
    assert "The draft has been deleted." in deleted.get_data(as_text=True)
    client.post(f"/invoices/{invoice_id}/credit", data={f"line_{second}": "1000"})
    assert [note.lines[0].net_amount for note in _credit_notes()] == [Decimal("1000.00")]


def test_drafts_and_credit_notes_cannot_be_credited_and_credit_notes_take_no_free_line(app, client):
    invoice_id, (first, _second), _number = _invoice(client)
    organisation = db.session.get(Invoice, invoice_id).organisation
    waiting_id = draft(organisation, "10.00").id
    db.session.commit()
    answer = client.get(f"/invoices/{waiting_id}/credit", follow_redirects=True)
    assert "Only an issued invoice can be credited" in answer.get_data(as_text=True)

    client.post(f"/invoices/{invoice_id}/credit", data={f"line_{first}": "10"})
    (credit_draft,) = _credit_notes()
    answer = client.post(
        f"/invoices/{credit_draft.id}/lines",
        data={"description": "Extra", "component": "free", "amount": "5"},
        follow_redirects=True,
    )
    assert "it takes no other lines" in answer.get_data(as_text=True)
    client.post(f"/invoices/{credit_draft.id}/issue")
    answer = client.get(f"/invoices/{credit_draft.id}/credit", follow_redirects=True)
    assert "A credit note cannot be credited." in answer.get_data(as_text=True)
