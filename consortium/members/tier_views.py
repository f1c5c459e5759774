"""The size tier bands page: the register's bands by year, edited by the secretariat.

It keeps its address among the association's settings (/settings/tiers); members.register adds
the rule as the endpoint members.tiers.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import login_required

from consortium import permissions
from consortium.forms import form_view
from consortium.members import services
from consortium.members.forms import TierBandsForm
from consortium.members.labels import TIER_LABELS
from consortium.members.tiers import LARGE, MAX_POPULATION, MEDIUM, SMALL, VERY_LARGE
from consortium.settings.services import get_settings

URL = "/settings/tiers"


BAND_MESSAGES = {
    "band_set_in_past": lambda: _(
        "Bands can only be set from this year on: years already begun keep their tiers."
    ),
    "bands_invalid": lambda: _("Each tier must start above the one before it."),
    "bands_too_large": lambda: _(
        "A tier cannot start above %(limit)s residents.", limit=format_decimal(MAX_POPULATION)
    ),
}


@login_required
@form_view
def tiers():
    """Size tier bands by year: a new set takes effect from its year and leaves earlier ones."""
    settings = get_settings()
    permissions.require("settings.edit", settings)
    sets = services.band_sets()
    form = TierBandsForm()
    if request.method == "GET":
        latest = dict((tier, bound) for bound, tier in sets[-1].bands)
        form.effective_from_year.data = max(date.today().year + 1, sets[-1].effective_from_year)
        form.medium_from.data = latest.get(MEDIUM)
        form.large_from.data = latest.get(LARGE)
        form.very_large_from.data = latest.get(VERY_LARGE)
    if form.validate_on_submit():
        bands = (
            (0, SMALL),
            (form.medium_from.data, MEDIUM),
            (form.large_from.data, LARGE),
            (form.very_large_from.data, VERY_LARGE),
        )
        try:
            services.save_band_set(form.effective_from_year.data, bands)
        except services.RegisterError as exc:
            form.effective_from_year.errors.append(BAND_MESSAGES[exc.code]())
        else:
            flash(
                _(
                    "The tier bands from %(year)d have been saved.",
                    year=form.effective_from_year.data,
                ),
                "success",
            )
            return redirect(url_for("members.tiers"))
    return render_template(
        "members/tiers.html",
        form=form,
        sets=[(band_set, dict((t, b) for b, t in band_set.bands)) for band_set in reversed(sets)],
        this_year=date.today().year,
        tier_labels=TIER_LABELS,
    )
