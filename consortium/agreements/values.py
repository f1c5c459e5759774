"""The values of an agreement's placeholders for one organisation, participation or supplier, in
the document's language: the parties, the product, its phase, start date, term and notice, the
cost-sharing rule in words, the expected share for the year with the fee engine's explanation,
the billing identity, the supplier's products and the code of conduct.

Every value is plain text; ``text.fill`` escapes it, so nothing a register record holds can
add structure or markup to a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from consortium.agreements.text import PLACEHOLDERS
from consortium.fees.audit_values import pricing_text
from consortium.fees.computation import FeeSetupError, compute_year
from consortium.fees.explanations import describe_charge, money_text
from consortium.fees.queries import tariff_for
from consortium.members.models import BillingIdentity, Organisation
from consortium.members.services import default_billing_identity, membership_status
from consortium.participation.labels import PHASE_LABELS
from consortium.participation.models import Participation
from consortium.settings.services import get_settings
from consortium.suppliers.labels import CODE_OF_CONDUCT
from consortium.suppliers.models import Supplier

# Notice for a membership, which records none of its own.
MEMBERSHIP_NOTICE_MONTHS = 6


@dataclass(frozen=True)
class Parties:
    """Whom a document is for: an organisation (with the participation, for a participation
    agreement) or a supplier."""

    organisation: Organisation | None = None
    participation: Participation | None = None
    supplier: Supplier | None = None


def placeholder_values(
    parties: Parties,
    language: str,
    *,
    today: date,
    document_number: str = "",
    version_label: str = "",
) -> dict[str, str]:
    """Every placeholder's value (empty where the parties give none), written in the language."""
    with force_locale(language):
        values = dict.fromkeys(PLACEHOLDERS, "")
        settings = get_settings()
        values["association.name"] = settings.legal_name or settings.name
        values["association.registration_number"] = settings.registration_number or ""
        values["document.number"] = document_number
        values["template.version"] = version_label
        values["today"] = str(format_date(today, "long"))
        organisation = parties.organisation
        if parties.participation is not None:
            organisation = parties.participation.organisation
        if organisation is not None:
            values |= _organisation_values(organisation)
        if parties.participation is not None:
            values |= _participation_values(parties.participation, today)
        elif organisation is not None:
            values |= _membership_values(organisation)
        if parties.supplier is not None:
            values |= _supplier_values(parties.supplier)
        return {name: values.get(name, "") for name in PLACEHOLDERS}


def _organisation_values(organisation: Organisation) -> dict[str, str]:
    return {
        "organisation.name": organisation.name,
        "organisation.registration_number": organisation.registration_number or "",
        "organisation.address": " · ".join(
            line.strip() for line in (organisation.address or "").splitlines() if line.strip()
        ),
        "billing_identity": _billing_text(default_billing_identity(organisation)),
    }


def _billing_text(identity: BillingIdentity | None) -> str:
    if identity is None:
        return ""
    parts = [identity.name]
    if identity.gln:
        parts.append(_("EAN %(number)s", number=identity.gln))
    if identity.peppol_id:
        parts.append(_("Peppol %(id)s", id=identity.peppol_id))
    if identity.invoice_reference:
        parts.append(_("reference %(reference)s", reference=identity.invoice_reference))
    return ", ".join(parts)


def _notice_text(months: int, at_year_end: bool) -> str:
    if at_year_end:
        return ngettext(
            "%(num)s month, to the end of a calendar year",
            "%(num)s months, to the end of a calendar year",
            months,
        )
    return ngettext("%(num)s month", "%(num)s months", months)


def _membership_values(organisation: Organisation) -> dict[str, str]:
    current = membership_status(organisation)
    values = {"notice_period": _notice_text(MEMBERSHIP_NOTICE_MONTHS, True)}
    if current is not None and current.status == "active":
        start = str(format_date(current.status_on, "long"))
        values["start_date"] = start
        values["term"] = _("from %(start)s until notice is given", start=start)
    return values


def _participation_values(participation: Participation, today: date) -> dict[str, str]:
    start = str(format_date(participation.starts_on, "long"))
    if participation.ends_on is None:
        term = _("from %(start)s until notice is given", start=start)
    else:
        term = _(
            "from %(start)s to %(end)s",
            start=start,
            end=str(format_date(participation.ends_on, "long")),
        )
    values = {
        "product.name": participation.product.name,
        "product.phase": str(PHASE_LABELS.get(participation.phase, participation.phase)),
        "start_date": start,
        "term": term,
        "notice_period": _notice_text(participation.notice_months, participation.ends_at_year_end),
    }
    if participation.billing_identity is not None:
        values["billing_identity"] = _billing_text(participation.billing_identity)
    year = max(today.year, participation.starts_on.year)
    values |= share_values(participation, year)
    return values


def share_values(participation: Participation, year: int) -> dict[str, str]:
    """The participation's expected share for the year, the engine's explanation and the
    cost-sharing rule in words; words saying why when the year's fees cannot be computed."""
    product = participation.product
    tariff = tariff_for(product.id, year)
    values = {
        "share.year": str(year),
        "cost_sharing_rule": pricing_text(tariff.pricing)
        if tariff is not None
        else _("The cost-sharing rule for %(year)s has not been set yet.", year=year),
    }
    try:
        result = compute_year(year, product_slug=product.slug, membership=False)
    except FeeSetupError as exc:
        values["share.amount"] = _("not yet known")
        values["share.explanation"] = str(exc.reason)
        return values
    charges = [
        charge
        for charge in result.for_organisation(participation.organisation_id)
        if charge.product_key == product.slug
    ]
    if not charges:
        values["share.amount"] = _("not yet known")
        values["share.explanation"] = _(
            "No share of %(product)s has been computed for %(year)s yet.",
            product=product.name,
            year=year,
        )
        return values
    total = sum((charge.amount for charge in charges), Decimal("0"))
    values["share.amount"] = money_text(total, result.currency)
    values["share.explanation"] = " / ".join(describe_charge(charge) for charge in charges)
    return values


def _supplier_values(supplier: Supplier) -> dict[str, str]:
    agreements = supplier.agreements
    products = agreements[-1].products if agreements else supplier.products_wanted
    return {
        "supplier.name": supplier.name,
        "supplier.registration_number": supplier.registration_number,
        "supplier.address": " · ".join(
            line.strip() for line in (supplier.address or "").splitlines() if line.strip()
        ),
        "supplier.products": ", ".join(sorted(product.name for product in products)),
        "code_of_conduct": "\n\n".join(str(rule) for rule in CODE_OF_CONDUCT),
    }
