"""Translated names of the invoicing settings' fixed choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COMPONENT_LABELS = {
    "membership": _l("Membership fee"),
    "product": _l("Product share"),
    "entry": _l("Entry fee"),
    "pledge": _l("Pledge"),
    "free": _l("Free line"),
}

VAT_CATEGORY_LABELS = {
    "S": _l("S – standard rate"),
    "Z": _l("Z – zero-rated"),
    "E": _l("E – exempt from VAT"),
    "O": _l("O – outside the scope of VAT"),
    "AE": _l("AE – reverse charge"),
}

VATEX_LABELS = {
    "VATEX-EU-O": _l("not subject to VAT"),
    "VATEX-EU-AE": _l("reverse charge"),
    "VATEX-EU-132": _l("exempt under article 132 of the VAT directive"),
    "VATEX-EU-143": _l("exempt under article 143 of the VAT directive"),
    "VATEX-EU-148": _l("exempt under article 148 of the VAT directive"),
    "VATEX-EU-151": _l("exempt under article 151 of the VAT directive"),
    "VATEX-EU-309": _l("exempt under article 309 of the VAT directive"),
}

# The standard reason of the default VAT of every kind of line (OUTSIDE_SCOPE_REASON in
# consortium/settings/models.py is its English text, as the settings store it).
OUTSIDE_SCOPE_REASON_LABEL = _l(
    "Contribution to a public cost-sharing association, outside the scope of VAT"
)
