"""Strict-Transport-Security: on in production (over HTTPS), off in development and testing."""

from __future__ import annotations

import pytest

from consortium import create_app
from consortium.config import ConfigError

PRODUCTION = {
    "CONSORTIUM_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "MAIL_SERVER": "smtp.example.org",
    "BASE_URL": "https://consortium.example.org",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "AGREEMENT_SEAL_KEY": "/etc/consortium/seal-key.pem",
    "AGREEMENT_SEAL_CERT": "/etc/consortium/seal-cert.pem",
}

ONE_YEAR = 365 * 24 * 60 * 60
# A page that needs no database, so that these apps need none.
PAGE = "/static/css/app.css"


def _get(client, **kwargs):
    """The response to a request for PAGE, its file closed."""
    response = client.get(PAGE, **kwargs)
    response.close()
    return response


def test_production_tells_browsers_to_use_https_only():
    app = create_app(dict(PRODUCTION))
    response = _get(app.test_client(), base_url="https://consortium.example.org")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == f"max-age={ONE_YEAR}"


def test_behind_a_proxy_the_forwarded_protocol_counts():
    app = create_app(dict(PRODUCTION, PROXY_COUNT=1))
    client = app.test_client()
    response = _get(client, headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    # Plain HTTP (the proxy says so) gets no header: browsers ignore it there.
    response = _get(client, headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in response.headers


def test_the_lifetime_is_configurable_and_zero_switches_it_off():
    app = create_app(dict(PRODUCTION, HSTS_SECONDS=600))
    response = _get(app.test_client(), base_url="https://consortium.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=600"
    app = create_app(dict(PRODUCTION, HSTS_SECONDS=0))
    response = _get(app.test_client(), base_url="https://consortium.example.org")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_lifetime_from_the_environment(monkeypatch):
    monkeypatch.setenv("HSTS_SECONDS", "86400")
    app = create_app(dict(PRODUCTION))
    assert app.config["HSTS_SECONDS"] == 86400
    monkeypatch.setenv("HSTS_SECONDS", "a year")
    with pytest.raises(ConfigError, match="HSTS_SECONDS must be a whole number"):
        create_app(dict(PRODUCTION))


@pytest.mark.parametrize("env", ["development", "testing"])
def test_no_hsts_in_development_and_testing(env, tmp_path):
    config = dict(PRODUCTION, CONSORTIUM_ENV=env, SECRET_KEY="y" * 40)
    app = create_app(config)
    response = _get(app.test_client(), base_url="https://consortium.example.org")
    assert "Strict-Transport-Security" not in response.headers


def test_a_session_lifetime_below_one_is_refused():
    with pytest.raises(ConfigError, match="SESSION_ABSOLUTE_HOURS must be at least 1"):
        create_app(dict(PRODUCTION, SESSION_ABSOLUTE_HOURS=0))
