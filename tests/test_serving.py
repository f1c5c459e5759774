"""Serving as production does: gunicorn's settings, /health and the access log."""

from __future__ import annotations

import io
import json
import logging
import os
import runpy
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config
from sqlalchemy import text

from consortium import accesslog
from consortium.extensions import db
from tests.conftest import PASSWORD, copy_database, make_app, make_user

ROOT = Path(__file__).resolve().parent.parent


# gunicorn.conf.py ---------------------------------------------------------------------------


def test_the_gunicorn_settings_load_as_gunicorn_reads_them():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    names = [
        name
        for name, value in settings.items()
        if not name.startswith("_")
        and not callable(value)
        and name not in ("annotations",)
        and not isinstance(value, type(runpy))
    ]
    unknown = [name for name in names if name not in config.settings]
    assert unknown == []  # a misspelt setting would be silently ignored by gunicorn
    for name in names:
        config.set(name, settings[name])
    assert config.wsgi_app == "wsgi:app"
    assert config.workers >= 3  # several workers on any machine: two per core and one
    assert config.graceful_timeout > 0 and config.timeout >= config.graceful_timeout
    assert config.preload_app is False  # each worker its own database connections
    # Only the app's ProxyFix (PROXY_COUNT) decides what a forwarded header may say.
    assert config.forwarded_allow_ips == []
    assert config.secure_scheme_headers == {}
    assert config.accesslog is None  # the app writes the access log
    assert config.control_socket_disable is True


def test_the_worker_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 4


def test_the_job_worker_finishes_its_round_and_stops_on_sigterm(committed_app):
    """`make serve` (and a service manager) stops the worker with SIGTERM."""
    environment = dict(
        os.environ,
        CONSORTIUM_ENV="testing",
        DATABASE_URL=committed_app.config["SQLALCHEMY_DATABASE_URI"],
        FLASK_APP="consortium",
        PYTHONUNBUFFERED="1",
    )
    flask = str(Path(sys.executable).parent / "flask")
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [flask, "worker", "--interval", "0.2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = worker.stdout.readline()
        assert "running jobs and sending mail" in first, first
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "stopped." in output


def test_make_serve_names_every_missing_setting_before_starting_anything(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SECRET_KEY", "BASE_URL", "MAIL_SERVER", "DATABASE_URL")
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve.sh")],
        env=environment | {"MAIL_SERVER": "smtp.example.org"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    missing = [line.split(":")[0].strip() for line in result.stderr.splitlines() if ": " in line]
    assert missing[:2] == ["SECRET_KEY", "BASE_URL"]
    assert "MAIL_SERVER" not in result.stderr.split("For a local trial")[0]
    assert "INSECURE_COOKIES=1 make serve" in result.stderr
    # Refused before a database server is started or a migration applied.
    assert "PostgreSQL" not in result.stdout + result.stderr
    assert "migrations" not in result.stdout


# /health ------------------------------------------------------------------------------------


def test_health_is_ok_on_a_migrated_database(client, app):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] is True and body["migrations"] is True
    assert body["revision"] == [db.session.scalar(text("SELECT version_num FROM alembic_version"))]
    # No session for a load balancer's probe, and nothing of the configuration.
    assert "Set-Cookie" not in response.headers
    page = response.get_data(as_text=True)
    assert app.config["SECRET_KEY"] not in page
    assert app.config["SQLALCHEMY_DATABASE_URI"] not in page


def test_health_is_unavailable_while_the_database_is_behind_the_migrations(client):
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001_foundation'"))
    db.session.commit()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] is True and body["migrations"] is False
    assert body["applied"] == ["0001_foundation"]
    assert body["expected"] != ["0001_foundation"]
    assert "flask db upgrade" in body["reason"]


def test_health_is_unavailable_on_a_database_never_migrated(client):
    db.session.execute(text("DELETE FROM alembic_version"))
    db.session.commit()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["migrations"] is False


def test_health_is_unavailable_when_the_database_cannot_be_reached(tmp_path):
    missing = tmp_path / "no such folder" / "consortium.sqlite"
    # Connecting once: waiting for a database that comes back is tested in test_connecting.py.
    app = make_app(f"sqlite:///{missing}", DATABASE_CONNECT_RETRY_SECONDS=0)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {
        "status": "unavailable",
        "database": False,
        "migrations": None,
        "reason": "the database cannot be reached",
    }
    assert str(missing) not in response.get_data(as_text=True)


# The access log -----------------------------------------------------------------------------


@pytest.fixture
def logged_app(migrated_template, tmp_path_factory):
    """An app on its own database with the access log on, its lines kept in a list."""
    app = make_app(
        copy_database(tmp_path_factory, migrated_template, "consortium_access"), ACCESS_LOG=True
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    accesslog.logger.addHandler(handler)
    app.access_lines = lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    yield app
    accesslog.logger.removeHandler(handler)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


FIELDS = {"time", "method", "path", "status", "duration_ms", "user_id", "request_id"}


def test_each_request_is_one_json_line_without_secrets(logged_app):
    with logged_app.app_context():
        user = make_user("logged@example.org")
        user_id = user.id
    client = logged_app.test_client()
    signed_in = client.post(
        "/sign-in?next=/profile&token=query-secret",
        data={"email": "logged@example.org", "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    profile = client.get("/profile", headers={"X-Request-ID": "from-the-proxy-42"})
    reset = client.get("/reset-password/the-reset-token-itself")
    anonymous = logged_app.test_client().get("/public/products", headers={"X-Request-ID": "a b"})

    lines = logged_app.access_lines()
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/sign-in", 302),
        ("GET", "/profile", 200),
        ("GET", "/reset-password/[redacted]", 410),
        ("GET", "/public/products", 200),
    ]
    for line in lines:
        assert set(line) == FIELDS
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["time"].endswith("+00:00")
    # The id of the user the request was made by (the sign-in's, once it signed them in); the
    # request ids the responses carry.
    assert [line["user_id"] for line in lines] == [user_id, user_id, user_id, None]
    assert lines[1]["request_id"] == "from-the-proxy-42" == profile.headers["X-Request-ID"]
    assert lines[2]["request_id"] == reset.headers["X-Request-ID"]
    assert lines[3]["request_id"] == anonymous.headers["X-Request-ID"] != "a b"
    assert len({line["request_id"] for line in lines}) == 4
    # Never a password, a token (in the path or the query string) or the session cookie.
    session_cookie = client.get_cookie(logged_app.config["SESSION_COOKIE_NAME"]).value
    everything = json.dumps(lines)
    for secret in (PASSWORD, "the-reset-token-itself", "query-secret", session_cookie):
        assert secret not in everything


def test_no_access_log_unless_asked(app):
    assert app.config["ACCESS_LOG"] is False  # testing and development log no line
