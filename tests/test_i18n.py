"""Every page in every language; how the language is chosen; numbers and dates per locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from consortium import i18n
from consortium.auth.models import User
from consortium.extensions import db
from consortium.settings.services import get_settings, update_settings
from tests.conftest import login, make_user

LANGUAGES = ["en", "da", "de", "cs"]

PAGES = {
    "anonymous": [
        "/",
        "/sign-in",
        "/forgot-password",
        "/reset-password/x",
        "/invitation/x",
        "/privacy/",
    ],
    "user": ["/", "/profile", "/profile/password"],
    "secretariat": [
        "/",
        "/users",
        "/users/invite",
        "/users/{id}",
        "/settings/",
        "/audit/",
        "/audit/user/{id}",
        "/outbox/",
    ],
}

# A word of each page's English that a translated page must not show.
ENGLISH_WORDS = ["Sign in", "Home", "Language", "Skip to content"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_in_every_language(app, client, role, language):
    if role != "anonymous":
        person = make_user(
            f"{role}@example.org", secretariat=role == "secretariat", language=language
        )
        login(client, person.email)
    for path in PAGES[role]:
        user_id = db.session.scalar(select(User.id))
        response = client.get(path.format(id=user_id), headers={"Accept-Language": language})
        assert response.status_code in (200, 410), path
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in page, path
        if language != "en":
            visible = page.split("<main", 1)[0]
            for word in ENGLISH_WORDS:
                assert f">{word}<" not in visible, (path, word)


def test_locale_order_user_setting_then_choice_then_browser_then_default(app, client):
    update_settings(get_settings(), default_language="cs")
    db.session.commit()
    assert '<html lang="cs">' in client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )
    client.post("/language", data={"language": "da", "next": "/sign-in"})
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="da">' in page
    person = make_user("lang@example.org", language="de")
    login(client, person.email)
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_switcher_keeps_a_signed_in_users_choice_and_returns_to_the_page(user_client, user):
    response = user_client.post("/language", data={"language": "cs", "next": "/profile"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert db.session.get(User, user.id).language == "cs"
    response = user_client.post("/language", data={"language": "da", "next": "//evil.example.org"})
    assert response.headers["Location"] == "/"


def test_language_switch_is_a_post(client):
    assert client.get("/language").status_code == 405


@pytest.mark.parametrize(
    ("language", "money", "number", "day"),
    [
        ("en", "DKK\xa025,000.00", "1,234.5", "Jan 5, 2027"),
        ("da", "25.000,00\xa0kr.", "1.234,5", "5. jan. 2027"),
        ("de", "25.000,00\xa0DKK", "1.234,5", "05.01.2027"),
        ("cs", "25\xa0000,00\xa0DKK", "1\xa0234,5", "5. 1. 2027"),
    ],
)
def test_money_numbers_and_dates_follow_the_locale(app, language, money, number, day):
    with app.test_request_context(), force_locale(language):
        assert i18n.money(Decimal("25000"), "DKK") == money
        assert i18n.number(Decimal("1234.5")) == number
        assert i18n.day(datetime(2027, 1, 5, tzinfo=UTC).date()) == day


@pytest.mark.parametrize("language", ["da", "de", "cs"])
def test_form_errors_are_translated(client, language):
    user = make_user("errors@example.org", language=language)
    login(client, user.email)
    page = client.post(
        "/profile/password", data={"current_password": "x", "password": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "Please correct the fields marked below." not in page
    assert "at least 12 characters" not in page
    assert 'class="form-errors"' in page


@pytest.mark.parametrize(
    ("language", "required"),
    [
        ("da", "Udfyld venligst dette felt."),
        ("de", "Bitte füllen Sie dieses Feld aus."),
        ("cs", "Vyplňte prosím toto pole."),
    ],
)
def test_built_in_field_messages_are_translated(client, language, required):
    page = client.post(
        "/forgot-password", data={"email": ""}, headers={"Accept-Language": language}
    ).get_data(as_text=True)
    assert "This field is required." not in page
    assert required in page


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("cs-CZ", "cs"),
        ("de-AT,en;q=0.5", "de"),
        ("fr-FR,da;q=0.8,en;q=0.5", "da"),
        ("fr, it", "en"),
    ],
)
def test_browser_language_with_a_region_is_understood(client, header, expected):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in page


def test_one_list_of_languages_names_every_language_once():
    """config.LANGUAGES is the list: the defaults, the names and the catalogues follow it."""
    from pathlib import Path

    from consortium.config import DEFAULTS, LANGUAGES
    from consortium.i18n import LANGUAGE_LABELS, LANGUAGE_NAMES

    assert list(DEFAULTS["LANGUAGES"]) == list(LANGUAGES)
    assert set(LANGUAGE_NAMES) == set(LANGUAGE_LABELS) == set(LANGUAGES)
    translations = Path(__file__).resolve().parent.parent / "translations"
    catalogues = {path.name for path in translations.iterdir() if path.is_dir()}
    assert catalogues == set(LANGUAGES) - {"en"}
