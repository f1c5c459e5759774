"""The counting's problems in the reader's language: the pure counting module names them by code
and parameters (organisation, item), and this module puts them into words."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from consortium.backlog import counting
from consortium.backlog.counting import CountingError, OrganisationKey


def counting_problem(
    error: CountingError,
    organisation_name: Callable[[OrganisationKey], str] = str,
    item_name: Callable[[int], str] = str,
) -> str:
    """Why a ballot (or the round's settings) cannot be counted, in the reader's language.

    ``organisation_name`` and ``item_name`` turn the keys into what the reader knows (an
    organisation's name, an item's title); by default the keys themselves are shown."""
    params = dict(error.params)
    if "organisation" in params:
        params["organisation"] = organisation_name(params["organisation"])  # type: ignore[arg-type]
    for key in ("item", "other_item"):
        if key in params and isinstance(params[key], int):
            params[key] = item_name(params[key])  # type: ignore[arg-type]
    words = {key: str(value) for key, value in params.items()}
    code = error.code
    if code == counting.VALUE_NOT_WHOLE:
        return _("The value %(organisation)s gives item %(item)s is not a whole number.", **words)
    if code == counting.VALUE_NEGATIVE:
        return _("The value %(organisation)s gives item %(item)s is negative.", **words)
    if code == counting.OVER_POINTS:
        return _(
            "%(organisation)s gives %(total)s points in all, more than the %(points)s points "
            "each organisation has.",
            **words,
        )
    if code == counting.OVER_ITEM_CAP:
        return _(
            "%(organisation)s gives item %(item)s %(value)s points, more than the "
            "%(max_per_item)s points one item may get.",
            **words,
        )
    if code == counting.APPROVAL_INVALID:
        return _(
            "%(organisation)s gives item %(item)s %(value)s: an approval is 1 (or 0 for no).",
            **words,
        )
    if code == counting.RANK_BELOW_ONE:
        return _(
            "%(organisation)s ranks item %(item)s %(rank)s: ranks start at 1.",
            **words,
        )
    if code == counting.RANK_REPEATED:
        return _(
            "%(organisation)s gives rank %(rank)s to both item %(other_item)s and item "
            "%(item)s: each rank once.",
            **words,
        )
    if code == counting.RANK_GAP:
        return _(
            "%(organisation)s ranks item %(item)s %(rank)s but no item %(missing)s: "
            "ranks go 1, 2, 3 … without gaps.",
            **words,
        )
    if code == counting.UNKNOWN_ITEM:
        return _("Item %(item)s of %(organisation)s is not in the round.", **words)
    if code == counting.NO_COST:
        return _("Item %(item)s of %(organisation)s has no cost.", **words)
    if code == counting.NO_WEIGHT:
        return _("%(organisation)s has no weight.", **words)
    if code == counting.WEIGHT_INVALID:
        return _("The weight of %(organisation)s is not a number that can be used.", **words)
    if code == counting.WEIGHT_NEGATIVE:
        return _("The weight of %(organisation)s is negative.", **words)
    if code == counting.COST_INVALID:
        return _("The cost of item %(item)s is not an amount that can be used.", **words)
    if code == counting.COST_NOT_POSITIVE:
        return _("The cost of item %(item)s must be more than 0.", **words)
    if code == counting.BUDGET_INVALID:
        return _("The budget is not an amount that can be used.")
    if code == counting.BUDGET_NEGATIVE:
        return _("The budget must not be negative.")
    if code == counting.POINTS_INVALID:
        return _("The points of each organisation must be a whole number of at least 1.")
    if code == counting.MAX_PER_ITEM_INVALID:
        return _("The most points per item must be a whole number of at least 1.")
    if code == counting.ITEM_INVALID:
        return _("Item %(item)s is not an item number.", **words)
    if code == counting.METHOD_UNKNOWN:
        return _("There is no counting method %(method)s.", **words)
    if code == counting.OPTION_MISSING and words.get("option") == "points":
        return _("The number of points each organisation has is missing.")
    if code == counting.OPTION_MISSING and words.get("option") == "costs":
        return _("The costs of the items are missing.")
    if code == counting.OPTION_MISSING:
        return _("The budget is missing.")
    return str(error)
