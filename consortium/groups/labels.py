"""Translated names for the groups' fixed choices and warnings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

KIND_LABELS = {
    "board": _l("Board"),
    "general_assembly": _l("General assembly"),
    "steering_committee": _l("Steering committee"),
    "coordination_group": _l("Coordination group"),
    "topic_group": _l("Topic group"),
}
ROLE_LABELS = {
    "chair": pgettext_l("group role", "Chair"),
    "secretary": pgettext_l("group role", "Secretary"),
    "member": pgettext_l("group role", "Member"),
    "observer": pgettext_l("group role", "Observer"),
}
ERROR_MESSAGES = {
    "product_required": _l(
        "A steering committee, coordination group or topic group needs a product."
    ),
    "product_not_allowed": _l("The board and the general assembly belong to no product."),
    "representative_required": _l("Choose the organisation (or supplier) the person represents."),
    "not_a_contact": _l("The person is not a contact of this organisation."),
    "name_needed": _l(
        "No one has an account with this email address yet: enter a name to invite them."
    ),
    "new_person_needs_organisation": _l(
        "Choose the organisation a new person represents: they become its contact."
    ),
    "not_a_supplier_contact": _l("The person is not a contact of this supplier."),
    "supplier_only_coordination": _l("Only a coordination group has members from suppliers."),
    "both_representatives": _l("Choose an organisation or a supplier, not both."),
    "dates": _l("The end of the term is before its start."),
    "already_ended": _l("This term has already ended."),
    "overlapping_term": _l("The person already has a term in this group in that period."),
    "code_format": _l(
        "A group's short code is capital letters and digits, parts joined by hyphens, at most "
        "30 characters (OS2FORMS-SC)."
    ),
    "code_taken": _l("Another group has this short code."),
}


def warning_text(warning) -> str:
    """A composition warning in the reader's language."""
    from flask_babel import gettext as _

    if warning.code == "steering_size":
        return _(
            "The steering committee has %(count)d representatives; it should have 3 to 6.",
            count=warning.count,
        )
    if warning.code == "coordination_size":
        return _(
            "The coordination group has %(count)d representatives; it should have at least 3.",
            count=warning.count,
        )
    if warning.code == "no_board_member":
        return _("The product is at level N3, but no board member sits on its steering committee.")
    return _("The group has no current chair.")
