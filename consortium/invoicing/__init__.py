"""Invoicing: the association's invoices and their documents (PDF and Peppol e-invoice)."""

from flask import Blueprint, Flask

bp = Blueprint("invoicing", __name__)


def register(app: Flask) -> None:
    """The invoice pages at /invoices, `flask invoices` and the audit trail's words for
    invoices."""
    from consortium.audit import labels
    from consortium.fees.audit_values import explanation_text
    from consortium.invoicing import (  # noqa: F401
        credit_views,
        manage_views,
        payment_views,
        settlement_views,
        views,
    )
    from consortium.invoicing.labels import (
        INVOICE_STATUS_LABELS,
        PAYMENT_SOURCE_LABELS,
        RUN_STATUS_LABELS,
        SERIES_LABELS,
        SETTLEMENT_STATUS_LABELS,
    )
    from consortium.settings.labels import COMPONENT_LABELS, VAT_CATEGORY_LABELS

    app.register_blueprint(bp, url_prefix="/invoices")
    from consortium.invoicing.cli import invoices_cli

    app.cli.add_command(invoices_cli)
    from consortium.invoicing import rendering, runs
    from consortium.jobs import services as jobs

    jobs.register_handler(runs.ISSUE_RUN_JOB, runs.issue_queued_run)
    jobs.on_worker_start(rendering.warm_up_worker)
    labels.register_value_formatter("invoice", "status", labels.labelled(INVOICE_STATUS_LABELS))
    labels.register_value_formatter("invoice", "series", labels.labelled(SERIES_LABELS))
    labels.register_value_formatter("invoice_run", "status", labels.labelled(RUN_STATUS_LABELS))
    labels.register_value_formatter("payment", "source", labels.labelled(PAYMENT_SOURCE_LABELS))
    labels.register_value_formatter("invoice_line", "explanation", explanation_text)
    labels.register_value_formatter("invoice_line", "component", labels.labelled(COMPONENT_LABELS))
    for record_type in ("invoice_line", "component_vat"):
        labels.register_value_formatter(
            record_type, "vat_category", labels.labelled(VAT_CATEGORY_LABELS)
        )
    labels.register_value_formatter("component_vat", "component", labels.labelled(COMPONENT_LABELS))
    labels.register_value_formatter(
        "product_settlement", "status", labels.labelled(SETTLEMENT_STATUS_LABELS)
    )
