"""Translated names for the supplier register's fixed choices, and the code of conduct."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

from consortium.suppliers import numbers

SERVICE_TYPE_LABELS = {
    "development": _l("Development"),
    "hosting": _l("Hosting and operation"),
    "support": pgettext_l("supplier service", "Support"),
    "consultancy": _l("Consultancy"),
}
STATUS_LABELS = {
    "pending": pgettext_l("supplier vetting", "Pending"),
    "approved": pgettext_l("supplier vetting", "Approved"),
    "rejected": pgettext_l("supplier vetting", "Rejected"),
}
NUMBER_MESSAGES = {
    numbers.FORMAT: _l("This number does not have the right format."),
    numbers.CHECKSUM: _l("This number is not valid: its check digit does not match."),
    numbers.COUNTRY: _l("This VAT number starts with the prefix of another country."),
}
DUPLICATE_MESSAGE = _l(
    "This company is registered already. If you have questions, write to the secretariat."
)

CODE_OF_CONDUCT_TITLE = _l("Code of conduct for suppliers")
# Each rule is a paragraph of the code of conduct page.
CODE_OF_CONDUCT = (
    _l(
        "We work in the open. Code, documentation and issues for the association's products "
        "are public under their free and open source licence, and we contribute our changes "
        "back to the common product rather than keeping private forks."
    ),
    _l(
        "We serve the members, not ourselves. We do not use our work on a common product to "
        "lock a member in, and we make it possible for another supplier to take over."
    ),
    _l(
        "We follow the product's governance: its roadmap, its coding and security guidelines "
        "and the decisions of its steering group and of the association."
    ),
    _l(
        "We are honest about what we sell. We state our prices, our capacity and any conflict "
        "of interest, and we never present our own product as the association's."
    ),
    _l(
        "We treat everyone with respect. Harassment or discrimination of any kind is not "
        "accepted, in meetings, in issue trackers or anywhere else."
    ),
    _l(
        "We protect data and report security problems. Personal data is handled according "
        "to the GDPR and the members' instructions; vulnerabilities are reported to the "
        "product and the secretariat without delay."
    ),
    _l(
        "If we break this code, the secretariat may suspend or end our supplier agreement "
        "and remove us from the list of suppliers."
    ),
)
