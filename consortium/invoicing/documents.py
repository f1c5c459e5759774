"""From an invoice record to the :class:`~consortium.invoicing.document.InvoiceDocument` that
its PDF and its e-invoice are made from.

An issued invoice is read from the copies it keeps of the seller and the buyer; a draft from
the settings and the register as they are now.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from consortium.fees.engine import Charge, to_minor
from consortium.fees.explanations import describe_charge, explanation_from_json
from consortium.i18n import money
from consortium.invoicing import document
from consortium.invoicing.models import CREDIT_NOTE, Invoice, InvoiceLine
from consortium.members.models import BillingIdentity
from consortium.settings.services import get_settings

# The rule of a line's explanation that a year-end settlement writes (invoicing/settlement.py).
SETTLEMENT_RULE = "settlement"
# What kind of document each series is.
KINDS = {CREDIT_NOTE: document.CREDIT_NOTE}
# A German Leitweg-ID: the coarse address, an optional fine address, two check digits.
LEITWEG_ID = re.compile(r"^\d{2,12}(-[A-Za-z0-9]{1,30})?-\d{2}$")
# The last line of an address with its postcode: "8000 Aarhus C", "110 00 Praha 1",
# "DK-2100 København Ø".
POSTCODE_LINE = re.compile(r"^(?:[A-Z]{2}-)?(\d{3,5}(?: \d{2})?)\s+(.+)$")
# A currency code written next to its digits ("DKK300,000.01"), which CLDR spaces and Babel
# does not.
CODE_NEXT_TO_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
# Electronic address schemes (EAS) of a seller's VAT number, by country.
VAT_SCHEMES = {"DE": "9930", "CZ": "9929"}

PARTY_FIELDS = (
    "seller_name",
    "seller_address",
    "seller_country",
    "seller_registration_number",
    "seller_vat_number",
    "seller_endpoint_scheme",
    "seller_endpoint_id",
    "seller_email",
    "seller_iban",
    "seller_bic",
    "buyer_name",
    "buyer_department",
    "buyer_address",
    "buyer_country",
    "buyer_registration_number",
    "buyer_vat_number",
    "buyer_endpoint_scheme",
    "buyer_endpoint_id",
    "buyer_reference",
    "buyer_email",
)


def seller_endpoint(country: str, registration_number: str, vat_number: str) -> tuple[str, str]:
    """The seller's electronic address (BT-34): a Danish CVR with scheme 0184, else its VAT
    number with the EAS scheme of its country; empty when neither applies."""
    if country == "DK" and registration_number:
        return document.SCHEME_DK_CVR, registration_number
    if vat_number and country in VAT_SCHEMES:
        return VAT_SCHEMES[country], vat_number
    return "", ""


def buyer_endpoint(identity: BillingIdentity | None, country: str) -> tuple[str, str]:
    """The buyer's electronic address (BT-49): its Peppol participant id, else its GLN with
    scheme 0088, else a German Leitweg-ID with scheme 0204; empty when it has none (it then
    gets the PDF only)."""
    if identity is None:
        return "", ""
    if identity.peppol_id and ":" in identity.peppol_id:
        scheme, identifier = identity.peppol_id.split(":", 1)
        return scheme, identifier
    if identity.gln:
        return document.SCHEME_GLN, identity.gln
    reference = (identity.invoice_reference or "").strip()
    if country == "DE" and LEITWEG_ID.match(reference):
        return document.SCHEME_LEITWEG_ID, reference
    return "", ""


def party_values(invoice: Invoice) -> dict[str, str]:
    """The seller's and the buyer's data as the settings and the register hold them now, by
    the names of the invoice's copies."""
    settings = get_settings()
    organisation = invoice.organisation
    identity = invoice.billing_identity
    seller_scheme, seller_id = seller_endpoint(
        settings.country or "", settings.registration_number or "", settings.vat_number or ""
    )
    buyer_scheme, buyer_id = buyer_endpoint(identity, organisation.country)
    return {
        "seller_name": settings.invoicing_name,
        "seller_address": settings.address or "",
        "seller_country": settings.country or "",
        "seller_registration_number": settings.registration_number or "",
        "seller_vat_number": settings.vat_number or "",
        "seller_endpoint_scheme": seller_scheme,
        "seller_endpoint_id": seller_id,
        "seller_email": settings.email or "",
        "seller_iban": settings.iban or "",
        "seller_bic": settings.bic or "",
        "buyer_name": organisation.name,
        "buyer_department": identity.name if identity is not None else "",
        "buyer_address": organisation.address or "",
        "buyer_country": organisation.country,
        "buyer_registration_number": organisation.registration_number or "",
        "buyer_vat_number": organisation.vat_number or "",
        "buyer_endpoint_scheme": buyer_scheme,
        "buyer_endpoint_id": buyer_id,
        "buyer_reference": (
            (identity.invoice_reference or identity.gln or "") if identity is not None else ""
        ),
        "buyer_email": ((identity.invoice_email if identity else "") or organisation.email),
    }


def address_parts(text: str) -> tuple[str, str, str, str]:
    """A written address as (street, additional street, postcode, city): the first line is the
    street, a last line that starts with a postcode gives the postcode and the city."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return "", "", "", ""
    postcode = city = ""
    if len(lines) > 1:
        match = POSTCODE_LINE.match(lines[-1])
        if match:
            postcode, city = match.group(1), match.group(2)
        else:
            city = lines[-1]
        lines = lines[:-1]
    return lines[0], ", ".join(lines[1:]), postcode, city


def _party(values: dict[str, str], role: str) -> document.Party:
    street, additional, postcode, city = address_parts(values[f"{role}_address"])
    scheme, identifier = values[f"{role}_endpoint_scheme"], values[f"{role}_endpoint_id"]
    return document.Party(
        name=values[f"{role}_name"],
        street=street,
        additional_street=additional,
        city=city,
        postcode=postcode,
        country=values[f"{role}_country"] or "DK",
        vat_number=values[f"{role}_vat_number"],
        registration_number=values[f"{role}_registration_number"],
        electronic_address=(
            document.ElectronicAddress(scheme, identifier) if scheme and identifier else None
        ),
        email=values[f"{role}_email"],
        contact_name=values.get("buyer_department", "") if role == "buyer" else "",
    )


def to_document(invoice: Invoice) -> document.InvoiceDocument:
    """The invoice as its PDF and its e-invoice show it.

    A draft has no number and no issue date yet: it reads as issued today, numbered "".
    """
    if invoice.is_numbered:
        values = {key: getattr(invoice, key) or "" for key in PARTY_FIELDS}
    else:
        values = party_values(invoice)
    issued_on = invoice.issued_on or date.today()
    due_on = invoice.due_on or issued_on + timedelta(days=get_settings().payment_terms_days)
    lines = tuple(
        document.Line(
            description=line.description,
            net_amount=Decimal(line.net_amount),
            vat_category=line.vat_category,
            vat_rate=Decimal(line.vat_rate),
            quantity=Decimal(line.quantity),
            unit_price=Decimal(line.unit_price),
            exemption_reason=line.exemption_reason,
            exemption_code=line.exemption_code,
            explanation=explanation_text(line, invoice.currency, invoice.language),
        )
        for line in invoice.lines
    )
    number = invoice.number or ""
    kind = KINDS.get(invoice.series, document.INVOICE)
    credited = invoice.credited_invoice
    if kind == document.CREDIT_NOTE:
        terms = credit_terms_text(credited.number if credited else "", invoice.language)
    else:
        terms = payment_terms_text(get_settings().payment_terms_days, invoice.language)
    return document.InvoiceDocument(
        number=number,
        issue_date=issued_on,
        due_date=due_on,
        currency=invoice.currency,
        seller=_party(values, "seller"),
        buyer=_party(values, "buyer"),
        lines=lines,
        language=invoice.language,
        period_start=invoice.period_start_on,
        period_end=invoice.period_end_on,
        buyer_reference=values["buyer_reference"],
        iban=values["seller_iban"],
        bic=values["seller_bic"],
        payment_reference=number,
        kind=kind,
        preceding_number=(credited.number or "") if credited is not None else "",
        preceding_issue_date=credited.issued_on if credited is not None else None,
        payment_terms=terms,
    )


def payment_terms_text(days: int, language: str) -> str:
    """The payment terms (BT-20) in the buyer's language, e.g. "Net 30 days"."""
    with force_locale(language):
        return _("Net %(days)s days", days=days)


def credit_terms_text(invoice_number: str, language: str) -> str:
    """What happens to the amount of a credit note (its payment terms, BT-20), in the buyer's
    language: it is set off against the invoice it corrects, or paid back."""
    with force_locale(language):
        return _(
            "The amount credited is set off against invoice %(number)s or, when that invoice "
            "has been paid, paid back to you.",
            number=invoice_number,
        )


def explanation_text(line: InvoiceLine, currency: str, language: str) -> str:
    """Why the line's amount is what it is, in the buyer's language; "" for a free line.

    An explanation the fee engine can no longer read (an older shape) is left out rather than
    stopping the invoice."""
    if not line.explanation:
        return ""
    if line.explanation.get("rule") == SETTLEMENT_RULE:
        return settlement_text(line.explanation, currency, language)
    try:
        charge = Charge(
            organisation_key="",
            kind=line.component,
            amount_minor=to_minor(Decimal(line.net_amount), currency),
            currency=currency,
            explanation=explanation_from_json(line.explanation),
        )
        return describe_charge(charge, language)
    except (AttributeError, KeyError, TypeError, ValueError):
        return ""


def settlement_text(explanation: dict, currency: str, language: str | None = None) -> str:
    """Why a year-end settlement's line is what it is, in the reader's (or the given) language:
    "Actual cost DKK 310,000.00 against the budget DKK 300,000.01; your share 77.7778 %"."""
    if language:
        with force_locale(language):
            return settlement_text(explanation, currency)
    try:
        return _(
            "Actual cost %(actual)s against the budget %(budget)s; your share %(share)s %%",
            actual=_spaced(money(Decimal(explanation["actual_cost"]), currency)),
            budget=_spaced(money(Decimal(explanation["budget"]), currency)),
            share=percent_text(Decimal(explanation["share_percent"])),
        )
    except (KeyError, TypeError, ArithmeticError):
        return ""


def _spaced(amount: str) -> str:
    """An amount with a no-break space between its currency code and its digits, as the
    invoice PDF writes it: "DKK 300,000.01"."""
    return CODE_NEXT_TO_DIGIT.sub("\u00a0", amount)


def percent_text(value: Decimal) -> str:
    """A share in per cent as the reader writes numbers, with two to four decimals: 77.7778."""
    return str(format_decimal(value, format="#,##0.00##"))
