"""Issuing a year's run as a background job: the request queues it, the worker renders every
draft's Factur-X PDF and e-invoice, then numbers, stores and sends them all in one transaction.
All or nothing, every number once, one mail per invoice, also when a worker dies and another
takes over; the run's page follows the progress; the run's files come as ZIPs."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import func, select, update

from consortium.db import utcnow
from consortium.extensions import db
from consortium.invoicing import credit_notes, rendering, runs, services
from consortium.invoicing.facturx import validate_cii
from consortium.invoicing.models import DRAFT, Invoice, InvoiceNumberSequence, InvoiceRun
from consortium.invoicing.services import InvoicingError, association_today
from consortium.invoicing.validation import fatal_findings
from consortium.jobs import services as jobs
from consortium.jobs.models import Job
from consortium.mail.models import OutboxMessage
from consortium.members import services as members
from consortium.members.models import BillingIdentity
from tests.conftest import login, make_user
from tests.invoicing.runs import YEAR, register

CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
TOTALS = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
)


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _queued_run() -> tuple[InvoiceRun, Job]:
    run = runs.start_run(YEAR, None)
    job = runs.queue_issue(run, None)
    db.session.commit()
    return run, job


def _factur_x(pdf: bytes) -> etree._Element:
    """The CII a buyer's Factur-X reader takes out of the PDF, checked to be EN 16931."""
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"
    assert fatal_findings(validate_cii(xml)) == []
    return etree.fromstring(xml)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )


def test_the_job_issues_the_run_with_factur_x_pdfs_that_say_what_the_database_says(app):
    register()
    run, job = _queued_run()
    assert job.status == "queued" and job.progress_total == 3
    assert _count(Invoice, Invoice.number.is_not(None)) == 0  # queued, nothing numbered yet

    with mock.patch.object(rendering, "render", wraps=rendering.render) as render:
        assert jobs.run_queued() == 1
    # Each invoice rendered once, before the transaction that numbered them: the numbers and
    # the date it was rendered with are the ones stored.
    assert render.call_count == 3

    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.progress_done, job.progress_total) == ("done", 3, 3)
    year = association_today().year
    assert job.outcome == {"issued": 3, "first": f"{year}-00001", "last": f"{year}-00003"}
    invoices = sorted(db.session.get(InvoiceRun, run.id).invoices, key=lambda i: i.number)
    assert [invoice.number for invoice in invoices] == [f"{year}-0000{n}" for n in (1, 2, 3)]
    for invoice in invoices:
        assert invoice.status == "sent" and invoice.pdf.startswith(b"%PDF-")
        cii = _factur_x(invoice.pdf)
        assert cii.findtext("rsm:ExchangedDocument/ram:ID", namespaces=CII) == invoice.number
        assert cii.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII) == "380"
        issued_on = cii.findtext(
            "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", namespaces=CII
        )
        assert issued_on == invoice.issued_on.strftime("%Y%m%d")
        assert Decimal(cii.findtext(TOTALS + "ram:GrandTotalAmount", namespaces=CII)) == (
            invoice.gross_total
        )
        assert Decimal(cii.findtext(TOTALS + "ram:LineTotalAmount", namespaces=CII)) == (
            invoice.net_total
        )
        text = _pdf_text(invoice.pdf)
        assert invoice.number in text
        # Tagged (for screen readers) and a PDF/A-3 for archiving.
        reader = PdfReader(io.BytesIO(invoice.pdf))
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()
    # In the buyer's language: Aarhus reads Danish.
    aarhus = next(i for i in invoices if i.organisation.name == "Aarhus Kommune")
    assert "Netto 30 dage" in _pdf_text(aarhus.pdf)
    # One mail per invoice, with the stored PDF.
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 3
    assert {m.attachments[0].content for m in messages} == {i.pdf for i in invoices}


def test_one_draft_the_rules_reject_fails_the_job_and_nothing_is_issued(app, client):
    town = register()
    identity = members.default_billing_identity(town["odder"])
    identity.gln = "not-a-gln"  # Odder's e-invoice would break the Peppol rules
    db.session.commit()
    run, job = _queued_run()

    assert jobs.run_queued() == 1

    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "failed"
    assert db.session.scalars(select(InvoiceNumberSequence)).all() == []
    assert all(i.number is None and i.status == DRAFT for i in run.invoices)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert town["budget"].status == "approved"
    assert db.session.get(InvoiceRun, run.id).status == "draft"

    make_user("sec@example.org", secretariat=True)
    db.session.commit()
    login(client, "sec@example.org")
    page = client.get(f"/invoices/runs/{run.id}").get_data(as_text=True)
    outcome = re.search(r'id="run-job-outcome"[^>]*>([^<]*)<', page).group(1)
    assert "Nothing was issued: the invoice to Odder Kommune (Økonomi) could not be issued" in (
        outcome.replace("&#39;", "'")
    )
    assert outcome.endswith("breaks these rules: PEPPOL-COMMON-R040")  # the GLN check digit
    # The run can be issued again once the register is put right.
    assert "Issue 3 invoices" in page
    db.session.get(BillingIdentity, identity.id).gln = "5798000000025"
    db.session.commit()
    runs.queue_issue(db.session.get(InvoiceRun, run.id), None)
    db.session.commit()
    jobs.run_queued()
    assert _count(Job, Job.status == "done") == 1
    assert _count(Invoice, Invoice.number.is_not(None)) == 3


def test_numbers_taken_while_the_run_renders_are_rendered_again_with_the_stored_ones(app):
    town = register()
    run = runs.start_run(YEAR, None)
    on = association_today()
    preparation = runs.prepare(run, on)
    prepared = runs.render_prepared(preparation)
    assert [d.number for d in preparation.documents] == [f"{on.year}-0000{n}" for n in (1, 2, 3)]

    # Meanwhile a single invoice takes the first number.
    single = services.create_draft(town["skanderborg"])
    services.add_line(single, "free", "Workshop", Decimal("1000.00"))
    services.issue(single, on=on)

    issued = runs.issue_run(run, None, on=on, prepared=prepared)
    assert [invoice.number for invoice in issued] == [f"{on.year}-0000{n}" for n in (2, 3, 4)]
    for invoice in issued:
        cii = _factur_x(invoice.pdf)
        assert cii.findtext("rsm:ExchangedDocument/ram:ID", namespaces=CII) == invoice.number
        assert invoice.number in _pdf_text(invoice.pdf)


def _claim_as_a_worker_that_dies(job_id: int) -> None:
    assert jobs.claim("worker-that-died") == job_id
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(heartbeat_at=utcnow() - timedelta(seconds=app_stale() + 5), progress_done=1)
    )
    db.session.commit()


def app_stale() -> int:
    from flask import current_app

    return current_app.config["JOB_STALE_SECONDS"]


def test_a_job_whose_worker_died_is_taken_over_and_issues_and_sends_everything_once(app):
    register()
    run, job = _queued_run()
    _claim_as_a_worker_that_dies(job.id)

    assert jobs.run_queued("second-worker") == 1

    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.worker_id, job.attempts) == ("done", "second-worker", 2)
    numbers = db.session.scalars(select(Invoice.number).where(Invoice.number.is_not(None))).all()
    assert sorted(numbers) == sorted(set(numbers)) and len(numbers) == 3
    assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 3
    assert _count(OutboxMessage) == 3
    # The first worker was not dead after all: whatever it tries now changes nothing.
    assert jobs.run_job(job.id, "worker-that-died") == "lost"
    with pytest.raises(jobs.JobLost):
        jobs.JobContext(job.id, "worker-that-died").progress(3, 3)
    assert _count(OutboxMessage) == 3
    assert db.session.scalar(select(InvoiceNumberSequence.last_number)) == 3


def test_a_job_whose_worker_still_beats_is_left_to_it(app):
    register()
    _run, job = _queued_run()
    assert jobs.claim("busy-worker") == job.id
    assert jobs.run_queued("another-worker") == 0
    db.session.expire_all()
    assert db.session.get(Job, job.id).worker_id == "busy-worker"


def test_while_the_job_issues_the_run_its_drafts_cannot_change(app, client):
    register()
    run, job = _queued_run()
    job_id = job.id
    odder = next(i for i in run.invoices if i.organisation.name == "Odder Kommune")
    odder_id, run_id = odder.id, run.id
    for change in (
        lambda: runs.set_aside(db.session.get(Invoice, odder_id)),
        lambda: runs.discard_run(db.session.get(InvoiceRun, run_id)),
        lambda: runs.queue_issue(db.session.get(InvoiceRun, run_id), None),
        lambda: runs.issue_run(db.session.get(InvoiceRun, run_id), None),
    ):
        with pytest.raises(InvoicingError, match="This invoicing run is being issued"):
            change()
        db.session.rollback()
    make_user("sec@example.org", secretariat=True)
    db.session.commit()
    login(client, "sec@example.org")
    answer = client.post(
        f"/invoices/{odder_id}/lines",
        data={"description": "Late line", "component": "free", "amount": "10"},
        follow_redirects=True,
    )
    assert "This invoicing run is being issued" in answer.get_data(as_text=True)
    page = client.get(f"/invoices/runs/{run_id}").get_data(as_text=True)
    assert "Waiting for the worker to start." in page
    assert "Issue 3 invoices" not in page and "Discard the drafts" not in page

    # Running: the page shows how far the worker is.
    jobs.claim("worker")
    jobs.JobContext(job_id, "worker").progress(2, 3)
    page = client.get(f"/invoices/runs/{run_id}").get_data(as_text=True)
    assert "2 of 3 invoices rendered and checked." in page
    assert '<progress id="run-progress" value="2" max="3"' in page
    assert '<script src="/static/js/progress.js?v=' in page
    script = client.get("/static/js/progress.js")
    assert script.status_code == 200 and b"data-refresh-seconds" in script.data
    script.close()


@dataclass
class Stored:
    pdf: bytes
    ubl: bytes | None


def test_the_run_s_files_download_as_zips_named_by_number_with_the_stored_bytes(app, client):
    register()
    run, _job = _queued_run()
    jobs.run_queued()
    make_user("sec@example.org", secretariat=True)
    db.session.commit()
    login(client, "sec@example.org")
    stored = db.session.get(InvoiceRun, run.id).invoices
    invoices = {i.number: Stored(i.pdf, i.ubl) for i in stored}
    page = client.get(f"/invoices/runs/{run.id}").get_data(as_text=True)
    assert "Download every PDF (ZIP)" in page

    answer = client.get(f"/invoices/runs/{run.id}/pdf.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    # Invoices are never kept by a browser or a proxy.
    assert answer.headers["Cache-Control"] == "no-store" and "Expires" not in answer.headers
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.pdf" for n in invoices)
        for number, invoice in invoices.items():
            assert archive.read(f"{number}.pdf") == invoice.pdf
    answer = client.get(f"/invoices/runs/{run.id}/ubl.zip")
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        # Skanderborg has no electronic address: it gets the PDF only.
        with_ubl = {n: i for n, i in invoices.items() if i.ubl}
        assert len(with_ubl) == 2
        assert sorted(archive.namelist()) == sorted(f"{n}.xml" for n in with_ubl)
        for number, invoice in with_ubl.items():
            assert archive.read(f"{number}.xml") == invoice.ubl


def test_a_credit_note_is_stored_as_a_factur_x_credit_note_naming_its_invoice(app):
    register()
    _queued_run()
    jobs.run_queued()
    invoice = db.session.scalars(
        select(Invoice).where(Invoice.number.is_not(None)).order_by(Invoice.number)
    ).first()
    credit_note = credit_notes.draft_credit_note(invoice, [invoice.lines[0]])
    services.issue(credit_note)

    cii = _factur_x(credit_note.pdf)
    assert cii.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII) == "381"
    referenced = cii.findtext(
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        "ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
        namespaces=CII,
    )
    assert referenced == invoice.number
    assert Decimal(cii.findtext(TOTALS + "ram:GrandTotalAmount", namespaces=CII)) == (
        credit_note.gross_total
    )
    text = _pdf_text(credit_note.pdf)
    assert credit_note.number in text and invoice.number in text
    # Aarhus reads Danish: the document is titled a credit note in Danish.
    assert "Kreditnota" in text


def test_the_rendering_processes_make_the_same_documents(app):
    register()
    run = runs.start_run(YEAR, None)
    preparation = runs.prepare(run, association_today())
    reported = []
    pool = rendering.RenderingPool(2, rendering.pool_settings(app.config))
    try:
        # Both processes started (each with its app, its rules and its PDF renderer), not one
        # that answered twice.
        assert len(pool.wait_until_ready()) == 2
        results = rendering.render_many(
            preparation.documents,
            preparation.logo,
            pool=pool,
            progress=lambda done, total: reported.append((done, total)),
        )
    finally:
        pool.close()
    assert reported[-1] == (3, 3)
    assert [r.document for r in results] == preparation.documents
    for result in results:
        cii = _factur_x(result.pdf)
        number = result.document.number
        assert cii.findtext("rsm:ExchangedDocument/ram:ID", namespaces=CII) == number
        assert number in _pdf_text(result.pdf)
