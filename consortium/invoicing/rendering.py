"""An issued invoice's documents, made from its :class:`InvoiceDocument` alone: the Factur-X
PDF (the invoice PDF as PDF/A-3b with the validated EN 16931 CII embedded) and, when the buyer
can receive one, the validated Peppol UBL.

:func:`render` makes one invoice's documents in the current process (it renders the app's
template, so it runs in an app context). :func:`render_many` makes many, over several
processes when asked: each process of the pool builds the app once and compiles the rules once,
then renders what it is handed. Nothing here reads or writes the database, so the documents of
a whole run can be made before one short transaction stores them (``runs.issue_run``).

A document the rules reject does not raise: its :class:`Rendered` names the rules, so that
the caller can name the invoice and stop the issue.
"""

from __future__ import annotations

import atexit
import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from typing import Any

from consortium.invoicing.document import (
    EXEMPT,
    STANDARD,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
)
from consortium.invoicing.facturx import (
    CII_RULE_SETS,
    InvoiceReference,
    cii_xml,
    facturx_pdf,
    validate_cii,
)
from consortium.invoicing.ubl import einvoice_refusal, einvoice_xml
from consortium.invoicing.validation import UBL_RULE_SETS, fatal_findings, validate, warm_up
from consortium.pdf import warm_up as warm_up_pdf

# What broke: the Peppol UBL or the Factur-X CII.
UBL, CII = "ubl", "cii"


@dataclass(frozen=True)
class Logo:
    """The seller's logo as the settings keep it."""

    data: bytes | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class Rendered:
    """An invoice's documents, or the rules that rejected them.

    ``document`` is what was rendered: the caller stores the files only on an invoice whose
    document is equal to it (same number, dates, parties and lines)."""

    document: InvoiceDocument
    pdf: bytes = b""
    ubl: bytes | None = None
    # (UBL or CII, the ids of the rules broken); None when both are valid.
    failure: tuple[str, tuple[str, ...]] | None = None


def preceding_invoice(document: InvoiceDocument) -> InvoiceReference | None:
    """The invoice a credit note corrects (BG-3), for its CII."""
    if not document.is_credit_note or not document.preceding_number:
        return None
    return InvoiceReference(document.preceding_number, document.preceding_issue_date)


def render(document: InvoiceDocument, logo: Logo = Logo()) -> Rendered:  # noqa: B008 - frozen
    """The Factur-X PDF and, for a buyer that can receive one, the Peppol UBL, both
    validated against the official rules; the rules broken instead when they are not."""
    ubl = None
    if not einvoice_refusal(document):
        ubl = einvoice_xml(document)
        broken = fatal_findings(validate(ubl))
        if broken:
            return Rendered(document, failure=(UBL, _rule_ids(broken)))
    cii = cii_xml(document, preceding_invoice=preceding_invoice(document))
    broken = fatal_findings(validate_cii(cii))
    if broken:
        return Rendered(document, failure=(CII, _rule_ids(broken)))
    pdf = facturx_pdf(document, logo=logo.data, logo_type=logo.mime_type, xml=cii)
    return Rendered(document, pdf, ubl)


def _rule_ids(findings: Sequence[Any]) -> tuple[str, ...]:
    return tuple(sorted({finding.rule for finding in findings}))


def warm_up_rules() -> None:
    """Load the schemas and compile the UBL and the CII rules, once per process."""
    warm_up((*UBL_RULE_SETS, *CII_RULE_SETS))


# --- Many at once -------------------------------------------------------------------------


def processes_wanted(configured: int | None = None) -> int:
    """How many processes render: the configured number, else one per core."""
    if configured and configured > 0:
        return configured
    return max(1, os.cpu_count() or 1)


_pool_app: Any = None


def _start_pool_process(config: dict[str, Any]) -> None:
    """In a new process of the pool: the app (for the templates and the translations) with
    its context pushed for the process's life, and the rules compiled."""
    global _pool_app
    from consortium import create_app

    _pool_app = create_app(config)
    # The settings come with each task (see _render_in_pool): the table is known to be there.
    _pool_app.extensions["consortium.settings_table"] = True
    _pool_app.app_context().push()
    warm_up_rules()
    warm_up_documents(_pool_app.config["LANGUAGES"])
    # What the process built to start (the app, the rules, the fonts) lives as long as it
    # does: kept out of the garbage collector's rounds, which then look at each invoice's
    # objects only.
    gc.collect()
    gc.freeze()


def warm_up_documents(languages: Sequence[str]) -> None:
    """Render an invoice in each language once, as a process that renders invoices starts:
    the fonts, the stylesheet and the words of each language are then ready for the first
    invoices of a run. Call in an app context; the association's settings the templates
    read are defaults, never the database's."""
    from flask import g

    from consortium.settings.models import AssociationSettings

    g._association_settings = AssociationSettings(name="Consortium")  # never added to a session
    try:
        for language in languages:
            render(_sample_document(language))
    finally:
        del g._association_settings


def _sample_document(language: str) -> InvoiceDocument:
    """An invoice with what a real one shows (a standard-rated and an exempt line, bank
    details, a supply period), only for warming up."""
    party = Party(
        name="Kommune",
        street="Rådhuset 1",
        postcode="8000",
        city="Aarhus C",
        vat_number="DK12345674",
        registration_number="12345674",
        email="post@kommune.example",
        electronic_address=ElectronicAddress("0088", "5798000000001"),
    )
    lines = (
        Line("Kontingent 2027", Decimal("25000.00"), STANDARD, Decimal("25"), explanation="1/1"),
        Line(
            "OS2forms 2027",
            Decimal("1234.57"),
            EXEMPT,
            Decimal("0"),
            exemption_reason="Fritaget",
            exemption_code="VATEX-EU-132",
        ),
    )
    return InvoiceDocument(
        number="2027-00000",
        issue_date=date(2027, 1, 15),
        due_date=date(2027, 2, 14),
        currency="DKK",
        seller=party,
        buyer=party,
        lines=lines,
        language=language,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        buyer_reference="5798000000001",
        iban="DK5000400440116243",
        bic="DABADKKK",
        payment_terms="30",
    )


def _render_in_pool(document: InvoiceDocument, logo: Logo, settings: dict[str, Any]) -> Rendered:
    """Render in a pool process, which never touches the database: the association's settings
    (its time zone, what the templates show of it) come from the parent with the task."""
    from flask import g

    from consortium.settings.models import AssociationSettings

    g._association_settings = AssociationSettings(**settings)  # never added to a session
    return render(document, logo)


def settings_snapshot() -> dict[str, Any]:
    """The association's settings as values (without the logo, which goes as :class:`Logo`),
    for the pool's processes."""
    from sqlalchemy import inspect

    from consortium.settings.models import AssociationSettings
    from consortium.settings.services import get_settings

    settings = get_settings()
    return {
        attribute.key: getattr(settings, attribute.key)
        for attribute in inspect(AssociationSettings).column_attrs
        if attribute.key != "logo"
    }


def _ready() -> int:
    # A moment's pause, so that a process already started leaves the next call to another.
    time.sleep(0.05)
    return os.getpid()


class RenderingPool:
    """Processes that render invoices, started once and kept (by the worker) for every job.

    New processes are spawned, not forked: a fork would copy the parent's database
    connections and the validator's runtime, which must not be shared."""

    def __init__(self, processes: int, app_config: dict[str, Any]) -> None:
        self.processes = processes
        self.executor: Executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=get_context("spawn"),
            initializer=_start_pool_process,
            initargs=(app_config,),
        )

    def wait_until_ready(self, timeout: float = 300) -> set[int]:
        """Start every process now (each builds the app, compiles the rules and loads the PDF
        renderer) and return when each has answered: the ids of the processes that did."""
        answered: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(answered) < self.processes and time.monotonic() < deadline:
            futures = [self.executor.submit(_ready) for _ in range(self.processes)]
            answered.update(future.result() for future in futures)
        return answered

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


_shared: dict[str, RenderingPool | None] = {}


def shared_pool() -> RenderingPool | None:
    """The rendering processes of this worker, started at the first call and kept; None
    when the app renders in its own process (JOB_PROCESSES = 1, as in the tests)."""
    from flask import current_app

    processes = processes_wanted(current_app.config.get("JOB_PROCESSES"))
    if processes <= 1:
        return None
    if "pool" not in _shared:
        pool = RenderingPool(processes, pool_settings(current_app.config))
        atexit.register(pool.close)
        _shared["pool"] = pool
    return _shared["pool"]


def warm_up_worker() -> None:
    """When a worker starts: the rules compiled, and its rendering processes started (or, when
    it renders in its own process, the PDF renderer loaded)."""
    warm_up_rules()
    pool = shared_pool()
    if pool is None:
        warm_up_pdf()
    else:
        pool.wait_until_ready()


# The settings a pool process needs to build the app; the rest comes from its environment.
POOL_SETTINGS = (
    "CONSORTIUM_ENV",
    "TESTING",
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "BASE_URL",
    "MAIL_SERVER",
    "DEFAULT_LANGUAGE",
    "BABEL_TRANSLATION_DIRECTORIES",
)


def pool_settings(config: Any) -> dict[str, Any]:
    """The app's settings a pool process is built with (from ``app.config``)."""
    return {name: config[name] for name in POOL_SETTINGS if name in config}


def render_many(
    documents: Sequence[InvoiceDocument],
    logo: Logo,
    *,
    pool: RenderingPool | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop_at_failure: bool = True,
) -> list[Rendered]:
    """Every document rendered, in the order given: in this process without a pool, else
    over the pool's processes. ``progress(done, total)`` is told after each one; with
    ``stop_at_failure`` the work stops at the first document the rules reject (the result then
    holds that one and those finished before it)."""
    total = len(documents)
    results: dict[int, Rendered] = {}
    for index, rendered in _rendered(documents, logo, pool):
        results[index] = rendered
        if progress is not None:
            progress(len(results), total)
        if stop_at_failure and rendered.failure is not None:
            break
    return [results[index] for index in sorted(results)]


def _rendered(
    documents: Sequence[InvoiceDocument], logo: Logo, pool: RenderingPool | None
) -> Iterator[tuple[int, Rendered]]:
    if pool is None:
        for index, document in enumerate(documents):
            yield index, render(document, logo)
        return
    settings = settings_snapshot()
    futures = {
        pool.executor.submit(_render_in_pool, document, logo, settings): index
        for index, document in enumerate(documents)
    }
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()
