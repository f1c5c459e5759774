"""publiccode.yml (version 0.4): writing a product's file and reading one back.

Reading uses yaml.safe_load only, so a file that asks for Python objects (!!python/object and
the like) is refused rather than run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import yaml

from consortium.products import licences, slugs

VERSION = "0.4"
STATUS_TO_DEVELOPMENT = {
    "idea": "concept",
    "project": "development",
    "product": "stable",
    "retired": "obsolete",
}
DEVELOPMENT_TO_STATUS = {
    "concept": "idea",
    "development": "project",
    "beta": "project",
    "stable": "product",
    "obsolete": "retired",
}
SOFTWARE_TYPES = (
    "standalone/web",
    "standalone/backend",
    "standalone/desktop",
    "standalone/mobile",
    "standalone/iot",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
REQUIRED_KEYS = ("publiccodeYmlVersion", "name", "url")
LANGUAGES = ("en", "da", "de", "cs")
MAX_BYTES = 512 * 1024


@dataclass
class ExportFacts:
    """What the file says beyond the product's own columns, looked up by the caller."""

    owner: str
    organisations: list[str] = field(default_factory=list)
    # (supplier name, agreement valid until or None)
    contractors: list[tuple[str, date | None]] = field(default_factory=list)


def build(product, facts: ExportFacts) -> dict:
    """The publiccode.yml of a product, as a dict in the order the standard lists the keys."""
    data: dict = {
        "publiccodeYmlVersion": VERSION,
        "name": product.name,
        "url": product.repository_url,
    }
    if product.website_url:
        data["landingURL"] = product.website_url
    data["platforms"] = list(product.platforms or [])
    data["categories"] = list(product.categories or [])
    if facts.organisations:
        data["usedBy"] = list(facts.organisations)
    data["softwareType"] = product.software_type
    data["developmentStatus"] = STATUS_TO_DEVELOPMENT.get(product.status, "concept")
    # English first, then the other languages in a fixed order.
    described = sorted(
        (
            d
            for d in product.descriptions
            if d.short_description or d.long_description or d.features
        ),
        key=lambda d: LANGUAGES.index(d.language) if d.language in LANGUAGES else len(LANGUAGES),
    )
    data["description"] = {
        d.language: {
            "shortDescription": d.short_description,
            "longDescription": d.long_description,
            "features": [line for line in d.features.splitlines() if line.strip()],
        }
        for d in described
    }
    data["legal"] = {"license": product.licence, "mainCopyrightOwner": facts.owner}
    contacts = [{"name": product.point_person_name}] if product.point_person_name else []
    maintenance: dict = {}
    if facts.contractors:
        maintenance["type"] = "contract"
        maintenance["contractors"] = [
            {"name": name, **({"until": until.isoformat()} if until else {})}
            for name, until in facts.contractors
        ]
    else:
        maintenance["type"] = "community" if contacts else "none"
    if contacts:
        maintenance["contacts"] = contacts
    data["maintenance"] = maintenance
    data["localisation"] = {
        "localisationReady": True,
        "availableLanguages": [d.language for d in described],
    }
    return data


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


class PubliccodeError(Exception):
    """A file that cannot be imported; code names the problem, line (1-based) where known."""

    def __init__(self, code: str, line: int | None = None, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.line = line
        self.detail = detail


def parse(content: bytes) -> dict:
    """The file's mapping, or PubliccodeError: too large, not UTF-8, not YAML, tags, keys."""
    if len(content) > MAX_BYTES:
        raise PubliccodeError("too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PubliccodeError("encoding") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        # safe_load knows no constructor for Python (or any other) tags: refuse them.
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PubliccodeError("tag", line, exc.problem or "") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PubliccodeError("yaml", line, getattr(exc, "problem", "") or "") from exc
    if not isinstance(data, dict):
        raise PubliccodeError("not_mapping")
    missing = [key for key in REQUIRED_KEYS if not data.get(key)]
    if missing:
        raise PubliccodeError("missing_keys", detail=", ".join(missing))
    return data


def slug_for(data: dict) -> str:
    """Decided: the last part of the repository URL's path (the repository's name, which is
    stable where display names change), slugified; the slugified name when that gives nothing."""
    path = urlsplit(str(data.get("url", ""))).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last.endswith(".git"):
        last = last[:-4]
    return slugs.slugify(last) or slugs.slugify(str(data.get("name", "")))


def is_web_address(value: str) -> bool:
    """An http or https URL with a host."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def _text(value, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _strings(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item).strip() for item in value if str(item).strip()]


@dataclass
class Imported:
    """What a file gives a product: its fields and its descriptions by language."""

    slug: str
    fields: dict
    descriptions: dict[str, dict[str, str]]
    problems: list[tuple[str, str]] = field(default_factory=list)


def read_product(data: dict) -> Imported:
    """Turn a parsed file into product fields; problems name a key and what is wrong with it."""
    problems: list[tuple[str, str]] = []
    fields: dict = {
        "name": _text(data.get("name"), 200),
        "repository_url": _text(data.get("url"), 500),
    }
    if not is_web_address(fields["repository_url"]):
        problems.append(("url", "url"))
    if data.get("landingURL"):
        fields["website_url"] = _text(data.get("landingURL"), 500)
        if not is_web_address(fields["website_url"]):
            problems.append(("landingURL", "url"))
    if "platforms" in data:
        fields["platforms"] = _strings(data.get("platforms"))
    if "categories" in data:
        fields["categories"] = _strings(data.get("categories"))
    software_type = data.get("softwareType")
    if software_type:
        if software_type in SOFTWARE_TYPES:
            fields["software_type"] = software_type
        else:
            problems.append(("softwareType", "unknown"))
    status = data.get("developmentStatus")
    if status:
        if status in DEVELOPMENT_TO_STATUS:
            fields["status"] = DEVELOPMENT_TO_STATUS[status]
        else:
            problems.append(("developmentStatus", "unknown"))
    legal = data.get("legal") if isinstance(data.get("legal"), dict) else {}
    if legal.get("license"):
        licence = licences.canonical(str(legal["license"]))
        if licence:
            fields["licence"] = licence
        else:
            problems.append(("legal.license", "licence"))
    maintenance = data.get("maintenance") if isinstance(data.get("maintenance"), dict) else {}
    contacts = maintenance.get("contacts") if isinstance(maintenance.get("contacts"), list) else []
    if contacts and isinstance(contacts[0], dict) and contacts[0].get("name"):
        fields["point_person_name"] = _text(contacts[0]["name"], 200)
    descriptions: dict[str, dict[str, str]] = {}
    description = data.get("description") if isinstance(data.get("description"), dict) else {}
    for key, value in description.items():
        language = str(key).split("-")[0].lower()
        if language not in LANGUAGES or not isinstance(value, dict):
            continue
        short = _text(value.get("shortDescription"))
        if len(short) > 150:
            problems.append((f"description.{key}.shortDescription", "too_long"))
            short = short[:150]
        descriptions[language] = {
            "short_description": short,
            "long_description": _text(value.get("longDescription")),
            "features": "\n".join(_strings(value.get("features"))),
        }
    return Imported(
        slug=slug_for(data), fields=fields, descriptions=descriptions, problems=problems
    )
