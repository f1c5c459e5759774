"""Products: the shared software, its maturity level and its publiccode.yml."""

from flask import Blueprint

bp = Blueprint("products", __name__)


def _register_audit_values() -> None:
    """The audit trail shows a requirement's translations by language."""
    from consortium.audit.labels import register_value_formatter
    from consortium.i18n import LANGUAGE_LABELS

    def translations_text(translations) -> str:
        return "; ".join(
            f"{LANGUAGE_LABELS.get(language, language)}: {text}"
            for language, text in translations.items()
        )

    register_value_formatter("maturity_requirement", "translations", translations_text)


_register_audit_values()
