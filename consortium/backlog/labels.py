"""The backlog's fixed choices and refusals in words, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

TYPE_LABELS = {
    "wish": pgettext_l("backlog item type", "Wish"),
    "bug": pgettext_l("backlog item type", "Bug"),
    "epic": pgettext_l("backlog item type", "Epic"),
}
STATUS_LABELS = {
    "proposed": pgettext_l("backlog item status", "Proposed"),
    "accepted": pgettext_l("backlog item status", "Accepted"),
    "prioritised": pgettext_l("backlog item status", "Prioritised"),
    "in_development": pgettext_l("backlog item status", "In development"),
    "delivered": pgettext_l("backlog item status", "Delivered"),
    "rejected": pgettext_l("backlog item status", "Rejected"),
}
METHOD_LABELS = {
    "points": _l("Points (dot voting)"),
    "budget-greedy": _l("Budget, funded greedily by approval"),
    "equal-shares": _l("Budget, funded by the Method of Equal Shares"),
    "borda": _l("Ranking (Borda count)"),
}
WEIGHTING_LABELS = {
    "equal": _l("Equal per organisation"),
    "cost_share": _l("By the organisation's cost share"),
    "tier": _l("By size tier weights"),
}
ROUND_STATUS_LABELS = {
    "draft": pgettext_l("round status", "Draft"),
    "open": pgettext_l("round status", "Open"),
    "closed": pgettext_l("round status", "Closed"),
}
# Where a frozen weight came from; the basis (a year or a tier) fills the placeholder.
WEIGHT_SOURCE_LABELS = {
    "equal": _l("one vote per organisation"),
    "recorded_share": _l("its recorded share of the approved budget %(basis)s"),
    "live_share": _l("its share of the budget %(basis)s as the fee engine computes it now"),
    "tier": _l("the weight of its size tier %(basis)s"),
}


def weight_source(source: str, basis: str) -> str:
    """Where an organisation's frozen weight came from, for the ballot page."""
    label = WEIGHT_SOURCE_LABELS.get(source)
    return str(label) % {"basis": basis} if label is not None else source


# Why a change was refused, by BacklogError's code; the parameters fill the placeholders.
ERROR_MESSAGES = {
    "title": _l("Give the item a title of at most %(limit)s characters."),
    "round_title": _l("Give the round a title of at most %(limit)s characters."),
    "description": _l("Write at most %(limit)s characters, without control characters."),
    "category": _l("Give a category of at most %(limit)s characters."),
    "type": _l("Choose whether the item is a wish, a bug or an epic."),
    "organisation_required": _l("Choose the organisation the item is submitted for."),
    "not_a_contact": _l("You are not a contact of %(organisation)s."),
    "not_participating": _l("%(organisation)s does not take part in %(product)s."),
    "link_label": _l("Give the link a label of at most %(limit)s characters."),
    "link_url": _l(
        "Give a web address starting with http:// or https://, at most %(limit)s characters."
    ),
    "comment": _l("Write a comment of at most %(limit)s characters."),
    "reason_required": _l("Give the reason for the rejection, at most %(limit)s characters."),
    "estimate_amount": _l("Give the estimate as an amount from 0 to %(limit)s."),
    "estimate_hours": _l("Give the hours as a number from 0 to %(limit)s."),
    "note": _l("Write a note of at most %(limit)s characters."),
    "status_change": _l("An item that is %(status)s cannot become %(target)s."),
    "item_in_open_round": _l("The item is in the open round %(round)s; wait until it closes."),
    "group_not_coordination": _l("Choose a coordination group of %(product)s to run the round."),
    "group_code": _l(
        "Give %(group)s a short code first: the round's result is recorded as its decision."
    ),
    "method": _l("Choose how the round is counted."),
    "weighting": _l("Choose how the organisations' ballots are weighted."),
    "points": _l(
        "Give the points per organisation and the most points on one item, whole numbers from 1 to %(limit)s, the most on one item not above the points."
    ),
    "budget": _l("Give the round's budget as an amount from 0 to %(limit)s."),
    "times": _l("The round must close after it opens."),
    "closes_in_past": _l("The round's closing time has passed; choose a later one."),
    "no_items": _l("Choose at least one accepted item of %(product)s."),
    "item_not_accepted": _l("%(item)s is not an accepted item of %(product)s."),
    "no_estimate": _l(
        "%(item)s has no estimate above zero; a budget round needs a cost for every item."
    ),
    "round_not_draft": _l("The round has been opened already."),
    "round_not_open": _l("The round is not open."),
    "round_not_yet_open": _l("The round opens at %(opens_at)s."),
    "round_closed": _l("The round has closed; ballots are no longer accepted."),
    "round_closed_already": _l("The round has been closed already."),
    "no_participants": _l(
        "No organisation has a participation agreement for %(product)s on %(day)s."
    ),
    "no_share": _l(
        "%(organisation)s has no share of the %(year)s budget of %(product)s, recorded or computed."
    ),
    "no_budget": _l("%(product)s has no budget for %(year)s to weigh the ballots by."),
    "fee_setup": _l("The cost shares of %(year)s cannot be computed: %(reason)s"),
    "no_tier_weights": _l("The %(year)s tariff of %(product)s has no weights per size tier."),
    "no_tier": _l("%(organisation)s has no size tier in %(year)s."),
    "no_tier_weight": _l(
        "The %(year)s tariff of %(product)s gives no weight to the tier %(tier)s."
    ),
    "not_a_voter": _l("You may not fill in the ballot of %(organisation)s in this round."),
    "ballot": _l("The ballot cannot be counted: %(reason)s"),
}
