"""Translated words for the messages' fixed choices and refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consortium.messages.recipients import INACTIVE, NO_EMAIL

SOURCE_LABELS = {
    "organisations": _l("The contacts of chosen organisations"),
    "product": _l("The contacts of a product's participants"),
    "group": _l("The members of a group"),
}

LEFT_OUT_REASONS = {
    INACTIVE: _l("deactivated"),
    NO_EMAIL: _l("no email address"),
}

ERROR_MESSAGES = {
    "no_recipients": _l(
        "There is no one to write to: nobody here has an active account with an email address."
    ),
    "missing_text": _l("Write the subject and the text for every language in use."),
    "expired": _l(
        "This form had expired, so nothing was sent. Check the message and send it again."
    ),
}
