"""publiccode.yml: the export's fields, its round trip, and the import."""

from __future__ import annotations

import io
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from consortium.extensions import db
from consortium.products import publiccode, services
from consortium.products.models import Product
from consortium.settings.services import get_settings, update_settings
from tests.products import factories as make


@pytest.fixture
def product(app):
    product = make.product(
        "OS2forms",
        status="product",
        licence="MPL-2.0",
        repository_url="https://github.com/OS2Forms/os2forms",
        website_url="https://www.os2.eu/os2forms",
        point_person_name="Mette Kristensen",
        platforms=["web"],
        categories=["forms", "document-management"],
        software_type="standalone/web",
    )
    services.save_description(
        product, "en", "Digital forms", "Build forms for citizens.", "Drag and drop\nMitID"
    )
    services.save_description(product, "da", "Digitale blanketter", "Byg blanketter.", "")
    # (Too short for the standard: see the tests of what the product page says.)
    update_settings(get_settings(), name="OS2 – Offentligt digitaliseringsfællesskab")
    return product


def test_the_export_has_the_key_fields(secretariat_client, product):
    make.participation(product, make.organisation("Aarhus Kommune"))
    make.participation(product, make.organisation("Ended Kommune"), ends_on=date(2020, 1, 1))
    make.supplier_agreement([product], name="Magenta ApS", valid_until=date(2099, 12, 31))
    response = secretariat_client.get("/products/os2forms/publiccode.yml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    text = response.get_data(as_text=True)
    assert "fællesskab" in text  # allow_unicode: no \xE6 escapes
    data = yaml.safe_load(text)
    assert data["publiccodeYmlVersion"] == "0.4"
    assert data["name"] == "OS2forms"
    assert data["url"] == "https://github.com/OS2Forms/os2forms"
    assert data["landingURL"] == "https://www.os2.eu/os2forms"
    assert data["developmentStatus"] == "stable"
    assert data["softwareType"] == "standalone/web"
    assert data["platforms"] == ["web"]
    assert data["categories"] == ["forms", "document-management"]
    assert data["usedBy"] == ["Aarhus Kommune"]
    assert data["legal"] == {
        "license": "MPL-2.0",
        "mainCopyrightOwner": "OS2 – Offentligt digitaliseringsfællesskab",
    }
    assert data["description"]["en"] == {
        "shortDescription": "Digital forms",
        "longDescription": "Build forms for citizens.",
        "features": ["Drag and drop", "MitID"],
    }
    assert "features" not in data["description"]["da"]  # none: left out, not written empty
    assert data["maintenance"] == {
        "type": "contract",
        "contractors": [{"name": "Magenta ApS", "until": "2099-12-31"}],
        "contacts": [{"name": "Mette Kristensen"}],
    }
    assert data["localisation"] == {"localisationReady": True, "availableLanguages": ["en", "da"]}
    assert list(data)[:3] == ["publiccodeYmlVersion", "name", "url"]


@pytest.mark.parametrize(
    ("status", "development"),
    [
        ("idea", "concept"),
        ("project", "development"),
        ("product", "stable"),
        ("retired", "obsolete"),
    ],
)
def test_status_maps_to_development_status(app, product, status, development):
    services.update_product(product, status=status)
    data = publiccode.build(product, publiccode.ExportFacts(owner="OS2"))
    assert data["developmentStatus"] == development


def test_maintenance_without_suppliers(app, product):
    data = publiccode.build(product, publiccode.ExportFacts(owner="OS2"))
    assert data["maintenance"] == {"type": "community", "contacts": [{"name": "Mette Kristensen"}]}
    assert "usedBy" not in data
    services.update_product(product, point_person_name="")
    data = publiccode.build(product, publiccode.ExportFacts(owner="OS2"))
    assert data["maintenance"] == {"type": "none"}


def test_the_export_round_trips(app, product):
    facts = publiccode.ExportFacts(
        owner="OS2", organisations=["Aarhus Kommune"], contractors=[("Magenta ApS", None)]
    )
    data = publiccode.build(product, facts)
    assert yaml.safe_load(publiccode.dump(data)) == data
    # And back into a product: the same fields.
    imported = publiccode.read_product(yaml.safe_load(publiccode.dump(data)))
    assert imported.problems == []
    assert imported.slug == "os2forms"
    assert imported.fields["status"] == "product"
    assert imported.fields["licence"] == "MPL-2.0"
    assert imported.fields["point_person_name"] == "Mette Kristensen"
    assert imported.descriptions["en"]["features"] == "Drag and drop\nMitID"


LONG_EN = (
    "Plan and staff polling stations. Volunteers sign up online, the election office places "
    "them at polling stations, sends their rosters and keeps track of who has been trained."
)
LONG_DA = (
    "Planlæg og bemand valgsteder. Frivillige melder sig online, valgkontoret fordeler dem på "
    "valgstederne, sender deres vagtplaner og holder styr på, hvem der er uddannet."
)
VALID = f"""\
publiccodeYmlVersion: "0.4"
name: OS2valghalla
url: https://github.com/OS2valghalla/valghalla.git
landingURL: https://www.os2.eu/os2valghalla
platforms: [web]
categories: [digital-citizenship]
softwareType: standalone/web
developmentStatus: development
description:
  en:
    shortDescription: Staffing of elections
    longDescription: {LONG_EN}
    features:
      - Volunteer sign-up
      - Rosters
  da:
    shortDescription: Bemanding af valg
    longDescription: {LONG_DA}
    features:
      - Tilmelding af frivillige
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Jens Poulsen
localisation:
  localisationReady: true
  availableLanguages: [da, en]
"""


def _upload(client, text: str, filename="publiccode.yml"):
    return client.post(
        "/products/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), filename)},
        content_type="multipart/form-data",
    )


def _product(slug):
    return db.session.scalar(select(Product).where(Product.slug == slug))


def test_import_creates_a_product_and_shows_it(secretariat_client):
    page = _upload(secretariat_client, VALID).get_data(as_text=True)
    assert "OS2valghalla has been added from the file." in page
    assert "Added" in page and "Staffing" not in page and "da, en" in page
    product = _product("valghalla")  # the repository's name, without .git
    assert product.name == "OS2valghalla"
    assert product.status == "project"
    assert product.licence == "EUPL-1.2"
    assert product.website_url == "https://www.os2.eu/os2valghalla"
    assert product.point_person_name == "Jens Poulsen"
    assert product.categories == ["digital-citizenship"]
    assert {d.language: d.short_description for d in product.descriptions} == {
        "da": "Bemanding af valg",
        "en": "Staffing of elections",
    }


def test_import_updates_the_product_with_the_same_slug(secretariat_client):
    make.product("Valghalla", slug="valghalla", status="idea")
    page = _upload(secretariat_client, VALID).get_data(as_text=True)
    assert "OS2valghalla has been updated from the file." in page
    assert _product("valghalla").status == "project"
    assert len(db.session.scalars(select(Product)).all()) == 1


def test_invalid_yaml_is_explained_with_its_line(secretariat_client):
    page = _upload(secretariat_client, "name: x\nurl: [unclosed\nother: 1\n").get_data(as_text=True)
    assert "Nothing was imported:" in page
    assert "The file is not valid YAML (line" in page
    assert _product("x") is None


def test_python_tags_are_refused(secretariat_client):
    text = VALID + "evil: !!python/object/apply:os.system ['echo hacked']\n"
    page = _upload(secretariat_client, text).get_data(as_text=True)
    line = VALID.count("\n") + 1
    assert f"The file uses a YAML tag that is not allowed (line {line}), such as !!python" in page
    assert _product("valghalla") is None


def test_missing_keys_are_named(secretariat_client):
    response = _upload(secretariat_client, "name: OS2iot\n")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for key in (
        "publiccodeYmlVersion",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert f"{key} is missing; the standard requires it." in page
    assert "name is missing" not in page
    page = _upload(secretariat_client, "- just\n- a list\n").get_data(as_text=True)
    assert "The file does not describe a product: it has no keys." in page


def test_an_unknown_licence_or_address_imports_nothing(secretariat_client):
    text = VALID.replace("EUPL-1.2", "Foo-1.0").replace(
        "https://www.os2.eu/os2valghalla", "ftp://example.org"
    )
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert (
        "legal.license is not an SPDX licence identifier or expression, such as MPL-2.0 or MIT OR Apache-2.0."
        in page
    )
    assert "landingURL is not a web address starting with https:// or http://." in page
    assert _product("valghalla") is None


def test_slug_from_the_name_when_the_url_has_no_path():
    data = {"name": "OS2 Borgerdialog", "url": "https://example.org/"}
    assert publiccode.slug_for(data) == "os2-borgerdialog"


def test_a_reserved_short_name_is_refused(secretariat_client):
    text = VALID.replace("valghalla/valghalla.git", "valghalla/import")
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "No usable short name can be made from the file&#39;s url or name (import)." in page
    assert _product("import") is None


# Hostile files: each is refused with a message, never a hang or a server error.

ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
platforms: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def test_anchors_and_aliases_are_refused(secretariat_client):
    response = _upload(secretariat_client, VALID + ALIAS_BOMB)
    assert response.status_code == 422
    line = VALID.count("\n") + 1
    assert (
        f"The file uses a YAML anchor or alias (line {line}), such as &amp;name or *name."
        in response.get_data(as_text=True)
    )
    assert _product("valghalla") is None


def test_an_alias_alone_is_refused_too():
    with pytest.raises(publiccode.PubliccodeError) as caught:
        publiccode.parse(b"name: x\nurl: *nowhere\n")
    assert caught.value.code == "alias" and caught.value.line == 2


def test_deep_nesting_is_refused(secretariat_client):
    deep = "name: x\nurl: " + "[" * 100000 + "]" * 100000 + "\n"
    response = _upload(secretariat_client, deep)
    assert response.status_code == 422
    assert "The file nests lists or mappings more than 20 levels deep." in response.get_data(
        as_text=True
    )


def test_a_recursion_error_is_refused_as_too_deep(monkeypatch):
    monkeypatch.setattr(publiccode, "MAX_DEPTH", 10**9)
    with pytest.raises(publiccode.PubliccodeError) as caught:
        publiccode.parse(("url: " + "[" * 5000 + "]" * 5000).encode())
    assert caught.value.code == "too_deep"


def test_a_list_as_a_key_is_invalid_yaml_not_a_tag(secretariat_client):
    page = _upload(secretariat_client, VALID + "? [a]\n: b\n").get_data(as_text=True)
    assert "The file is not valid YAML (line" in page
    assert "YAML tag" not in page


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "developmentStatus: development",
            "developmentStatus: [a]",
            "developmentStatus must be text.",
        ),
        ("softwareType: standalone/web", "softwareType: {a: b}", "softwareType must be text."),
        ("name: OS2valghalla", "name: 123", "name must be text."),
        ("license: EUPL-1.2", "license: [EUPL-1.2]", "legal.license must be text."),
        ("- name: Jens Poulsen", "- name: [Jens]", "maintenance.contacts[0].name must be text."),
        (
            "shortDescription: Staffing of elections",
            "shortDescription: 42",
            "description.en.shortDescription must be text.",
        ),
        ("platforms: [web]", "platforms: [[web]]", "platforms must be a list of texts."),
        (
            "categories: [digital-citizenship]",
            "categories: digital-citizenship",
            "categories must be a list of texts.",
        ),
        (
            "      - Rosters",
            "      - {a: b}",
            "description.en.features must be a list of texts.",
        ),
    ],
)
def test_values_of_the_wrong_type_are_named(secretariat_client, old, new, message):
    assert old in VALID
    response = _upload(secretariat_client, VALID.replace(old, new))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported:" in page
    assert message in page
    assert _product("valghalla") is None


def test_lists_are_bounded(secretariat_client):
    many = "platforms: [" + ", ".join(f"p{n}" for n in range(101)) + "]"
    page = _upload(secretariat_client, VALID.replace("platforms: [web]", many)).get_data(
        as_text=True
    )
    assert "platforms has more than 100 items." in page
    long = "platforms: [" + "x" * 201 + "]"
    page = _upload(secretariat_client, VALID.replace("platforms: [web]", long)).get_data(
        as_text=True
    )
    assert "An item of platforms is longer than 200 characters." in page
    assert _product("valghalla") is None


def test_a_hundred_items_of_200_characters_are_fine():
    data = yaml.safe_load(VALID)
    data["platforms"] = ["x" * 200] * 100
    imported = publiccode.read_product(data)
    assert imported.problems == []
    assert len(imported.fields["platforms"]) == 100


def test_the_long_description_is_bounded(secretariat_client):
    text = VALID.replace(LONG_EN, "x" * 10001)
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "description.en.longDescription is longer than 10,000 characters." in page
    assert _product("valghalla") is None
    text = VALID.replace(LONG_EN, "x" * 10000)
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "OS2valghalla has been added from the file." in page
