"""publiccode.yml (version 0.4): writing a product's file and reading one back.

Reading uses a SafeLoader only, so a file that asks for Python objects (!!python/object and
the like) is refused rather than run. The loader also refuses anchors and aliases (a few lines of
aliases can expand to gigabytes) and deep nesting; every value is checked for its type and bounded
in length before it is used. It reads YAML as the standard's own validator does: dates stay text
(checked by publiccode_rules, so 2026-02-30 is named as an impossible date rather than breaking
the reader) and only true and false are booleans (yes, no, on and off are text).

Whether a file follows the standard is decided by publiccode_rules.validate, for the export and
the import alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import yaml

from consortium.config import LANGUAGES
from consortium.products import licences, publiccode_rules, slugs
from consortium.text import control_character_at

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
SOFTWARE_TYPES = publiccode_rules.SOFTWARE_TYPES
MAX_BYTES = 512 * 1024
MAX_DEPTH = 20  # nested lists and mappings; publiccode.yml itself needs four
MAX_ITEMS = 100  # in a list such as platforms, categories or features
MAX_ITEM_LENGTH = 200  # characters of one item of such a list
MAX_SHORT_DESCRIPTION = publiccode_rules.MAX_SHORT_DESCRIPTION
MAX_LONG_DESCRIPTION = publiccode_rules.MAX_LONG_DESCRIPTION


@dataclass
class ExportFacts:
    """What the file says beyond the product's own columns, looked up by the caller."""

    owner: str
    organisations: list[str] = field(default_factory=list)
    # (supplier name, agreement valid until or None)
    contractors: list[tuple[str, date | None]] = field(default_factory=list)
    # The day the file describes (open-ended agreements are written from it).
    as_of: date = field(default_factory=date.today)


def build(product, facts: ExportFacts) -> dict:
    """The publiccode.yml of a product, as a dict in the order the standard lists the keys.

    What the product lacks is left out rather than written empty, so that the validator names
    the missing key (see problems_of_export); the file is produced either way."""
    data: dict = {
        "publiccodeYmlVersion": VERSION,
        "name": product.name,
    }
    if product.repository_url:
        data["url"] = product.repository_url
    if product.website_url:
        data["landingURL"] = product.website_url
    data["platforms"] = list(product.platforms or [])
    data["categories"] = list(product.categories or [])
    if facts.organisations:
        data["usedBy"] = list(facts.organisations)
    data["developmentStatus"] = STATUS_TO_DEVELOPMENT.get(product.status, "concept")
    data["softwareType"] = product.software_type
    # English first, then the other languages in a fixed order.
    described = sorted(
        (
            d
            for d in product.descriptions
            if d.short_description or d.long_description or d.features
        ),
        key=lambda d: LANGUAGES.index(d.language) if d.language in LANGUAGES else len(LANGUAGES),
    )
    data["description"] = {d.language: _description(d) for d in described}
    legal = {"license": product.licence}
    if facts.owner:
        legal["mainCopyrightOwner"] = facts.owner
    data["legal"] = legal
    contacts = [{"name": product.point_person_name}] if product.point_person_name else []
    maintenance: dict = {}
    if facts.contractors:
        # The standard requires the date a contract ends; see open_ended_until.
        open_ended = open_ended_until(facts.as_of)
        maintenance["type"] = "contract"
        maintenance["contractors"] = [
            {"name": name, "until": (until or open_ended).isoformat()}
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


def _description(description) -> dict:
    entry: dict = {}
    if description.short_description:
        entry["shortDescription"] = description.short_description
    if description.long_description:
        entry["longDescription"] = description.long_description
    features = [line.strip() for line in description.features.splitlines() if line.strip()]
    if features:
        entry["features"] = features
    return entry


def open_ended_until(as_of: date) -> date:
    """The end of maintenance written for an agreement valid until further notice: the end of
    next year. The standard requires a date and, for maintenance without a fixed end, advises one
    at most two years ahead that is renewed as the work goes on; the file is built afresh on
    every request, so the date moves on with the agreement."""
    return date(as_of.year + 1, 12, 31)


def open_ended_contractors(facts: ExportFacts) -> list[str]:
    """Suppliers whose agreement runs until further notice (their until is open_ended_until)."""
    return [name for name, until in facts.contractors if until is None]


def problems_of_export(data: dict) -> list[publiccode_rules.Finding]:
    """What keeps a product's own publiccode.yml from being valid (errors only)."""
    return publiccode_rules.errors(publiccode_rules.validate(data))


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


class PubliccodeError(Exception):
    """A file that cannot be imported; code names the problem, line (1-based) where known."""

    def __init__(self, code: str, line: int | None = None, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.line = line
        self.detail = detail


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses anchors and aliases, and nesting deeper than MAX_DEPTH;
    dates stay text and only true and false are booleans, as in YAML 1.2."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise PubliccodeError("alias", line)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise PubliccodeError("too_deep", line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# The implicit resolvers without timestamps, and booleans only for true and false.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# An explicit !!timestamp is read as text too, and checked as a date by the rules.
_Loader.add_constructor(_TIMESTAMP_TAG, yaml.SafeLoader.construct_yaml_str)


def parse(content: bytes) -> dict:
    """The file's mapping, or PubliccodeError: too large, not UTF-8, not YAML, tags, aliases,
    nesting, keys."""
    if len(content) > MAX_BYTES:
        raise PubliccodeError("too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PubliccodeError("encoding") from exc
    position = control_character_at(text, multiline=True)
    if position is not None:
        # YAML refuses most of them too, but without a line; none is ever stored.
        raise PubliccodeError("control_character", text.count("\n", 0, position) + 1)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except RecursionError as exc:
        raise PubliccodeError("too_deep") from exc
    except PubliccodeError:
        raise
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        if "could not determine a constructor" in (exc.problem or ""):
            # The safe loader knows no constructor for Python (or any other) tags: refuse them.
            raise PubliccodeError("tag", line, exc.problem or "") from exc
        # Such as a list used as a key.
        raise PubliccodeError("yaml", line, exc.problem or "") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PubliccodeError("yaml", line, getattr(exc, "problem", "") or "") from exc
    except (ValueError, TypeError, OverflowError, KeyError, IndexError) as exc:
        # A value its explicit tag cannot hold, such as !!float abc or !!bool maybe.
        raise PubliccodeError("yaml", None, str(exc)[:200]) from exc
    if not isinstance(data, dict):
        raise PubliccodeError("not_mapping")
    return data


def slug_for(data: dict) -> str:
    """Decided: the last part of the repository URL's path (the repository's name, which is
    stable where display names change), slugified; the slugified name when that gives nothing."""
    url, name = data.get("url"), data.get("name")
    try:
        path = urlsplit(url[:500] if isinstance(url, str) else "").path.rstrip("/")
    except ValueError:
        path = ""
    last = path.rsplit("/", 1)[-1]
    if last.endswith(".git"):
        last = last[:-4]
    return slugs.slugify(last) or slugs.slugify(name[:200] if isinstance(name, str) else "")


def is_web_address(value: str) -> bool:
    """An http or https URL with a host."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def _text(value, key: str, problems: list[tuple[str, str]], limit: int | None = None) -> str:
    """A text value; anything else (a number, a list, a mapping) is a problem and gives ""."""
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append((key, "not_text"))
        return ""
    text = value.strip()
    return text[:limit] if limit else text


def _strings(value, key: str, problems: list[tuple[str, str]]) -> list[str]:
    """A list of short texts, at most MAX_ITEMS of them."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append((key, "not_texts"))
        return []
    if len(value) > MAX_ITEMS:
        problems.append((key, "too_many"))
        return []
    items = [item.strip() for item in value if item.strip()]
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        problems.append((key, "item_too_long"))
        return []
    return items


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


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
        "name": _text(data.get("name"), "name", problems, 200),
        "repository_url": _text(data.get("url"), "url", problems, 500),
    }
    if not is_web_address(fields["repository_url"]):
        problems.append(("url", "url"))
    if data.get("landingURL"):
        fields["website_url"] = _text(data.get("landingURL"), "landingURL", problems, 500)
        if not is_web_address(fields["website_url"]):
            problems.append(("landingURL", "url"))
    if "platforms" in data:
        # The standard allows one platform as a plain text.
        platforms = data.get("platforms")
        platforms = [platforms] if isinstance(platforms, str) else platforms
        fields["platforms"] = _strings(platforms, "platforms", problems)
    if "categories" in data:
        fields["categories"] = _strings(data.get("categories"), "categories", problems)
    software_type = _text(data.get("softwareType"), "softwareType", problems)
    if software_type:
        if software_type in SOFTWARE_TYPES:
            fields["software_type"] = software_type
        else:
            problems.append(("softwareType", "unknown"))
    status = _text(data.get("developmentStatus"), "developmentStatus", problems)
    if status:
        if status in DEVELOPMENT_TO_STATUS:
            fields["status"] = DEVELOPMENT_TO_STATUS[status]
        else:
            problems.append(("developmentStatus", "unknown"))
    legal = _mapping(data.get("legal"))
    licence_id = _text(legal.get("license"), "legal.license", problems)
    if licence_id:
        licence = licences.canonical(licence_id)
        if not licence:
            problems.append(("legal.license", "licence"))
        elif len(licence) > licences.MAX_EXPRESSION:
            problems.append(("legal.license", "licence_too_long"))
        else:
            fields["licence"] = licence
    maintenance = _mapping(data.get("maintenance"))
    contacts = maintenance.get("contacts") if isinstance(maintenance.get("contacts"), list) else []
    if contacts and isinstance(contacts[0], dict) and contacts[0].get("name"):
        name = _text(contacts[0]["name"], "maintenance.contacts.name", problems, 200)
        if name:
            fields["point_person_name"] = name
    descriptions: dict[str, dict[str, str]] = {}
    for key, value in _mapping(data.get("description")).items():
        if not isinstance(key, str) or not isinstance(value, dict):
            continue
        language = key.split("-")[0].lower()
        if language not in LANGUAGES:
            continue
        prefix = f"description.{key[:20]}"
        short = _text(value.get("shortDescription"), f"{prefix}.shortDescription", problems)
        # The standard counts grapheme clusters; the column holds 150 code points.
        short = unicodedata.normalize("NFC", short)
        if publiccode_rules.graphemes(short) > MAX_SHORT_DESCRIPTION:
            problems.append((f"{prefix}.shortDescription", "too_long"))
            short = short[:MAX_SHORT_DESCRIPTION]
        elif len(short) > MAX_SHORT_DESCRIPTION:
            problems.append((f"{prefix}.shortDescription", "too_long_to_store"))
            short = short[:MAX_SHORT_DESCRIPTION]
        long = _text(value.get("longDescription"), f"{prefix}.longDescription", problems)
        if publiccode_rules.graphemes(long) > MAX_LONG_DESCRIPTION:
            problems.append((f"{prefix}.longDescription", "long_description_too_long"))
            long = long[:MAX_LONG_DESCRIPTION]
        features = _strings(value.get("features"), f"{prefix}.features", problems)
        descriptions[language] = {
            "short_description": short,
            "long_description": long,
            "features": "\n".join(features),
        }
    return Imported(
        slug=slug_for(data), fields=fields, descriptions=descriptions, problems=problems
    )
