"""Signing in over plain HTTP in production: the Secure session cookie never comes back, so the
page says why instead of a bare "bad request"; INSECURE_COOKIES=1 lets a local trial sign in."""

from __future__ import annotations

import logging
import re

import pytest

from consortium.extensions import db
from tests.conftest import PASSWORD, copy_database, make_app, make_user

PRODUCTION = {
    "CONSORTIUM_ENV": "production",
    "TESTING": False,
    "WTF_CSRF_ENABLED": True,
    "SECRET_KEY": "s" * 40,
    "MAIL_SERVER": "smtp.example.org",
    "BASE_URL": "https://consortium.example.org",
    "AGREEMENT_SEAL_KEY": "/etc/consortium/seal-key.pem",
    "AGREEMENT_SEAL_CERT": "/etc/consortium/seal-cert.pem",
}


@pytest.fixture
def production_app(migrated_template, tmp_path_factory):
    """A production app on its own database, with one user; more settings as the test asks."""
    apps = []

    def build(**settings):
        url = copy_database(tmp_path_factory, migrated_template, "consortium_plain_http")
        app = make_app(url, **(PRODUCTION | settings))
        with app.app_context():
            make_user("trial@example.org")
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _sign_in_form(client, base_url: str) -> str:
    """The sign-in page's CSRF token, as the browser got it with the page."""
    page = client.get("/sign-in", base_url=base_url)
    assert page.status_code == 200
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def _post(client, base_url: str, token: str):
    return client.post(
        "/sign-in",
        base_url=base_url,
        headers={"Referer": f"{base_url}/sign-in"},  # checked by the CSRF protection over HTTPS
        data={"csrf_token": token, "email": "trial@example.org", "password": PASSWORD},
    )


def test_over_plain_http_the_page_says_the_server_is_set_up_for_https(production_app, caplog):
    app = production_app()
    browser = app.test_client()
    token = _sign_in_form(browser, "http://localhost")
    # The session cookie is Secure: a browser keeps it but never sends it over plain HTTP.
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.secure
    browser.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = _post(browser, "http://localhost", token)
    assert response.status_code == 400
    page = response.text
    assert "This server is set up for HTTPS" in page
    assert "INSECURE_COOKIES=1" in page
    assert 'href="https://consortium.example.org/sign-in"' in page
    assert browser.get("/profile", base_url="http://localhost").status_code == 302  # not signed in
    assert any("plain HTTP" in record.getMessage() for record in caplog.records)


def test_the_page_is_in_the_users_language(production_app):
    app = production_app()
    browser = app.test_client()
    token = _sign_in_form(browser, "http://localhost")
    browser.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    response = browser.post(
        "/sign-in",
        base_url="http://localhost",
        headers={"Accept-Language": "de"},
        data={"csrf_token": token, "email": "trial@example.org", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "This server is set up for HTTPS" not in response.text
    assert "INSECURE_COOKIES=1" in response.text


def test_over_https_the_same_sign_in_works(production_app):
    app = production_app()
    browser = app.test_client()
    token = _sign_in_form(browser, "https://consortium.example.org")
    response = _post(browser, "https://consortium.example.org", token)
    assert response.status_code == 302


def test_over_https_a_missing_cookie_is_the_usual_expired_form(production_app):
    """Only plain HTTP is blamed: over HTTPS a lost cookie is an expired form, shown again."""
    app = production_app()
    browser = app.test_client()
    token = _sign_in_form(browser, "https://consortium.example.org")
    browser.delete_cookie(app.config["SESSION_COOKIE_NAME"], domain="consortium.example.org")
    response = _post(browser, "https://consortium.example.org", token)
    assert response.status_code == 400
    assert "set up for HTTPS" not in response.text
    assert 'name="password"' in response.text  # the sign-in form, shown again


def test_insecure_cookies_let_a_plain_http_trial_sign_in(production_app, caplog):
    with caplog.at_level(logging.WARNING, logger="consortium"):
        app = production_app(INSECURE_COOKIES=True)
    assert any("INSECURE_COOKIES" in record.getMessage() for record in caplog.records)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    browser = app.test_client()
    token = _sign_in_form(browser, "http://localhost")
    assert not browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).secure
    response = _post(browser, "http://localhost", token)
    assert response.status_code == 302
    assert browser.get("/profile", base_url="http://localhost").status_code == 200


def test_insecure_cookies_are_read_from_the_environment(monkeypatch):
    from consortium.config import from_environment

    monkeypatch.setenv("INSECURE_COOKIES", "1")
    assert from_environment("/tmp")["INSECURE_COOKIES"] is True  # noqa: S108
    monkeypatch.setenv("INSECURE_COOKIES", "")
    assert from_environment("/tmp")["INSECURE_COOKIES"] is False  # noqa: S108
