"""The e-invoice says what the invoice says: parties, addresses, lines, VAT, totals, payment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium.invoicing.document import (
    PEPPOL_CUSTOMIZATION_ID,
    PEPPOL_PROFILE_ID,
    SCHEME_GLN,
    ElectronicAddress,
)
from consortium.invoicing.ubl import (
    MISSING_BUYER_REFERENCE,
    MISSING_ELECTRONIC_ADDRESS,
    EInvoiceRefused,
    einvoice_refusal,
    invoice_xml,
)
from tests.invoicing.einvoices import (
    AARHUS,
    AARHUS_GLN,
    LEITWEG_ID,
    NS,
    danish_invoice,
    exempt_line,
    german_invoice,
    outside_scope_line,
    parse,
    text,
)


def test_a_danish_municipality_gets_its_invoice_at_its_gln_with_the_totals_of_the_pdf():
    document = danish_invoice()
    tree = parse(invoice_xml(document))

    assert text(tree, "cbc:CustomizationID") == PEPPOL_CUSTOMIZATION_ID
    assert text(tree, "cbc:ProfileID") == PEPPOL_PROFILE_ID
    assert text(tree, "cbc:ID") == "2027-00001"
    assert text(tree, "cbc:IssueDate") == "2027-01-15"
    assert text(tree, "cbc:DueDate") == "2027-02-14"
    assert text(tree, "cbc:InvoiceTypeCode") == "380"
    assert text(tree, "cbc:BuyerReference") == AARHUS_GLN
    assert text(tree, "cac:InvoicePeriod/cbc:StartDate") == "2027-01-01"
    buyer = tree.find("cac:AccountingCustomerParty/cac:Party", NS)
    endpoint = buyer.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == (SCHEME_GLN, AARHUS_GLN)
    assert text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName") == "Aarhus Kommune"
    assert text(buyer, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "DK"

    # 25,000.00 + 12,345.67 = 37,345.67 net; 25 % VAT on the sum = 9,336.42 (half up).
    assert text(tree, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "37345.67"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "37345.67"
    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "9336.42"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "46682.09"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "46682.09"
    assert Decimal(text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount")) == document.gross_total
    subtotal = tree.find("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert text(subtotal, "cac:TaxCategory/cbc:ID") == "S"
    assert text(subtotal, "cac:TaxCategory/cbc:Percent") == "25"

    lines = tree.findall("cac:InvoiceLine", NS)
    assert [text(line, "cac:Item/cbc:Name") for line in lines] == [
        "Kontingent 2027",
        "OS2forms, andel 2027",
    ]
    assert text(lines[0], "cac:Item/cbc:Description") == "fast kontingent på 25.000,00 DKK om året"
    assert lines[0].find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
    assert text(lines[1], "cbc:LineExtensionAmount") == "12345.67"
    assert text(lines[1], "cac:Price/cbc:PriceAmount") == "12345.67"
    assert text(lines[1], "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "25"


def test_every_amount_has_two_decimals_and_the_invoice_currency():
    tree = parse(invoice_xml(danish_invoice()))
    amounts = tree.findall(".//*[@currencyID]")
    assert len(amounts) >= 10
    for element in amounts:
        assert element.get("currencyID") == "DKK"
        assert len(element.text.split(".")[1]) == 2, element.text


def test_the_seller_is_addressed_and_identified_by_its_cvr_with_scheme_0184():
    tree = parse(invoice_xml(danish_invoice()))
    seller = tree.find("cac:AccountingSupplierParty/cac:Party", NS)
    endpoint = seller.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0184", "DK29283958")
    company = seller.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (company.get("schemeID"), company.text) == ("0184", "DK29283958")
    assert text(seller, "cac:PartyTaxScheme/cbc:CompanyID") == "DK29283958"
    assert text(seller, "cac:Contact/cbc:ElectronicMail") == "faktura@os2.eu"


def test_a_seller_with_a_gln_is_addressed_by_its_gln():
    from tests.invoicing.einvoices import ASSOCIATION

    seller = ASSOCIATION.__class__(
        **{
            **ASSOCIATION.__dict__,
            "electronic_address": ElectronicAddress(SCHEME_GLN, "5790000000005"),
        }
    )
    tree = parse(invoice_xml(danish_invoice(seller=seller)))
    endpoint = tree.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == (SCHEME_GLN, "5790000000005")


def test_payment_goes_to_the_iban_and_bic_with_the_invoice_number_as_reference():
    tree = parse(invoice_xml(danish_invoice()))
    means = tree.find("cac:PaymentMeans", NS)
    # Between Danish parties the Danish Peppol rules (DK-R-005) allow 31, not 30.
    assert text(means, "cbc:PaymentMeansCode") == "31"
    assert text(means, "cbc:PaymentID") == "2027-00001"
    assert text(means, "cac:PayeeFinancialAccount/cbc:ID") == "DK5000400440116243"
    assert text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == (
        "NDEADKKK"
    )
    assert text(tree, "cac:PaymentTerms/cbc:Note") == "Netto 30 dage"

    euro = parse(invoice_xml(german_invoice()))
    assert text(euro, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"  # SEPA credit transfer


def test_a_german_municipality_is_addressed_by_its_leitweg_id_which_is_its_buyer_reference():
    tree = parse(invoice_xml(german_invoice()))
    endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0204", LEITWEG_ID)
    assert text(tree, "cbc:BuyerReference") == LEITWEG_ID
    category = tree.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:ID") == "AE"
    assert text(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-AE"
    assert text(tree, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") == (
        "DE122119035"
    )


@pytest.mark.parametrize(
    ("identifier", "scheme", "expected"),
    [
        ("iso6523-actorid-upis::0088:5798000020108", "iso6523-actorid-upis", "5798000020108"),
        ("0088:5798000020108", "", "5798000020108"),
    ],
)
def test_a_peppol_participant_id_gives_the_scheme_and_the_identifier(identifier, scheme, expected):
    buyer = AARHUS.__class__(
        **{**AARHUS.__dict__, "electronic_address": ElectronicAddress(scheme, identifier)}
    )
    tree = parse(invoice_xml(danish_invoice(buyer=buyer)))
    endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0088", expected)


def test_exempt_lines_carry_their_reason_and_vatex_code_in_the_vat_breakdown():
    document = danish_invoice(danish_invoice().lines[0], exempt_line())
    tree = parse(invoice_xml(document))
    subtotals = {
        text(subtotal, "cac:TaxCategory/cbc:ID"): subtotal
        for subtotal in tree.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    }
    assert set(subtotals) == {"S", "E"}
    exempt = subtotals["E"]
    assert text(exempt, "cbc:TaxableAmount") == "5000.00"
    assert text(exempt, "cbc:TaxAmount") == "0.00"
    assert text(exempt, "cac:TaxCategory/cbc:Percent") == "0"
    assert text(exempt, "cac:TaxCategory/cbc:TaxExemptionReasonCode") == "VATEX-EU-132"
    assert text(exempt, "cac:TaxCategory/cbc:TaxExemptionReason") == (
        "Momsfritaget efter momslovens § 13"
    )
    # VAT only on the standard-rated membership fee: 25 % of 25,000.00.
    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "6250.00"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "36250.00"


def test_an_outside_scope_invoice_has_no_rate_and_names_no_vat_number():
    document = danish_invoice(
        outside_scope_line("Tilsagn til OS2forms 2027", "10000.00"),
        outside_scope_line("Tilsagn til OS2rollekatalog 2027", "2500.50"),
    )
    tree = parse(invoice_xml(document))
    category = tree.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:ID") == "O"
    assert category.find("cbc:Percent", NS) is None
    assert text(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-O"
    for line in tree.findall("cac:InvoiceLine", NS):
        assert line.find("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", NS) is None
    # BR-O-02: neither party's VAT identifier on an invoice outside the scope of VAT.
    assert tree.find(".//cac:PartyTaxScheme", NS) is None
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "12500.50"


def test_a_buyer_without_an_electronic_address_or_reference_gets_no_e_invoice():
    no_address = AARHUS.__class__(**{**AARHUS.__dict__, "electronic_address": None})
    document = danish_invoice(buyer=no_address, buyer_reference="")

    assert einvoice_refusal(document) == (MISSING_ELECTRONIC_ADDRESS, MISSING_BUYER_REFERENCE)
    with pytest.raises(EInvoiceRefused) as refused:
        invoice_xml(document)
    assert refused.value.missing == (MISSING_ELECTRONIC_ADDRESS, MISSING_BUYER_REFERENCE)
    assert "2027-00001" in str(refused.value)
    assert "no electronic address" in str(refused.value)
    assert "no invoice reference" in str(refused.value)

    with pytest.raises(EInvoiceRefused) as refused:
        invoice_xml(danish_invoice(buyer_reference=" "))
    assert refused.value.missing == (MISSING_BUYER_REFERENCE,)
    assert einvoice_refusal(danish_invoice()) == ()


@pytest.mark.parametrize("language", ["da", "de", "cs"])
def test_the_reasons_for_refusing_an_e_invoice_read_in_the_secretariats_language(app, language):
    from flask_babel import force_locale, gettext

    from consortium.invoicing.ubl import REFUSAL_MESSAGES

    with app.test_request_context(), force_locale(language):
        for message in REFUSAL_MESSAGES.values():
            translated = gettext(message)
            assert translated != message
            assert "GLN" in translated
