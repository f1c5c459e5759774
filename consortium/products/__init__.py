"""Products: the shared software, its maturity level and its publiccode.yml."""

from flask import Blueprint, Flask

bp = Blueprint("products", __name__)


def register(app: Flask) -> None:
    """The product pages at /products, and requirements' translations in the audit trail.

    The domains above the products register their maturity checks (products/checks.py) and
    what a product's page shows from them (products/related.py) in their own register()."""
    from consortium.products import views  # noqa: F401 - views attaches the routes

    app.register_blueprint(bp, url_prefix="/products")
    _register_audit_values()


def _register_audit_values() -> None:
    """The audit trail shows a requirement's translations by language, and a product's status,
    level and ratings in words."""
    from consortium.audit.labels import labelled, register_value_formatter
    from consortium.i18n import LANGUAGE_LABELS
    from consortium.products.labels import (
        BODY_LABELS,
        LEVEL_LABELS,
        RATING_LABELS,
        SOFTWARE_TYPE_LABELS,
        STATUS_LABELS,
        THEME_LABELS,
    )

    def translations_text(translations) -> str:
        return "; ".join(
            f"{LANGUAGE_LABELS.get(language, language)}: {text}"
            for language, text in translations.items()
        )

    register_value_formatter("maturity_requirement", "translations", translations_text)
    register_value_formatter("maturity_requirement", "theme", labelled(THEME_LABELS))
    register_value_formatter("product", "status", labelled(STATUS_LABELS))
    register_value_formatter("product", "software_type", labelled(SOFTWARE_TYPE_LABELS))
    for record_type in ("product", "level_decision"):
        register_value_formatter(record_type, "level", labelled(LEVEL_LABELS))
    register_value_formatter("level_decision", "decided_by_body", labelled(BODY_LABELS))
    register_value_formatter("requirement_rating", "rating", labelled(RATING_LABELS))
