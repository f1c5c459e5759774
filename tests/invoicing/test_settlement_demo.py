"""The demo has last year's product costs settled: an underspend credited and an overspend
invoiced, issued and kept in the outbox, and a draft that the participants' contacts see."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from consortium.demo import DEMO_LOGINS
from consortium.extensions import db
from consortium.invoicing.models import CREDIT_NOTE, INVOICE, ProductSettlement
from consortium.invoicing.validation import fatal_findings, validate
from consortium.mail.models import KEPT, OutboxMessage
from tests.conftest import login


def test_the_demo_has_last_years_settlements_issued_and_one_in_draft(demo_app):
    last_year = date.today().year - 1
    with demo_app.app_context():
        settlements = db.session.scalars(
            select(ProductSettlement).where(ProductSettlement.year == last_year)
        ).all()
        issued = [found for found in settlements if found.status == "issued"]
        drafts = [found for found in settlements if found.status == "draft"]
        assert len(issued) == 2 and len(drafts) == 1
        credited = next(found for found in issued if found.difference < 0)
        invoiced = next(found for found in issued if found.difference > 0)
        for found, series in ((credited, CREDIT_NOTE), (invoiced, INVOICE)):
            documents = [share.invoice for share in found.shares if share.amount]
            assert documents and {document.series for document in documents} == {series}
            # Each document carries exactly the part members were shown.
            assert sum(document.net_total for document in documents) == abs(found.difference)
            assert all(
                document.net_total == abs(share.amount)
                for share in found.shares
                if (document := share.invoice) is not None
            )
            with_xml = [document for document in documents if document.ubl]
            assert with_xml and fatal_findings(validate(with_xml[0].ubl)) == []
            numbers = [document.number for document in documents]
            kept = db.session.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.subject.in_(
                        [
                            subject
                            for subject in db.session.scalars(select(OutboxMessage.subject))
                            if any(number in subject for number in numbers)
                        ]
                    )
                )
            ).all()
            assert kept and set(kept) == {KEPT}
        assert all(share.invoice is None for share in drafts[0].shares)
        db.session.rollback()


def test_a_demo_contact_sees_the_draft_settlement_of_their_product(demo_app):
    anna = next(entry for entry in DEMO_LOGINS if entry.email.startswith("anna.jensen"))
    client = demo_app.test_client()
    assert login(client, anna.email, anna.password).status_code == 302
    page = client.get("/invoices/settlements/mine")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert "Syddjurs Kommune" in text
    assert "Udkast, ikke udstedt endnu" in text  # Anna reads Danish
    assert "Kreditnota CN-" in text  # the issued credit of last year's underspend
