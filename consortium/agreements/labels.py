"""The agreements' fixed choices in words, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consortium.agreements.models import (
    ACCEPTED,
    MADE,
    MEMBERSHIP,
    ONLINE,
    PARTICIPATION,
    REPLACED,
    SCAN,
    SENT,
    SUPPLIER,
)
from consortium.agreements.queries import (
    AGREED_OUTSIDE,
    STATE_ACCEPTED,
    STATE_NONE,
    STATE_WAITING,
    AgreementState,
)
from consortium.i18n import day

KIND_LABELS = {
    MEMBERSHIP: _l("Membership agreement"),
    PARTICIPATION: _l("Participation agreement"),
    SUPPLIER: _l("Supplier agreement"),
}
LANGUAGE_LABELS = {
    "en": _l("English"),
    "da": _l("Danish"),
    "de": _l("German"),
    "cs": _l("Czech"),
}
STATUS_LABELS = {
    MADE: _l("Made, not sent yet"),
    SENT: _l("Sent, waiting for acceptance"),
    ACCEPTED: _l("Accepted"),
    REPLACED: _l("Replaced by a newer document"),
}
EVENT_LABELS = {
    "made": _l("Made and sealed"),
    "sent": _l("Sent"),
    "viewed": _l("Opened as PDF"),
    "reminded": _l("Reminder sent"),
    "accepted": _l("Accepted"),
    "replaced": _l("Replaced by a newer document"),
}
METHOD_LABELS = {
    ONLINE: _l("Accepted on its page"),
    SCAN: _l("Signed on paper (scan recorded by the secretariat)"),
}
STATE_LABELS = {
    AGREED_OUTSIDE: _l("Agreed before agreements were kept here"),
    STATE_ACCEPTED: _l("Agreement accepted"),
    STATE_WAITING: _l("Agreement waiting for acceptance"),
    STATE_NONE: _l("No agreement made yet"),
}


def kind_label(kind: str) -> str:
    """An agreement kind in words; a kind the secretariat named, as named."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def state_text(state: AgreementState | None) -> str:
    """A participation's agreement state in words, as the lists show it (agreements/_state.html)."""
    if state is None:
        return ""
    if state.state == STATE_ACCEPTED and state.since is not None:
        # The moment's day where the association is, as the page says it (a datetime given to
        # `day` is moved to the association's time zone first).
        return _("Agreement accepted on %(day)s", day=day(state.since))
    if state.state == STATE_WAITING and state.since is not None:
        return _("Agreement waiting since %(day)s", day=day(state.since))
    if state.state == AGREED_OUTSIDE:
        return _("Agreed outside the system")
    return _("No agreement yet")
