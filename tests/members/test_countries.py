"""Countries are real countries: the lists in the forms and the imports offer and accept the
ISO 3166-1 countries, never the other territories CLDR names."""

from __future__ import annotations

import io
import re

import pytest
from lxml import html

from tests.conftest import login, make_user

NOT_COUNTRIES = {
    "EU": "European Union",
    "EZ": "Eurozone",
    "ZZ": "Unknown Region",
    "XA": "Pseudo-Accents",
    "XB": "Pseudo-Bidi",
    "QO": "Outlying Oceania",
    "UN": "United Nations",
}


def _options(page: str, select_id: str) -> dict[str, str]:
    select = html.fromstring(page).get_element_by_id(select_id)
    return {option.get("value"): option.text_content() for option in select.xpath(".//option")}


@pytest.mark.parametrize("url", ["/organisations/new", "/organisations/"], ids=["form", "filter"])
def test_the_country_lists_hold_countries_only(secretariat_client, url):
    page = secretariat_client.get(url).get_data(as_text=True)
    select_id = re.search(r'<select[^>]*id="(country)"', page).group(1)
    options = _options(page, select_id)
    assert options["DK"] == "Denmark" and options["CZ"] == "Czechia"
    assert not set(NOT_COUNTRIES) & set(options)
    assert not set(NOT_COUNTRIES.values()) & set(options.values())
    assert "World" not in options.values()
    assert len([code for code in options if code]) == 249


def test_a_danish_clerk_reads_the_countries_in_danish_and_in_danish_order(client):
    make_user("kontor@example.dk", secretariat=True, language="da")
    login(client, "kontor@example.dk")
    options = _options(client.get("/organisations/new").get_data(as_text=True), "country")
    assert options["DE"] == "Tyskland"
    names = [name for code, name in options.items() if code]
    assert names.index("Danmark") < names.index("Tyskland")


@pytest.mark.parametrize("code", ["EU", "ZZ", "XA"])
def test_an_import_naming_a_territory_that_is_no_country_gets_the_lines_message(
    secretariat_client, code
):
    text = f"name,kind,country\nAarhus Kommune,municipality,DK\nEuropa,other,{code}\n"
    page = secretariat_client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(text.encode()), "lande.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Nothing has been imported from lande.csv" in page
    assert "Enter a country as two letters, such as DK." in page
    row = re.sub(r"\s+", " ", page)
    assert re.search(r"3.{0,200}country", row)


def test_only_countries_are_countries():
    """The check the settings, the forms and the imports share."""
    from consortium.i18n import is_country

    assert all(is_country(code) for code in ("DK", "DE", "CZ", "GL", "FO"))
    assert not any(is_country(code) for code in [*NOT_COUNTRIES, "", None, "dk", "DNK"])
