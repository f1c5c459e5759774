"""The member register: organisations, populations, size tiers, billing identities, membership."""

from flask import Blueprint

bp = Blueprint("members", __name__)


def _register_audit_values() -> None:
    """The audit trail shows size tier bands as "Small from 0, Medium from 25,000"."""
    from flask_babel import format_decimal
    from flask_babel import gettext as _

    from consortium.audit.labels import register_value_formatter
    from consortium.members.labels import TIER_LABELS

    def bands_text(bands) -> str:
        return ", ".join(
            _(
                "%(tier)s from %(residents)s",
                tier=TIER_LABELS.get(tier, tier),
                residents=format_decimal(int(bound)),
            )
            for bound, tier in bands
        )

    register_value_formatter("tier_band_set", "bands", bands_text)


_register_audit_values()
