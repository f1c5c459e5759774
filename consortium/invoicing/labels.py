"""Translated names of invoicing's fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

INVOICE_STATUS_LABELS = {
    "draft": pgettext_l("invoice status", "Draft"),
    "issued": pgettext_l("invoice status", "Issued"),
    "sent": pgettext_l("invoice status", "Sent"),
    "partly_paid": pgettext_l("invoice status", "Partly paid"),
    "paid": pgettext_l("invoice status", "Paid"),
    "credited": pgettext_l("invoice status", "Credited"),
    "set_aside": pgettext_l("invoice status", "Set aside"),
}

# Not stored: an invoice whose due date has passed with a balance above zero shows as overdue.
OVERDUE = "overdue"
OVERDUE_LABEL = pgettext_l("invoice status", "Overdue")

PAYMENT_SOURCE_LABELS = {
    "manual": pgettext_l("payment source", "Recorded by hand"),
    "import": pgettext_l("payment source", "Bank statement"),
}

RUN_STATUS_LABELS = {
    "draft": pgettext_l("invoice run status", "Draft"),
    "issued": pgettext_l("invoice run status", "Issued"),
    "discarded": pgettext_l("invoice run status", "Discarded"),
}

SERIES_LABELS = {"invoice": _l("Invoice"), "credit_note": _l("Credit note")}

SETTLEMENT_STATUS_LABELS = {
    "draft": pgettext_l("settlement status", "Draft"),
    "issued": pgettext_l("settlement status", "Issued"),
}
