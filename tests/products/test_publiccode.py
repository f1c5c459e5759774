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
    assert data["description"]["da"]["features"] == []
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


VALID = """\
publiccodeYmlVersion: "0.4"
name: OS2valghalla
url: https://github.com/OS2valghalla/valghalla.git
landingURL: https://www.os2.eu/os2valghalla
platforms: [web]
categories: [voting]
softwareType: standalone/web
developmentStatus: development
description:
  en:
    shortDescription: Staffing of elections
    longDescription: Plan and staff polling stations.
    features:
      - Volunteer sign-up
      - Rosters
  da:
    shortDescription: Bemanding af valg
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Jens Poulsen
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
    assert product.categories == ["voting"]
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
    page = _upload(secretariat_client, "name: OS2iot\n").get_data(as_text=True)
    assert "The file lacks required keys: publiccodeYmlVersion, url." in page
    page = _upload(secretariat_client, "- just\n- a list\n").get_data(as_text=True)
    assert "The file does not describe a product: it has no keys." in page


def test_an_unknown_licence_or_address_imports_nothing(secretariat_client):
    text = VALID.replace("EUPL-1.2", "Foo-1.0").replace(
        "https://www.os2.eu/os2valghalla", "ftp://example.org"
    )
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "legal.license is not an identifier from the SPDX licence list." in page
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
