"""Bad input gets a message, never an error page: control characters, numbers and dates out
of range, in forms, addresses and query strings."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from sqlalchemy import func, select
from wtforms import Form as WTForm

import consortium
from consortium.extensions import db
from consortium.forms import Form, SubForm
from consortium.members.models import Organisation, PopulationFigure, TierBandSet
from consortium.suppliers.models import Supplier
from tests.suppliers.helpers import registration
from tests.test_routes import objects  # noqa: F401 - a fixture

CONTROL = "Contains a character that is not allowed (a control character)."
ADDRESS_REFUSED = "The address contains a character that is not allowed (a control character)."


def _organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1f", "\x7f", "\u0085", "\t"])
def test_a_control_character_in_a_single_line_field_is_refused(secretariat_client, character):
    response = secretariat_client.post(
        "/organisations/new",
        data={"name": f"Aarhus{character}Kommune", "kind": "municipality", "country": "DK"},
    )
    assert response.status_code == 200
    assert CONTROL in response.get_data(as_text=True)
    assert _organisations() == 0


def test_tabs_and_line_breaks_are_kept_in_text_over_several_lines(secretariat_client):
    response = secretariat_client.post(
        "/organisations/new",
        data={
            "name": "Aarhus Kommune",
            "kind": "municipality",
            "country": "DK",
            "address": "Rådhuspladsen 2\r\n8000 Aarhus C",
            "notes": "Contact:\tthe mayor's office\nsince 2020",
        },
    )
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert organisation.notes == "Contact:\tthe mayor's office\nsince 2020"


def test_nul_in_text_over_several_lines_is_refused(secretariat_client):
    response = secretariat_client.post(
        "/organisations/new",
        data={"name": "Aarhus", "kind": "municipality", "country": "DK", "notes": "a\x00b"},
    )
    assert CONTROL in response.get_data(as_text=True)
    assert _organisations() == 0


def test_nul_on_the_sign_in_page_is_a_field_message(client):
    response = client.post("/sign-in", data={"email": "sam\x00@example.org", "password": "x\x00"})
    assert response.status_code == 200
    assert CONTROL in response.get_data(as_text=True)


def test_nul_in_the_public_supplier_registration_saves_nothing(client):
    response = client.post(
        "/suppliers/register", data=registration(name="Magenta\x00 ApS", statement="We\x00build")
    )
    assert response.status_code == 200
    # Each of the two fields says so beside it, and the summary at the top links to both.
    assert response.get_data(as_text=True).count(CONTROL) == 4
    assert db.session.scalar(select(func.count(Supplier.id))) == 0


def test_the_field_message_is_in_the_readers_language(client):
    client.post("/language", data={"language": "da"})
    response = client.post("/sign-in", data={"email": "sam\x00@example.org", "password": "x"})
    assert "Indeholder et tegn, der ikke er tilladt (et kontroltegn)." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "address",
    [
        "/public/products/a%00b",
        "/public/products?q=a%00b",
        "/public/products?q%01=x",
        "/sign-in?next=%1b",
        "/public/members?page=%00",
    ],
)
def test_a_control_character_in_the_address_is_a_400_page(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert ADDRESS_REFUSED in response.get_data(as_text=True)


def test_the_address_page_is_in_the_readers_language(client):
    response = client.get("/public/products?q=%00", headers={"Accept-Language": "da"})
    assert response.status_code == 400
    assert "Adressen indeholder et tegn, der ikke er tilladt" in response.get_data(as_text=True)


def test_a_control_character_in_a_signed_in_search_is_refused(secretariat_client):
    for address in ("/organisations/?q=%00", "/audit/?actor=%00", "/products/?q=%00"):
        assert secretariat_client.get(address).status_code == 400, address


def _form_classes():
    """Every form class the package defines, found by importing each of its modules."""
    for module_info in pkgutil.walk_packages(consortium.__path__, "consortium."):
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, WTForm) and value.__module__ == module.__name__:
                yield value


def test_every_form_applies_the_shared_rules():
    forms = list(_form_classes())
    assert len(forms) > 30
    outside = [form.__qualname__ for form in forms if not issubclass(form, (Form, SubForm))]
    assert outside == []


# --- numbers and dates --------------------------------------------------------------------


def test_a_tier_bound_beyond_any_population_is_a_field_message(secretariat_client):
    response = secretariat_client.post(
        "/settings/tiers",
        data={
            "effective_from_year": "2200",
            "medium_from": "1" + "0" * 25,
            "large_from": "2" + "0" * 25,
            "very_large_from": "3" + "0" * 25,
        },
    )
    assert response.status_code == 200
    assert "Enter a number from 1 to 100,000,000." in response.get_data(as_text=True)
    assert db.session.scalar(select(TierBandSet)) is None


def test_the_tier_page_shows_stored_bounds_of_any_size(secretariat_client):
    db.session.add(
        TierBandSet(
            effective_from_year=2190,
            bands=[[0, "small"], [10**25, "medium"], [10**26, "large"], [10**27, "very_large"]],
        )
    )
    db.session.commit()
    response = secretariat_client.get("/settings/tiers")
    assert response.status_code == 200
    assert "from 10,000,000,000,000,000,000,000,000" in response.get_data(as_text=True)


def test_a_population_beyond_the_limit_is_a_field_message(secretariat_client):
    organisation = Organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    db.session.add(organisation)
    db.session.commit()
    for population, message in (
        ("100000001", "Enter a number from 0 to 100,000,000."),
        ("99999999999999999999999", "Enter a number from"),
    ):
        response = secretariat_client.post(
            f"/organisations/{organisation.id}/population",
            data={"year": "2026", "population": population},
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(PopulationFigure)) is None


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=9999-12-31&date_to=0001-01-01"],
)
def test_the_audit_filter_takes_dates_at_the_ends_of_the_calendar(secretariat_client, query):
    response = secretariat_client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2200." in response.get_data(as_text=True)


def test_the_audit_search_up_to_the_last_day_finds_everything(app):
    from datetime import date

    from consortium.audit import queries

    everything = queries.search(queries.AuditFilter()).total
    up_to_the_end = queries.search(queries.AuditFilter(date_to=date.max)).total
    assert up_to_the_end == everything


@pytest.mark.parametrize("given_on", ["0001-01-01", "9999-12-31"])
def test_a_date_far_outside_the_calendar_people_use_is_a_field_message(
    secretariat_client, given_on
):
    organisation = Organisation(name="Aarhus Kommune", kind="municipality", country="DK")
    db.session.add(organisation)
    db.session.commit()
    response = secretariat_client.post(
        f"/organisations/{organisation.id}/membership",
        data={"status": "active", "status_on": given_on},
    )
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2200." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "address",
    [
        "/fees/products/public-route-product/what-if?organisation={organisation}&year=2027"
        "&starts_on=0001-01-01",
        "/fees/what-if?organisation={organisation}&year=99999999999999&starts_on=9999-12-31"
        "&product=public-route-product",
        "/organisations/?page=-99999999999999999999&sort=zzz&order=x",
        "/public/members?page=99999999999999999999999",
        "/audit/?record_id=99999999999999999999999&actor=%F0%9F%98%80",
        "/audit/user/99999999999999999999",
        "/participation/organisations/{organisation}/new?product=99999999999999999999",
        "/public/products?level=N9&status=x&licence=%E2%80%AE",
    ],
)
def test_query_arguments_out_of_range_give_a_page(secretariat_client, objects, address):  # noqa: F811
    response = secretariat_client.get(address.format(**objects))
    assert response.status_code in (200, 302, 404)


@pytest.mark.parametrize(
    "address",
    [
        "/fees/preview?year=99999999999999999999",
        "/fees/schedules/new?year=99999999999999999999",
        "/fees/organisations/{organisation}/expected?year=-5",
    ],
)
def test_a_fee_year_out_of_range_is_refused_naming_it(secretariat_client, objects, address):  # noqa: F811
    response = secretariat_client.get(address.format(**objects))
    assert response.status_code == 400
    assert "give a year from 2000 to 2200" in response.get_data(as_text=True)


def test_a_typed_value_inside_a_field_message_is_shown_as_text(secretariat_client):
    response = secretariat_client.post(
        "/products/new", data={"name": "Forms", "status": "idea", "licence": "<xss2>"}
    )
    page = response.get_data(as_text=True)
    assert "&lt;xss2&gt; is not an identifier from the SPDX licence list" in page
    assert "<xss2>" not in page
