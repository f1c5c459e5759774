"""The invoice as a PDF: an A4 document in the buyer's language, made from the same
:class:`~consortium.invoicing.document.InvoiceDocument` as the e-invoice. A credit note is
titled so, names the invoice it credits and says what is credited instead of what to pay.

It shows every field an EU VAT invoice needs (VAT directive 2006/112/EC, article 226) and puts
what a finance department looks for first (number, due date, amount to pay, bank account) in a
box at the top of the first page. Amounts and dates are formatted with Babel as the buyer's
language writes them; the page numbers ("Page 1 of 2") come from CSS counters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from babel import Locale
from flask_babel import (
    force_locale,
    format_currency,
    format_date,
    format_decimal,
    format_percent,
    get_locale,
)
from flask_babel import gettext as _
from markupsafe import Markup

from consortium.invoicing.document import (
    EXEMPT,
    OUTSIDE_SCOPE,
    REVERSE_CHARGE,
    SCHEME_DK_CVR,
    SCHEME_GLN,
    SCHEME_LEITWEG_ID,
    STANDARD,
    ZERO_RATED,
    ElectronicAddress,
    InvoiceDocument,
    Line,
    Party,
)
from consortium.pdf import EmbeddedFile, css_string, image_data_uri, page_counter, render_pdf

PNG, JPEG = "image/png", "image/jpeg"
_CODE_NEXT_TO_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_LOGO_TYPES = {"png": PNG, "image/png": PNG, "jpeg": JPEG, "jpg": JPEG, "image/jpeg": JPEG}


def invoice_pdf(
    document: InvoiceDocument,
    *,
    logo: bytes | None = None,
    logo_type: str | None = None,
    pdf_variant: str | None = None,
    attachments: Sequence[EmbeddedFile] = (),
    xmp_descriptions: Sequence[bytes] = (),
) -> bytes:
    """The invoice as PDF bytes, in the buyer's language (``document.language``).

    ``logo`` is the seller's logo, a PNG or a JPEG; ``logo_type`` names it ("image/png",
    "image/jpeg", "png", "jpeg") and is read from the image's first bytes when not given.
    ``pdf_variant`` asks for a PDF profile, e.g. ``"pdf/a-3b"`` for the base of a Factur-X,
    whose XML comes in ``attachments`` and its XMP schema in ``xmp_descriptions`` (see
    :func:`consortium.pdf.html_to_pdf`).
    """
    logo_uri = image_data_uri(logo, logo_mime_type(logo, logo_type)) if logo else None
    with force_locale(document.language):
        return render_pdf(
            "invoicing/invoice_pdf.html",
            stylesheets=("pdf/invoice.css",),
            invoice=document,
            logo_uri=logo_uri,
            fmt=InvoiceFormat(),
            pdf_variant=pdf_variant,
            attachments=attachments,
            xmp_descriptions=xmp_descriptions,
        )


def logo_mime_type(logo: bytes, logo_type: str | None = None) -> str:
    """The logo's MIME type, as named or as its first bytes tell; a ValueError for anything
    but a PNG or a JPEG."""
    if logo_type:
        try:
            return _LOGO_TYPES[logo_type.strip().lower()]
        except KeyError:
            raise ValueError(f"the logo must be a PNG or a JPEG, not {logo_type}") from None
    if logo.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if logo.startswith(b"\xff\xd8\xff"):
        return JPEG
    raise ValueError("the logo must be a PNG or a JPEG")


class InvoiceFormat:
    """How the template writes amounts, dates, rates, parties and labels in the current locale
    (the buyer's, forced around the rendering)."""

    def amount(self, value: Decimal) -> str:
        """An amount with two decimals and the locale's separators: 32.484,57 in Danish."""
        return str(format_decimal(value, format="#,##0.00"))

    def money(self, value: Decimal, currency: str) -> str:
        """An amount with its currency: 32.484,57 kr. in Danish, DKK 32,484.57 in English (with
        the space between a currency code and its digits that CLDR asks for and Babel leaves
        out)."""
        return _CODE_NEXT_TO_DIGIT.sub("\u00a0", str(format_currency(value, currency)))

    def quantity(self, value: Decimal) -> str:
        """A quantity without trailing zeros: 1, 2,5."""
        return str(format_decimal(value))

    def rate(self, value: Decimal) -> str:
        """A VAT rate as the locale writes percentages: "25 %" in Danish, "12.5%" in English."""
        pattern = Locale.parse(str(get_locale())).percent_formats[None].pattern
        return str(format_percent(value / 100, format=pattern.replace("#,##0", "#,##0.##", 1)))

    def day(self, value: date | None) -> str:
        return "" if value is None else str(format_date(value, "long"))

    def short_day(self, value: date | None) -> str:
        return "" if value is None else str(format_date(value, "medium"))

    def country(self, code: str) -> str:
        territories = Locale.parse(str(get_locale())).territories
        return str(territories.get(code.upper(), code)) if code else ""

    def address_lines(self, party: Party) -> list[str]:
        place = " ".join(part for part in (party.postcode, party.city) if part)
        lines = [party.street, party.additional_street, place, self.country(party.country)]
        return [line for line in lines if line]

    def iban(self, iban: str) -> str:
        """In groups of four, as it is printed for people to type."""
        compact = "".join(iban.split()).upper()
        return " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))

    def electronic_address(self, address: ElectronicAddress) -> tuple[str, str]:
        """The label and the value of where the buyer receives e-invoices."""
        labels = {
            SCHEME_GLN: _("EAN/GLN number"),
            SCHEME_DK_CVR: _("CVR number (e-invoicing)"),
            SCHEME_LEITWEG_ID: _("Leitweg-ID"),
        }
        label = labels.get(address.scheme)
        if label is None:
            return _("Electronic address"), f"{address.scheme}:{address.identifier}"
        return label, address.identifier

    def vat_category(self, category: str) -> str:
        labels = {
            STANDARD: _("Standard rate"),
            ZERO_RATED: _("Zero rated"),
            EXEMPT: _("Exempt from VAT"),
            OUTSIDE_SCOPE: _("Outside the scope of VAT"),
            REVERSE_CHARGE: _("Reverse charge"),
        }
        return str(labels.get(category, category))

    def own_exemption_reason(self, document: InvoiceDocument, line: Line) -> bool:
        """Whether a line's exemption reason differs from the one its category's VAT subtotal
        shows, and so must be printed on the line itself."""
        if not line.exemption_reason:
            return False
        for subtotal in document.subtotals:
            if (subtotal.category, subtotal.rate) == (line.vat_category, line.vat_rate):
                return subtotal.exemption_reason != line.exemption_reason
        return True

    def vat_short(self, category: str, rate: Decimal) -> str:
        """The VAT of a line in its column: the rate for S and Z, a short name else."""
        if category in (STANDARD, ZERO_RATED):
            return self.rate(rate)
        labels = {
            EXEMPT: _("Exempt"),
            OUTSIDE_SCOPE: _("No VAT"),
            REVERSE_CHARGE: _("Reverse charge"),
        }
        return str(labels.get(category, category))

    def page_counter(self) -> Markup:
        """CSS content for "Page 1 of 2" in the locale's words, built from counters."""
        return page_counter()

    def title(self, document: InvoiceDocument) -> str:
        """What the document is, its number and its buyer."""
        if document.is_credit_note:
            return str(
                _(
                    "Credit note %(number)s to %(buyer)s",
                    number=document.number,
                    buyer=document.buyer.name,
                )
            )
        return str(
            _("Invoice %(number)s to %(buyer)s", number=document.number, buyer=document.buyer.name)
        )

    def running_title(self, document: InvoiceDocument) -> Markup:
        """CSS content for the top of every page after the first."""
        return css_string(self.title(document))

    def footer(self, document: InvoiceDocument) -> Markup:
        """CSS content for the foot of every page: who sends the invoice."""
        seller = document.seller
        parts = [seller.name]
        if seller.vat_number:
            parts.append(_("VAT number %(number)s", number=seller.vat_number))
        if seller.email:
            parts.append(seller.email)
        return css_string(" · ".join(parts))
