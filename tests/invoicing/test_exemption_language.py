"""The reason a line carries no VAT is written in the buyer's language: on the line, on the
PDF and in the e-invoice; a reason the secretariat wrote itself is printed as written."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from lxml import etree
from pypdf import PdfReader

from consortium.extensions import db
from consortium.invoicing import services
from consortium.invoicing.services import issue
from consortium.invoicing.validation import fatal_findings, validate
from consortium.members import services as members
from consortium.settings.labels import OUTSIDE_SCOPE_REASON_LABEL, VATEX_LABELS
from consortium.settings.models import OUTSIDE_SCOPE_REASON, ComponentVat
from consortium.settings.services import exemption_reason, update_settings
from tests.invoicing.factories import complete_seller, gln

ON = date(2027, 2, 1)
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# The default reason of a membership fee (outside the scope of VAT), as each buyer reads it.
DEFAULT_REASON = {
    "da": "Bidrag til et offentligt omkostningsdelingsfællesskab, uden for momslovens område",
    "de": "Beitrag zu einem öffentlichen Kostenteilungsverbund, nicht steuerbar",
    "cs": "Příspěvek veřejnému sdružení pro sdílení nákladů, mimo předmět DPH",
}
BUYERS = {
    "da": ("Syddjurs Kommune", "DK", "Lundbergsvej 2\n8400 Ebeltoft"),
    "de": ("Stadt Jena", "DE", "Am Anger 15\n07743 Jena"),
    "cs": ("Statutární město Brno", "CZ", "Dominikánské náměstí 1\n602 00 Brno"),
}


def _buyer(language: str, index: int):
    name, country, address = BUYERS[language]
    organisation = members.create_organisation(
        name=name, kind="municipality", country=country, address=address, language=language
    )
    members.save_billing_identity(
        organisation,
        None,
        name="Finance",
        gln=gln(index),
        invoice_email="invoices@example.org",
        is_default=True,
    )
    return organisation


def _issued(language: str, index: int = 1, component: str = "membership"):
    organisation = _buyer(language, index)
    invoice = services.create_draft(organisation, members.default_billing_identity(organisation))
    services.add_line(invoice, component, "Membership fee 2027", Decimal("25000.00"))
    return issue(invoice, on=ON)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # The reason may wrap in its table cell; the narrow spaces Babel writes read as spaces.
    return re.sub(r"\s+", " ", re.sub(r"[\u00a0\u202f]", " ", text))


def _ubl_reasons(xml: bytes) -> list[str]:
    tree = etree.fromstring(xml)
    return [element.text for element in tree.iter(f"{{{CBC}}}TaxExemptionReason")]


@pytest.mark.parametrize("language", ["da", "de", "cs"])
def test_the_default_reason_is_in_the_buyers_language_on_the_line_the_pdf_and_the_ubl(
    app, language
):
    complete_seller()
    invoice = _issued(language)
    expected = DEFAULT_REASON[language]

    assert invoice.lines[0].exemption_reason == expected
    assert expected in _pdf_text(invoice.pdf)
    assert OUTSIDE_SCOPE_REASON not in _pdf_text(invoice.pdf)
    assert invoice.ubl is not None
    assert set(_ubl_reasons(invoice.ubl)) == {expected}
    assert fatal_findings(validate(invoice.ubl)) == []


def test_a_reason_the_secretariat_wrote_is_printed_as_written_for_every_buyer(app):
    complete_seller()
    written = "Tilskud til fælles it-udvikling, ikke momspligtigt (SKAT bindende svar 2019)"
    db.session.add(
        ComponentVat(
            component="membership",
            vat_category="O",
            vat_rate=Decimal("0.00"),
            exemption_reason=written,
            exemption_code="VATEX-EU-O",
        )
    )
    db.session.flush()
    for index, language in enumerate(("da", "de", "cs"), start=1):
        invoice = _issued(language, index)
        assert invoice.lines[0].exemption_reason == written
        assert written in _pdf_text(invoice.pdf)
        assert set(_ubl_reasons(invoice.ubl)) == {written}
        assert fatal_findings(validate(invoice.ubl)) == []


def test_an_empty_reason_prints_the_standard_text_of_the_exemption_code(app):
    # An exempt supply names the seller's VAT number (BR-E-02).
    update_settings(complete_seller(), vat_number="DK29189846")
    db.session.add(
        ComponentVat(
            component="pledge",
            vat_category="E",
            vat_rate=Decimal("0.00"),
            exemption_reason="",
            exemption_code="VATEX-EU-132",
        )
    )
    db.session.flush()
    invoice = _issued("de", component="pledge")
    with force_locale("de"):
        expected = str(VATEX_LABELS["VATEX-EU-132"])
    assert expected != "exempt under article 132 of the VAT directive"
    assert invoice.lines[0].exemption_reason == expected
    assert expected in _pdf_text(invoice.pdf)
    assert set(_ubl_reasons(invoice.ubl)) == {expected}
    assert fatal_findings(validate(invoice.ubl)) == []


@pytest.mark.parametrize(
    ("stored", "code", "expected"),
    [
        # The settings' own default, and the standard words of each code, are translated.
        (OUTSIDE_SCOPE_REASON, "VATEX-EU-O", DEFAULT_REASON["da"]),
        ("", "VATEX-EU-O", DEFAULT_REASON["da"]),
        ("not subject to VAT", "VATEX-EU-O", "ikke momspligtig"),
        ("  reverse charge ", "VATEX-EU-AE", "omvendt betalingspligt"),
        # Anything else is the secretariat's own and kept.
        ("Momsfritaget efter momslovens § 13", "VATEX-EU-132", None),
        ("not subject to VAT", "VATEX-EU-132", None),
        ("", "", ""),
    ],
)
def test_which_reasons_are_translated(app, stored, code, expected):
    vat = ComponentVat(
        component="membership",
        vat_category="O",
        vat_rate=Decimal(0),
        exemption_reason=stored,
        exemption_code=code,
    )
    assert exemption_reason(vat, "da") == (stored.strip() if expected is None else expected)


def test_the_default_reason_is_the_one_the_settings_store(app):
    with force_locale("en"):
        assert str(OUTSIDE_SCOPE_REASON_LABEL) == OUTSIDE_SCOPE_REASON
