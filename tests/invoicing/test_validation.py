"""The e-invoices pass the official rules a buyer's access point runs, and broken ones do not.

Each invoice is checked against the UBL 2.1 schema, the CEN EN 16931 rules and the OpenPeppol
BIS Billing 3.0 rules (vendored in consortium/data/einvoice/) and our own Peppol checks.
"""

from __future__ import annotations

import time

import pytest

from consortium.invoicing import validation
from consortium.invoicing.ubl import invoice_xml
from consortium.invoicing.validation import (
    EN16931,
    OWN_CHECKS,
    PEPPOL,
    SCHEMA,
    EInvoiceInvalid,
    ensure_valid,
    fatal_findings,
    validate,
)
from tests.invoicing.einvoices import (
    NS,
    danish_invoice,
    edited,
    exempt_line,
    german_invoice,
    outside_scope_line,
    remove,
)

INVOICES = {
    "danish municipality, GLN, 25 % VAT": lambda: danish_invoice(),
    "german municipality, Leitweg-ID, reverse charge": lambda: german_invoice(),
    "standard and exempt lines": lambda: danish_invoice(danish_invoice().lines[0], exempt_line()),
    "outside the scope of VAT only": lambda: danish_invoice(
        outside_scope_line("Tilsagn til OS2forms 2027", "10000.00"),
        outside_scope_line("Tilsagn til OS2rollekatalog 2027", "2500.50"),
    ),
}


def rules(findings, source=None):
    return {f.rule for f in fatal_findings(findings) if source is None or f.source == source}


@pytest.mark.parametrize("name", INVOICES)
def test_our_e_invoices_pass_the_schema_and_the_en16931_and_peppol_rules(name):
    findings = validate(invoice_xml(INVOICES[name]()))
    assert fatal_findings(findings) == []


def test_the_rule_sets_really_run():
    # A document that is no invoice at all breaks the schema and the rules of all three sets.
    findings = validate(
        b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>"
    )
    sources = {finding.source for finding in fatal_findings(findings)}
    assert {SCHEMA, EN16931, PEPPOL, OWN_CHECKS} <= sources
    assert validate(b"<Invoice")[0].rule == "XML"


def test_without_a_buyer_reference_peppol_rejects_the_invoice_r003():
    xml = edited(invoice_xml(danish_invoice()), lambda tree: remove(tree, "cbc:BuyerReference"))
    findings = validate(xml)
    assert "PEPPOL-EN16931-R003" in rules(findings, PEPPOL)
    assert "PEPPOL-EN16931-R003" in rules(findings, OWN_CHECKS)
    finding = next(f for f in findings if f.rule == "PEPPOL-EN16931-R003")
    assert "buyer reference" in finding.text
    assert finding.location


def test_a_standard_rated_line_without_a_rate_is_rejected_br_s_05():
    def drop_rate(tree):
        remove(tree, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")

    findings = validate(edited(invoice_xml(danish_invoice()), drop_rate))
    assert "BR-S-05" in rules(findings, EN16931)


def test_sums_that_do_not_add_up_are_rejected_br_co():
    def wrong_line_total(tree):
        tree.find("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", NS).text = "37345.68"

    def wrong_vat_total(tree):
        tree.find("cac:TaxTotal/cbc:TaxAmount", NS).text = "9336.43"

    xml = invoice_xml(danish_invoice())
    assert "BR-CO-10" in rules(validate(edited(xml, wrong_line_total)), EN16931)
    assert "BR-CO-14" in rules(validate(edited(xml, wrong_vat_total)), EN16931)


@pytest.mark.parametrize(
    ("party", "rule"),
    [
        ("cac:AccountingCustomerParty", "PEPPOL-EN16931-R010"),
        ("cac:AccountingSupplierParty", "PEPPOL-EN16931-R020"),
    ],
)
def test_an_invoice_without_an_electronic_address_is_rejected(party, rule):
    xml = edited(
        invoice_xml(danish_invoice()),
        lambda tree: remove(tree, f"{party}/cac:Party/cbc:EndpointID"),
    )
    findings = validate(xml)
    assert rule in rules(findings, OWN_CHECKS)
    assert rule in rules(findings, PEPPOL)


def test_an_electronic_address_scheme_outside_the_eas_list_is_rejected():
    def unknown_scheme(tree):
        endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
        endpoint.set("schemeID", "9999")

    findings = validate(edited(invoice_xml(german_invoice()), unknown_scheme))
    assert "PEPPOL-EN16931-CL008" in rules(findings, OWN_CHECKS)
    assert "PEPPOL-EN16931-CL008" in rules(findings, PEPPOL)


def test_the_specification_and_process_identifiers_are_peppols():
    def other_customization(tree):
        tree.find("cbc:CustomizationID", NS).text = "urn:cen.eu:en16931:2017"

    def other_profile(tree):
        tree.find("cbc:ProfileID", NS).text = "urn:fdc:peppol.eu:2017:poacc:billing:02:1.0"

    xml = invoice_xml(danish_invoice())
    findings = validate(edited(xml, other_customization))
    assert "PEPPOL-EN16931-R004" in rules(findings, OWN_CHECKS)
    assert "PEPPOL-EN16931-R004" in rules(findings, PEPPOL)
    assert "PEPPOL-EN16931-R007" in rules(validate(edited(xml, other_profile)), OWN_CHECKS)


def test_every_amount_must_be_in_the_invoice_currency():
    def euro_subtotal(tree):
        tree.find("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", NS).set("currencyID", "EUR")

    def euro_line(tree):
        tree.find("cac:InvoiceLine/cbc:LineExtensionAmount", NS).set("currencyID", "EUR")

    xml = invoice_xml(danish_invoice())
    findings = validate(edited(xml, euro_subtotal))
    assert "PEPPOL-EN16931-R051" in rules(findings, OWN_CHECKS)
    assert "PEPPOL-EN16931-R051" in rules(findings, PEPPOL)
    assert "PEPPOL-EN16931-R051" in rules(validate(edited(xml, euro_line)), OWN_CHECKS)


def test_exactly_one_tax_total_with_its_subtotals():
    from copy import deepcopy

    def second_tax_total(tree):
        total = tree.find("cac:TaxTotal", NS)
        total.addnext(deepcopy(total))

    def no_subtotals(tree):
        remove(tree, "cac:TaxTotal/cac:TaxSubtotal")

    xml = invoice_xml(danish_invoice())
    findings = validate(edited(xml, second_tax_total))
    assert "PEPPOL-EN16931-R053" in rules(findings, OWN_CHECKS)
    assert "PEPPOL-EN16931-R053" in rules(findings, PEPPOL)
    assert "PEPPOL-EN16931-R053" in rules(validate(edited(xml, no_subtotals)), OWN_CHECKS)


def test_ensure_valid_names_the_broken_rules():
    xml = edited(invoice_xml(danish_invoice()), lambda tree: remove(tree, "cbc:BuyerReference"))
    with pytest.raises(EInvoiceInvalid) as invalid:
        ensure_valid(xml)
    assert "PEPPOL-EN16931-R003" in str(invalid.value)
    ensure_valid(invoice_xml(danish_invoice()))


def test_one_validation_takes_well_under_a_second_once_the_rules_are_compiled():
    validation.warm_up()
    xml = invoice_xml(danish_invoice())
    started = time.perf_counter()
    for _ in range(5):
        validate(xml)
    per_invoice = (time.perf_counter() - started) / 5
    # About 15 ms here; a year of a few hundred invoices validates in seconds.
    assert per_invoice < 0.5


def test_a_mistyped_gln_is_caught_before_the_invoice_is_sent():
    from tests.invoicing.einvoices import AARHUS, AARHUS_GLN

    mistyped = AARHUS_GLN[:-1] + str((int(AARHUS_GLN[-1]) + 1) % 10)
    buyer = AARHUS.__class__(
        **{
            **AARHUS.__dict__,
            "electronic_address": AARHUS.electronic_address.__class__("0088", mistyped),
        }
    )
    findings = validate(invoice_xml(danish_invoice(buyer=buyer, buyer_reference=mistyped)))
    assert "PEPPOL-COMMON-R040" in rules(findings, PEPPOL)
