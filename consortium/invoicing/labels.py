"""Translated names of invoicing's fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

INVOICE_STATUS_LABELS = {
    "draft": pgettext_l("invoice status", "Draft"),
    "issued": pgettext_l("invoice status", "Issued"),
    "sent": pgettext_l("invoice status", "Sent"),
    "set_aside": pgettext_l("invoice status", "Set aside"),
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
