"""The public registration form: numbers checked, one registration per company, mails sent."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consortium.extensions import db
from consortium.settings.services import get_settings, update_settings
from consortium.suppliers.models import Supplier
from tests.suppliers.helpers import product, registration, supplier


def _registered(name="Magenta ApS") -> Supplier | None:
    return db.session.scalar(select(Supplier).where(Supplier.name == name))


def test_the_form_is_public_and_defaults_to_denmark(client):
    page = client.get("/suppliers/register").get_data(as_text=True)
    assert "Register as a supplier" in page
    assert '<option selected value="DK">' in page
    assert "/suppliers/code-of-conduct" in page
    # "At least one" is checked by the form, not by requiring every checkbox.
    assert 'name="service_types" type="checkbox" value="development"' in page


def test_the_code_of_conduct_is_public(client):
    page = client.get("/suppliers/code-of-conduct").get_data(as_text=True)
    assert "Code of conduct for suppliers" in page
    assert "We work in the open." in page


def test_a_danish_company_registers_with_its_cvr(app, client, outbox):
    update_settings(get_settings(), email="secretariat@association.example.org")
    os2mo = product("OS2mo")
    product("Old thing", status="retired")
    page = client.get("/suppliers/register").get_data(as_text=True)
    assert "OS2mo" in page and "Old thing" not in page
    response = client.post("/suppliers/register", data=registration(products=[str(os2mo.id)]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/suppliers/register/thanks")
    assert "Thank you for registering" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    created = _registered()
    assert (created.country, created.registration_number, created.status) == (
        "DK",
        "31000009",
        "pending",
    )
    assert created.service_types == ["development", "hosting"]
    assert [p.name for p in created.products_wanted] == ["OS2mo"]
    assert created.code_of_conduct_accepted_at is not None
    assert created.language == "en"
    (confirmation,) = outbox("mads@magenta.example.dk")
    assert "We have received your registration" in confirmation.subject
    (notice,) = outbox("secretariat@association.example.org")
    assert "Magenta ApS" in notice.subject
    assert f"/suppliers/{created.id}" in notice.body


def test_a_wrong_cvr_is_explained_and_nothing_is_saved(client):
    page = client.post(
        "/suppliers/register", data=registration(registration_number="31000008")
    ).get_data(as_text=True)
    assert "This number is not valid: its check digit does not match." in page
    assert 'id="registration_number-error"' in page
    assert "Magenta ApS" in page  # what was typed is kept
    assert _registered() is None


def test_a_german_company_registers_with_its_vat_number(client):
    response = client.post(
        "/suppliers/register",
        data=registration(
            name="Beispiel GmbH", country="DE", registration_number="DE 136 695 976", language="de"
        ),
    )
    assert response.status_code == 302
    created = _registered("Beispiel GmbH")
    assert (created.registration_number, created.vat_number) == ("DE136695976", "DE136695976")


def test_a_czech_company_with_a_wrong_vat_number_is_refused(client):
    page = client.post(
        "/suppliers/register",
        data=registration(name="Příklad s.r.o.", country="CZ", registration_number="CZ25123890"),
    ).get_data(as_text=True)
    assert "This number is not valid: its check digit does not match." in page
    assert _registered("Příklad s.r.o.") is None


def test_a_vat_number_of_another_country_is_refused(client):
    page = client.post(
        "/suppliers/register",
        data=registration(country="DE", registration_number="CZ25123891"),
    ).get_data(as_text=True)
    assert "This VAT number starts with the prefix of another country." in page


def test_the_same_company_cannot_register_twice(client):
    supplier("Magenta Original ApS", "31000009", contact_email="secret@magenta.example.dk")
    page = client.post(
        "/suppliers/register", data=registration(registration_number="DK 31000009")
    ).get_data(as_text=True)
    assert "This company is registered already." in page
    # Nothing about the registered company is given away.
    assert "Magenta Original" not in page and "secret@magenta" not in page
    assert db.session.scalar(select(func.count(Supplier.id))) == 1


def test_the_code_of_conduct_must_be_accepted(client):
    page = client.post("/suppliers/register", data=registration(code_of_conduct=None)).get_data(
        as_text=True
    )
    assert "Accept the code of conduct to register." in page
    assert _registered() is None


def test_at_least_one_service_is_required(client):
    page = client.post("/suppliers/register", data=registration(service_types=None)).get_data(
        as_text=True
    )
    assert "Choose at least one service." in page
    assert _registered() is None


def test_the_statement_is_short(client):
    page = client.post("/suppliers/register", data=registration(statement="x" * 1001)).get_data(
        as_text=True
    )
    assert "Use at most 1000 characters." in page
    assert _registered() is None


def test_a_robot_filling_the_hidden_field_is_thanked_but_not_registered(client, outbox):
    response = client.post("/suppliers/register", data=registration(website="http://spam"))
    assert response.status_code == 302
    assert _registered() is None
    assert outbox("mads@magenta.example.dk") == []


def test_the_form_needs_its_csrf_token(csrf_app, client):
    page = client.get("/suppliers/register").get_data(as_text=True)
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', page)
    response = client.post("/suppliers/register", data=registration())
    assert "did not come from this site" in response.get_data(as_text=True)
    assert _registered() is None
