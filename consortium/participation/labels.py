"""Translated names for participation's fixed choices and refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

PHASE_LABELS = {
    "commitment": _l("Commitment"),
    "agreement": _l("Participation agreement"),
}
KIND_LABELS = {
    "join": pgettext_l("participation request", "Join"),
    "leave": pgettext_l("participation request", "Notice to leave"),
}
STATUS_LABELS = {
    "pending": pgettext_l("participation request", "Pending"),
    "approved": pgettext_l("participation request", "Approved"),
    "declined": pgettext_l("participation request", "Declined"),
    "withdrawn": pgettext_l("participation request", "Withdrawn"),
}
ERROR_MESSAGES = {
    "retired": _l("This product is retired; no one can join it."),
    "already_participating": _l(
        "The organisation already takes part in this product in that period."
    ),
    "pending_request": _l(
        "There is already a pending request of the organisation for this product."
    ),
    "not_a_member": _l("Only a member organisation can join a product."),
    "before_membership": _l(
        "The start date is before the organisation's membership started (%(day)s)."
    ),
    "billing_identity": _l("Choose a billing identity of this organisation."),
    "amount_required": _l("Enter the amount pledged per year for a commitment."),
    "dates": _l("The end is before the start."),
    "not_current": _l("This participation has already ended or had notice."),
    "not_pending": _l("This request has already been decided."),
    "reason_required": _l("Give the reason for declining."),
    "phase": _l("Choose a commitment or a participation agreement."),
    "notice_date": _l("Enter a day at most 10 years before or after today."),
}
AMOUNT_MESSAGES = {
    "invalid": _l("Enter an amount such as 12500.00."),
    "negative": _l("Enter an amount of 0 or more."),
}


def amount_text(problem: str) -> str:
    """Why a typed amount was refused, in the reader's language."""
    from flask_babel import format_decimal
    from flask_babel import gettext as _

    from consortium.participation.rules import MAX_AMOUNT

    if problem == "too_large":
        return _("Enter an amount of at most %(max)s.", max=format_decimal(MAX_AMOUNT))
    return str(AMOUNT_MESSAGES[problem])


def error_text(error) -> str:
    """A refusal in the reader's language."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    if error.code == "before_membership":
        return _(
            "The start date is before the organisation's membership started (%(day)s).",
            day=format_date(error.params["day"]),
        )
    if error.code == "notice_before_start":
        return _(
            "Notice can be given from the day the participation starts (%(day)s).",
            day=format_date(error.params["day"]),
        )
    if error.code == "amount":
        return amount_text(error.params["problem"])
    return str(ERROR_MESSAGES[error.code])
