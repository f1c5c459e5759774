"""The member register: organisations, populations, size tiers, billing identities, membership."""

from flask import Blueprint, Flask

bp = Blueprint("members", __name__)


def register(app: Flask) -> None:
    """The register's pages at /organisations, the tier bands page at /settings/tiers,
    `flask orgs`, and the tier bands in the audit trail."""
    from consortium.members import cli, list_views, tier_views, views  # noqa: F401 - views attach the routes

    app.register_blueprint(bp, url_prefix="/organisations")
    app.add_url_rule(tier_views.URL, "members.tiers", tier_views.tiers, methods=["GET", "POST"])
    app.cli.add_command(cli.orgs_cli)
    _register_audit_values()


def _register_audit_values() -> None:
    """The audit trail shows size tier bands as "Small from 0, Medium from 25,000"."""
    from flask_babel import format_decimal
    from flask_babel import gettext as _

    from consortium.audit.labels import labelled, register_value_formatter
    from consortium.members.labels import KIND_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS

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
    register_value_formatter("organisation", "kind", labelled(KIND_LABELS))
    register_value_formatter("organisation", "tier_override", labelled(TIER_LABELS))
    register_value_formatter("membership", "status", labelled(STATUS_LABELS))
    register_value_formatter("organisation_contact", "role", labelled(ROLE_LABELS))
