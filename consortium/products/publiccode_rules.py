"""The rules of the publiccode.yml standard (version 0.4) that can be checked offline.

One validator for the file a product exports and the file the secretariat imports. It follows
the standard (publiccodeyml/publiccode.yml, docs/standard) as the official validator
(italia/publiccode-parser-go) reads it: required keys and their types, lengths counted in
grapheme clusters, the allowed values, BCP 47 language tags, ISO 3166-1 countries, dates,
URLs, e-mail addresses, maintenance with contacts or contractors, SPDX licence expressions and
no keys the standard does not know. Reachability of URLs, logos and screenshots needs the
network and is not checked.

Pure: no Flask, no database. Each finding names the key (as in ``description.en.features[2]``)
and a code; the caller words it in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pycountry

from consortium.products import licences

CURRENT_VERSIONS = ("0", "0.4", "0.4.0")
OLDER_VERSIONS = ("0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0")
DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")
# docs/standard/categories-list.rst
CATEGORIES = frozenset(
    """accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration
    communications compliance-management contact-management content-management crm
    customer-service-and-support data-analytics data-collection data-visualization design
    design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management
    email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising
    gamification geographic-information-systems grant-management graphic-design help-desk hr
    ide identity-management instant-messaging integrated-library-system inventory-management
    it-asset-management it-development it-management it-security it-service-management
    knowledge-management learning-management-system marketing mind-mapping mobile-marketing
    mobile-payment network-management office online-booking online-community payment-gateway
    payroll predictive-analysis procurement productivity-suite project-collaboration
    project-management property-management real-estate-management regulations-and-directives
    remote-support resource-management sales-management seo service-desk
    social-media-management survey talent-management task-management taxes-management
    test-management time-management time-tracking translation video-conferencing video-editing
    visitor-management voip warehouse-management web-collaboration web-conferencing
    whistleblowing website-builder workflow-management""".split()
)
# docs/standard/scope-list.rst
SCOPES = frozenset(
    """agriculture culture defence education emergency-services employment energy environment
    finance-and-economic-development foreign-affairs government healthcare infrastructures
    justice local-authorities manufacturing research science-and-technology security society
    sport tourism transportation welfare""".split()
)
MAX_SHORT_DESCRIPTION = 150
MIN_LONG_DESCRIPTION = 150
MAX_LONG_DESCRIPTION = 10000
MAX_GENERIC_NAME = 35
MAX_FEATURE = 100
LOGO_EXTENSIONS = (".svg", ".svgz", ".png")

TOP_LEVEL_KEYS = frozenset(
    {
        "publiccodeYmlVersion",
        "name",
        "applicationSuite",
        "url",
        "landingURL",
        "isBasedOn",
        "softwareVersion",
        "releaseDate",
        "logo",
        "monochromeLogo",
        "inputTypes",
        "outputTypes",
        "platforms",
        "categories",
        "usedBy",
        "roadmap",
        "developmentStatus",
        "softwareType",
        "intendedAudience",
        "description",
        "legal",
        "maintenance",
        "localisation",
        "dependsOn",
        # The country-specific section the standard defines (Italy), in either spelling.
        "it",
        "IT",
    }
)
DESCRIPTION_KEYS = frozenset(
    {
        "localisedName",
        "genericName",
        "shortDescription",
        "longDescription",
        "documentation",
        "apiDocumentation",
        "features",
        "screenshots",
        "videos",
        "awards",
    }
)
IT_SECTION_KEYS = {
    "countryExtensionVersion": None,
    "conforme": ("lineeGuidaDesign", "modelloInteroperabilita", "misureMinimeSicurezza", "gdpr"),
    "riuso": ("codiceIPA",),
    "piattaforme": ("spid", "pagopa", "cie", "anpr", "io"),
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MIME = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*")


@dataclass(frozen=True)
class Finding:
    """What is wrong (or, for a warning, out of date) at a key of the file."""

    key: str
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)
    warning: bool = False


def graphemes(text: str) -> int:
    """The length as the standard counts it: user-perceived characters (grapheme clusters)."""
    import regex

    return len(regex.findall(r"\X", text))


def is_language_tag(value: str) -> bool:
    """A well-formed, registered BCP 47 tag (hyphens only, as BCP 47 writes them)."""
    import langcodes

    return "_" not in value and langcodes.tag_is_valid(value)


def is_country(value: str) -> bool:
    """An ISO 3166-1 alpha-2 code, in either case."""
    return len(value) == 2 and pycountry.countries.get(alpha_2=value.upper()) is not None


def is_date(value: str) -> bool:
    """A real date written YYYY-MM-DD, the only form the standard allows."""
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_url(value: str) -> bool:
    """A URL with a scheme and a host (a repository may use git, ssh, svn and the like)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(parts.netloc) and not any(c.isspace() for c in value)


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in value)
    )


def is_email(value: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


class _Check:
    """Walks one parsed file and collects findings."""

    def __init__(self):
        self.findings: list[Finding] = []

    def error(self, key: str, code: str, **params) -> None:
        self.findings.append(Finding(key, code, params))

    def warn(self, key: str, code: str, **params) -> None:
        self.findings.append(Finding(key, code, params, warning=True))

    # Shapes ---------------------------------------------------------------------------

    def unknown_keys(self, mapping: dict, allowed, prefix: str) -> None:
        for key in mapping:
            if not isinstance(key, str) or key not in allowed:
                self.error(f"{prefix}{key}", "unknown_key")

    def mapping(self, data: dict, key: str, path: str, required: bool = False) -> dict | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, "required")
            return None
        if not isinstance(value, dict):
            self.error(path, "not_mapping")
            return None
        return value

    def text(self, data: dict, key: str, path: str, required: bool = False) -> str | None:
        """A text value; None when absent or of another type (which is a finding)."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(path, "required")
            return None
        if not isinstance(value, str):
            self.error(path, "not_text")
            return None
        return value

    def scalar_text(self, data: dict, key: str, path: str) -> str | None:
        """Version numbers: YAML reads an unquoted 1.0 as a number; the standard means text."""
        value = data.get(key)
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.error(path, "not_text")
            return None
        return None if value is None else str(value)

    def texts(self, data: dict, key: str, path: str, required: bool = False) -> list[str]:
        """A list of texts."""
        value = data.get(key)
        if value is None or value == []:
            if required:
                self.error(path, "required")
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(path, "not_texts")
            return []
        return value

    def boolean(self, data: dict, key: str, path: str, required: bool = False) -> None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, "required")
        elif not isinstance(value, bool):
            self.error(path, "not_boolean")

    def http_url(self, data: dict, key: str, path: str) -> None:
        value = self.text(data, key, path)
        if value is not None and not is_http_url(value):
            self.error(path, "http_url")

    def date(self, data: dict, key: str, path: str, required: bool = False) -> None:
        value = self.text(data, key, path, required)
        if value is not None and not is_date(value):
            self.error(path, "date")

    def email(self, data: dict, key: str, path: str) -> None:
        value = self.text(data, key, path)
        if value is not None and not is_email(value):
            self.error(path, "email")

    def path_or_url(self, value: str, path: str) -> bool:
        if value.startswith("/") or value.lower().startswith("file:"):
            self.error(path, "path_or_url")
            return False
        return True

    # Sections -------------------------------------------------------------------------

    def version(self, data: dict) -> None:
        version = self.scalar_text(data, "publiccodeYmlVersion", "publiccodeYmlVersion")
        if version is None:
            if "publiccodeYmlVersion" not in data or data["publiccodeYmlVersion"] is None:
                self.error("publiccodeYmlVersion", "required")
        elif version in OLDER_VERSIONS:
            self.warn("publiccodeYmlVersion", "older_version", version=version, current="0.4")
        elif version not in CURRENT_VERSIONS:
            self.error(
                "publiccodeYmlVersion",
                "unsupported_version",
                version=version,
                supported=", ".join(OLDER_VERSIONS + CURRENT_VERSIONS),
            )

    def top_level(self, data: dict) -> None:
        self.unknown_keys(data, TOP_LEVEL_KEYS, "")
        self.version(data)
        self.text(data, "name", "name", required=True)
        self.text(data, "applicationSuite", "applicationSuite")
        url = self.text(data, "url", "url", required=True)
        if url is not None and not is_url(url):
            self.error("url", "url")
        self.http_url(data, "landingURL", "landingURL")
        based_on = data.get("isBasedOn")
        if isinstance(based_on, str):
            if not is_url(based_on):
                self.error("isBasedOn", "url")
        elif based_on is not None:
            for index, item in enumerate(self.texts(data, "isBasedOn", "isBasedOn")):
                if not is_url(item):
                    self.error(f"isBasedOn[{index}]", "url")
        software_version = self.scalar_text(data, "softwareVersion", "softwareVersion")
        self.date(data, "releaseDate", "releaseDate", required=bool(software_version))
        for key in ("logo", "monochromeLogo"):
            logo = self.text(data, key, key)
            if logo is not None and self.path_or_url(logo, key):
                if not logo.lower().split("?")[0].endswith(LOGO_EXTENSIONS):
                    self.error(key, "logo_format")
        for key in ("inputTypes", "outputTypes"):
            for index, item in enumerate(self.texts(data, key, key)):
                if not _MIME.fullmatch(item):
                    self.error(f"{key}[{index}]", "mime_type")
        platforms = data.get("platforms")
        if not isinstance(platforms, str) or not platforms.strip():
            self.texts(data, "platforms", "platforms", required=True)
        for index, item in enumerate(self.texts(data, "categories", "categories", True)):
            if item not in CATEGORIES:
                self.error(f"categories[{index}]", "category", value=item)
        self.texts(data, "usedBy", "usedBy")
        self.http_url(data, "roadmap", "roadmap")
        status = self.text(data, "developmentStatus", "developmentStatus", required=True)
        if status is not None and status not in DEVELOPMENT_STATUSES:
            self.error(
                "developmentStatus", "one_of", value=status, allowed=", ".join(DEVELOPMENT_STATUSES)
            )
        software_type = self.text(data, "softwareType", "softwareType", required=True)
        if software_type is not None and software_type not in SOFTWARE_TYPES:
            self.error(
                "softwareType", "one_of", value=software_type, allowed=", ".join(SOFTWARE_TYPES)
            )

    def intended_audience(self, data: dict) -> None:
        audience = self.mapping(data, "intendedAudience", "intendedAudience")
        if audience is None:
            return
        self.unknown_keys(
            audience, {"countries", "unsupportedCountries", "scope"}, "intendedAudience."
        )
        for key in ("countries", "unsupportedCountries"):
            path = f"intendedAudience.{key}"
            for index, country in enumerate(self.texts(audience, key, path)):
                if not is_country(country):
                    self.error(f"{path}[{index}]", "country", value=country)
                elif country != country.upper():
                    self.warn(f"{path}[{index}]", "lower_case_country", value=country.upper())
        for index, scope in enumerate(self.texts(audience, "scope", "intendedAudience.scope")):
            if scope not in SCOPES:
                self.error(f"intendedAudience.scope[{index}]", "scope", value=scope)

    def description(self, data: dict) -> None:
        descriptions = self.mapping(data, "description", "description", required=True)
        if descriptions is None:
            return
        if not descriptions:
            self.error("description", "required")
        for language, value in descriptions.items():
            prefix = f"description.{language}"
            if not isinstance(language, str) or not is_language_tag(language):
                self.error(prefix, "language")
            if not isinstance(value, dict):
                self.error(prefix, "not_mapping")
                continue
            self.unknown_keys(value, DESCRIPTION_KEYS, f"{prefix}.")
            self.text(value, "localisedName", f"{prefix}.localisedName")
            generic = self.text(value, "genericName", f"{prefix}.genericName")
            if generic is not None and graphemes(generic) > MAX_GENERIC_NAME:
                self.error(f"{prefix}.genericName", "too_long", max=MAX_GENERIC_NAME)
            short = self.text(value, "shortDescription", f"{prefix}.shortDescription", True)
            if short is not None and graphemes(short) > MAX_SHORT_DESCRIPTION:
                self.error(f"{prefix}.shortDescription", "too_long", max=MAX_SHORT_DESCRIPTION)
            long = self.text(value, "longDescription", f"{prefix}.longDescription", True)
            if long is not None:
                length = graphemes(long)
                if length < MIN_LONG_DESCRIPTION:
                    self.error(
                        f"{prefix}.longDescription",
                        "too_short",
                        min=MIN_LONG_DESCRIPTION,
                        count=length,
                    )
                elif length > MAX_LONG_DESCRIPTION:
                    self.error(f"{prefix}.longDescription", "too_long", max=MAX_LONG_DESCRIPTION)
            self.http_url(value, "documentation", f"{prefix}.documentation")
            self.http_url(value, "apiDocumentation", f"{prefix}.apiDocumentation")
            features = self.texts(value, "features", f"{prefix}.features", required=True)
            for index, feature in enumerate(features):
                if graphemes(feature) > MAX_FEATURE:
                    self.error(f"{prefix}.features[{index}]", "too_long", max=MAX_FEATURE)
            screenshots = self.texts(value, "screenshots", f"{prefix}.screenshots")
            for index, screenshot in enumerate(screenshots):
                self.path_or_url(screenshot, f"{prefix}.screenshots[{index}]")
            for index, video in enumerate(self.texts(value, "videos", f"{prefix}.videos")):
                if not is_http_url(video):
                    self.error(f"{prefix}.videos[{index}]", "http_url")
            self.texts(value, "awards", f"{prefix}.awards")

    def legal(self, data: dict) -> None:
        legal = self.mapping(data, "legal", "legal", required=True)
        if legal is None:
            return
        self.unknown_keys(
            legal, {"license", "mainCopyrightOwner", "repoOwner", "authorsFile"}, "legal."
        )
        licence = self.text(legal, "license", "legal.license", required=True)
        if licence is not None and licences.canonical(licence) is None:
            self.error("legal.license", "licence")
        for key in ("mainCopyrightOwner", "repoOwner", "authorsFile"):
            self.text(legal, key, f"legal.{key}")

    def maintenance(self, data: dict) -> None:
        maintenance = self.mapping(data, "maintenance", "maintenance", required=True)
        if maintenance is None:
            return
        self.unknown_keys(maintenance, {"type", "contractors", "contacts"}, "maintenance.")
        kind = self.text(maintenance, "type", "maintenance.type", required=True)
        if kind is not None and kind not in MAINTENANCE_TYPES:
            self.error(
                "maintenance.type", "one_of", value=kind, allowed=", ".join(MAINTENANCE_TYPES)
            )
        contractors = self.records(maintenance, "contractors", "maintenance.contractors")
        contacts = self.records(maintenance, "contacts", "maintenance.contacts")
        # (A value of the wrong type is already named by records.)
        if kind == "contract" and not maintenance.get("contractors"):
            self.error("maintenance.contractors", "required_for_contract")
        if kind in ("internal", "community") and not maintenance.get("contacts"):
            self.error("maintenance.contacts", "required_for_type", type=kind)
        if kind in MAINTENANCE_TYPES and kind != "contract" and maintenance.get("contractors"):
            self.error("maintenance.contractors", "only_for_contract")
        for index, contractor in enumerate(contractors):
            path = f"maintenance.contractors[{index}]"
            self.unknown_keys(contractor, {"name", "email", "website", "until"}, f"{path}.")
            self.text(contractor, "name", f"{path}.name", required=True)
            self.email(contractor, "email", f"{path}.email")
            self.http_url(contractor, "website", f"{path}.website")
            self.date(contractor, "until", f"{path}.until", required=True)
        for index, contact in enumerate(contacts):
            path = f"maintenance.contacts[{index}]"
            self.unknown_keys(contact, {"name", "email", "affiliation", "phone"}, f"{path}.")
            self.text(contact, "name", f"{path}.name", required=True)
            self.email(contact, "email", f"{path}.email")
            self.text(contact, "affiliation", f"{path}.affiliation")
            self.scalar_text(contact, "phone", f"{path}.phone")

    def records(self, data: dict, key: str, path: str) -> list[dict]:
        """A list of mappings (contacts, contractors, dependencies); [] after a finding."""
        value = data.get(key)
        if value is None or value == []:
            return []
        if not isinstance(value, list):
            self.error(path, "not_records")
            return []
        records = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                records.append(item)
            else:
                self.error(f"{path}[{index}]", "not_mapping")
        return records

    def localisation(self, data: dict) -> None:
        localisation = self.mapping(data, "localisation", "localisation", required=True)
        if localisation is None:
            return
        self.unknown_keys(
            localisation, {"localisationReady", "availableLanguages"}, "localisation."
        )
        self.boolean(
            localisation, "localisationReady", "localisation.localisationReady", required=True
        )
        path = "localisation.availableLanguages"
        for index, tag in enumerate(
            self.texts(localisation, "availableLanguages", path, required=True)
        ):
            if not is_language_tag(tag):
                self.error(f"{path}[{index}]", "language")

    def depends_on(self, data: dict) -> None:
        depends = self.mapping(data, "dependsOn", "dependsOn")
        if depends is None:
            return
        self.unknown_keys(depends, {"open", "proprietary", "hardware"}, "dependsOn.")
        for kind in ("open", "proprietary", "hardware"):
            for index, dependency in enumerate(self.records(depends, kind, f"dependsOn.{kind}")):
                path = f"dependsOn.{kind}[{index}]"
                self.unknown_keys(
                    dependency,
                    {"name", "versionMin", "versionMax", "version", "optional"},
                    f"{path}.",
                )
                self.text(dependency, "name", f"{path}.name", required=True)
                for key in ("versionMin", "versionMax", "version"):
                    self.scalar_text(dependency, key, f"{path}.{key}")
                self.boolean(dependency, "optional", f"{path}.optional")

    def country_sections(self, data: dict) -> None:
        if "it" in data and "IT" in data:
            self.error("it", "duplicate_section")
        for name in ("it", "IT"):
            section = self.mapping(data, name, name)
            if section is None:
                continue
            self.unknown_keys(section, IT_SECTION_KEYS, f"{name}.")
            self.scalar_text(section, "countryExtensionVersion", f"{name}.countryExtensionVersion")
            for key, flags in IT_SECTION_KEYS.items():
                if flags is None:
                    continue
                sub = self.mapping(section, key, f"{name}.{key}")
                if sub is None:
                    continue
                self.unknown_keys(sub, flags, f"{name}.{key}.")
                for flag in flags:
                    if key == "riuso":
                        self.text(sub, flag, f"{name}.{key}.{flag}")
                    else:
                        self.boolean(sub, flag, f"{name}.{key}.{flag}")


def validate(data) -> list[Finding]:
    """Every finding for a parsed publiccode.yml: errors make it invalid, warnings do not."""
    check = _Check()
    if not isinstance(data, dict):
        check.error("", "not_mapping")
        return check.findings
    check.top_level(data)
    check.intended_audience(data)
    check.description(data)
    check.legal(data)
    check.maintenance(data)
    check.localisation(data)
    check.depends_on(data)
    check.country_sections(data)
    return check.findings


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.warning]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.warning]
