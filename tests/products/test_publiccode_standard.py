"""publiccode.yml follows the standard both ways: the published examples, the rules one by one,
the export of every demo product, and what the product page tells the secretariat."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from consortium.extensions import db
from consortium.products import publiccode, publiccode_rules, services
from consortium.products.models import Product
from tests.products import factories as make
from tests.products.test_publiccode import LONG_EN, VALID

EXAMPLES = Path(__file__).parent / "data" / "publiccode"
# Each published invalid file and the message that names its key.
INVALID = {
    "releaseDate_invalid.yml": "releaseDate is not a real date written as YYYY-MM-DD.",
    "unknown_field.yml": "foobar is not a key of the publiccode.yml standard.",
    "description_en_longDescription_too_short_grapheme_clusters.yml": (
        "description.en.longDescription has 135 characters; the standard asks for at least 150."
    ),
    "legal_license_invalid.yml": "legal.license is not an SPDX licence identifier or expression",
    "description_invalid_language.yml": "description.xxx is not a BCP 47 language tag",
    "intendedAudience_countries_invalid_country.yml": (
        "intendedAudience.countries[2]: mouseton is not an ISO 3166-1 two-letter country code."
    ),
    "maintenance_contractors_until_invalid.yml": (
        "maintenance.contractors[0].until is not a real date written as YYYY-MM-DD."
    ),
    "maintenance_contacts_missing_with_type_community.yml": (
        "maintenance.contacts is missing; the standard requires it when maintenance.type is community."
    ),
}


def _upload(client, content: bytes | str, filename="publiccode.yml"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        "/products/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _products() -> list[Product]:
    return db.session.scalars(select(Product)).all()


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.yml")), ids=lambda p: p.name)
def test_every_published_valid_file_imports(secretariat_client, path):
    response = _upload(secretariat_client, path.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Medusa has been added from the file." in page
    assert "Nothing was imported" not in page
    assert [p.name for p in _products()] == ["Medusa"]


def test_every_published_invalid_file_is_listed():
    assert sorted(p.name for p in (EXAMPLES / "invalid").glob("*.yml")) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_every_published_invalid_file_is_refused_naming_its_key(secretariat_client, name):
    response = _upload(secretariat_client, (EXAMPLES / "invalid" / name).read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported:" in page
    assert INVALID[name] in page
    assert _products() == []


def test_an_older_version_imports_with_a_warning(secretariat_client):
    path = EXAMPLES / "valid_with_warnings" / "valid.minimal.v0.3.yml"
    response = _upload(secretariat_client, path.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Medusa has been added from the file." in page
    assert "The file follows the standard, with these warnings:" in page
    assert "publiccodeYmlVersion: version 0.3 is older than the current 0.4." in page


def test_lower_case_countries_import_with_warnings(secretariat_client):
    path = EXAMPLES / "valid_with_warnings" / "valid_with_lowercase_countries.yml"
    response = _upload(secretariat_client, path.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Medusa has been added from the file." in page
    assert (
        "intendedAudience.countries[0]: lower-case country codes are out of date; write IT." in page
    )
    assert (
        "intendedAudience.unsupportedCountries[0]: lower-case country codes are out of date; write US."
        in page
    )


@pytest.mark.parametrize("value", ["2026-02-30", '"2026-02-30"', "!!timestamp 2026-02-30"])
def test_an_impossible_release_date_is_named_not_a_server_error(secretariat_client, value):
    text = VALID.replace(
        "landingURL:", f'softwareVersion: "1.2"\nreleaseDate: {value}\nlandingURL:'
    )
    response = _upload(secretariat_client, text)
    assert response.status_code == 422
    assert "releaseDate is not a real date written as YYYY-MM-DD." in response.get_data(
        as_text=True
    )
    assert _products() == []


@pytest.mark.parametrize("value", ["!!bool maybe", "!!float abc", "!!int 0x"])
def test_a_value_its_tag_cannot_hold_is_refused_not_a_server_error(secretariat_client, value):
    response = _upload(secretariat_client, VALID.replace("landingURL:", f"x: {value}\nlandingURL:"))
    assert response.status_code == 422
    assert "The file is not valid YAML" in response.get_data(as_text=True)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x85"])
def test_a_control_character_is_named_by_its_line_and_never_stored(secretariat_client, character):
    lines = VALID.splitlines(keepends=True)
    text = "".join(lines[:2]) + lines[2].rstrip("\n") + character + "\n" + "".join(lines[3:])
    response = _upload(secretariat_client, text)
    assert response.status_code == 422
    assert (
        "Line 3 of the file contains a character that is not allowed (a control character)."
        in response.get_data(as_text=True)
    )
    assert _products() == []


def test_a_file_name_with_control_characters_is_recorded_without_them(secretariat_client):
    from consortium.audit.models import AuditEntry

    response = _upload(secretariat_client, VALID, filename="public\x00code\x01.yml")
    assert response.status_code == 200
    assert "Nothing was imported" not in response.get_data(as_text=True)
    sources = {entry.source for entry in db.session.scalars(select(AuditEntry))}
    assert any(source and "publiccode.yml" in source for source in sources)
    assert not any(source and "\x00" in source for source in sources)


def test_a_real_release_date_written_without_quotes_imports(secretariat_client):
    text = VALID.replace(
        "landingURL:", 'softwareVersion: "1.2"\nreleaseDate: 2026-02-28\nlandingURL:'
    )
    assert _upload(secretariat_client, text).status_code == 200


def test_a_version_number_needs_its_release_date(secretariat_client):
    text = VALID.replace("landingURL:", 'softwareVersion: "1.2"\nlandingURL:')
    response = _upload(secretariat_client, text)
    assert response.status_code == 422
    assert "releaseDate is missing; the standard requires it." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "expression",
    [
        "MIT OR Apache-2.0",
        "GPL-3.0-or-later WITH Classpath-exception-2.0",
        "EUPL-1.2 AND (MIT OR Apache-2.0)",
    ],
)
def test_spdx_licence_expressions_import_and_export(secretariat_client, expression):
    response = _upload(secretariat_client, VALID.replace("EUPL-1.2", expression))
    assert response.status_code == 200, response.get_data(as_text=True)
    product = _products()[0]
    assert product.licence == expression
    exported = yaml.safe_load(secretariat_client.get("/products/valghalla/publiccode.yml").data)
    assert exported["legal"]["license"] == expression
    # The edit form takes the licence the import stored.
    assert services.update_product(product, licence=product.licence).licence == expression


@pytest.mark.parametrize("broken", ["MIT OR", "MIT WITH MIT", "Classpath-exception-2.0", "MIT AND"])
def test_broken_licence_expressions_are_refused(secretariat_client, broken):
    response = _upload(secretariat_client, VALID.replace("EUPL-1.2", f'"{broken}"'))
    assert response.status_code == 422
    assert "legal.license is not an SPDX licence identifier or expression" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "localisationReady: true",
            "localisationReady: yes",
            "localisation.localisationReady must be true or false.",
        ),
        (
            "availableLanguages: [da, en]",
            "availableLanguages: [da, en_GB]",
            "localisation.availableLanguages[1] is not a BCP 47 language tag",
        ),
        ("  da:\n", "  dansk:\n", "description.dansk is not a BCP 47 language tag"),
        (
            "categories: [digital-citizenship]",
            "categories: [voting]",
            "categories[0]: voting is not a category from the standard&#39;s list.",
        ),
        (
            "developmentStatus: development",
            "developmentStatus: alpha",
            "developmentStatus is alpha; the standard allows concept, development, beta, stable, obsolete.",
        ),
        (
            "type: community",
            "type: sometimes",
            "maintenance.type is sometimes; the standard allows internal, contract, community, none.",
        ),
        (
            "    - name: Jens Poulsen\n",
            "    - name: Jens Poulsen\n      email: jens(at)example\n",
            "maintenance.contacts[0].email is not an e-mail address.",
        ),
        (
            "type: community",
            "type: contract",
            "maintenance.contractors is missing; the standard requires it when maintenance.type is contract.",
        ),
        (
            "      - Rosters\n",
            "      - " + "x" * 101 + "\n",
            "description.en.features[1] is longer than 100 characters.",
        ),
        (
            "    shortDescription: Staffing of elections\n",
            "",
            "description.en.shortDescription is missing",
        ),
        (
            'publiccodeYmlVersion: "0.4"',
            'publiccodeYmlVersion: "1.0"',
            "version 1.0 is not supported",
        ),
        ("url: https://github", "url: github", "url is not a URL."),
        (
            "legal:\n",
            "intendedAudience:\n  scope: [voting]\nlegal:\n",
            "intendedAudience.scope[0]: voting is not a scope",
        ),
        (
            "legal:\n",
            "logo: /srv/logo.svg\nlegal:\n",
            "logo must be a path inside the repository or a web address",
        ),
        ("legal:\n", "logo: img/logo.gif\nlegal:\n", "logo must be an SVG, SVGZ or PNG file."),
        (
            "  license: EUPL-1.2\n",
            "  license: EUPL-1.2\n  owner: OS2\n",
            "legal.owner is not a key of the publiccode.yml standard.",
        ),
    ],
)
def test_each_rule_of_the_standard_is_checked(secretariat_client, old, new, message):
    assert old in VALID
    response = _upload(secretariat_client, VALID.replace(old, new, 1))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert _products() == []


def test_every_problem_is_named_at_once(secretariat_client):
    text = (
        VALID.replace("developmentStatus: development", "developmentStatus: alpha")
        .replace("localisationReady: true", "localisationReady: maybe")
        .replace("landingURL:", "extra: 1\nlandingURL:")
    )
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "developmentStatus is alpha" in page
    assert "localisation.localisationReady must be true or false." in page
    assert "extra is not a key of the publiccode.yml standard." in page


def test_lengths_are_counted_in_grapheme_clusters(secretariat_client):
    # 150 accented letters written as a letter and a combining accent: 300 code points, 150
    # characters as a reader (and the standard) counts them.
    accented = "e\u0301" * 150
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 150  # one family emoji, 5 code points
    text = VALID.replace("Staffing of elections", accented).replace(LONG_EN, family)
    response = _upload(secretariat_client, text)
    assert response.status_code == 200, response.get_data(as_text=True)
    description = next(d for d in _products()[0].descriptions if d.language == "en")
    assert description.short_description == "\u00e9" * 150
    assert publiccode_rules.graphemes(description.long_description) == 150
    page = _upload(secretariat_client, text.replace(family, family[:-5])).get_data(as_text=True)
    assert "description.en.longDescription has 149 characters" in page


def _incomplete_product():
    product = make.product(
        "OS2forms",
        status="product",
        repository_url="",
        platforms=["web"],
        categories=["forms"],
        software_type="standalone/web",
    )
    services.save_description(product, "en", "Digital forms", "Build forms for citizens.", "")
    return product


def test_a_product_without_what_the_standard_requires_is_told_on_its_page(secretariat_client):
    _incomplete_product()
    page = secretariat_client.get("/products/os2forms").get_data(as_text=True)
    assert "What keeps this product's publiccode.yml from being valid" in page
    assert "url is missing; the standard requires it." in page
    assert "categories[0]: forms is not a category from the standard&#39;s list." in page
    assert (
        "description.en.longDescription has 25 characters; the standard asks for at least 150."
        in page
    )
    assert "description.en.features is missing; the standard requires it." in page
    # The file is still produced.
    response = secretariat_client.get("/products/os2forms/publiccode.yml")
    assert response.status_code == 200
    assert yaml.safe_load(response.data)["description"]["en"]["shortDescription"] == "Digital forms"


def test_only_those_who_can_fix_the_product_are_told(user_client):
    _incomplete_product()
    page = user_client.get("/products/os2forms").get_data(as_text=True)
    assert "OS2forms" in page
    assert "What keeps this product" not in page


def test_a_product_with_everything_has_no_such_section(secretariat_client):
    _upload(secretariat_client, VALID)
    page = secretariat_client.get("/products/valghalla").get_data(as_text=True)
    assert "What keeps this product" not in page
    exported = publiccode.parse(secretariat_client.get("/products/valghalla/publiccode.yml").data)
    assert publiccode_rules.validate(exported) == []


def test_an_agreement_until_further_notice_is_written_to_the_end_of_next_year_and_said(
    secretariat_client,
):
    _upload(secretariat_client, VALID)
    product = _products()[0]
    make.supplier_agreement([product], name="Fjordkode ApS", valid_until=date(2099, 12, 31))
    make.supplier_agreement([product], name="Magenta ApS", valid_until=None)
    exported = publiccode.parse(secretariat_client.get("/products/valghalla/publiccode.yml").data)
    assert publiccode_rules.validate(exported) == []
    end_of_next_year = f"{date.today().year + 1}-12-31"
    assert sorted(exported["maintenance"]["contractors"], key=lambda c: c["name"]) == [
        {"name": "Fjordkode ApS", "until": "2099-12-31"},
        {"name": "Magenta ApS", "until": end_of_next_year},
    ]
    page = secretariat_client.get("/products/valghalla").get_data(as_text=True)
    assert "What keeps this product" not in page
    assert (
        f"publiccode.yml gives Dec 31, {date.today().year + 1} as the end of maintenance by "
        "Magenta ApS: the standard asks for the date a contract ends, and their supplier "
        "agreement runs until further notice."
    ) in page
