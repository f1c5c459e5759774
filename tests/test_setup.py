"""Migrations, configuration and the demo."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from consortium import create_app
from consortium.auth.models import User
from consortium.backlog.models import BacklogItem, PrioritisationRound
from consortium.config import ConfigError
from consortium.demo import DEMO_LOGINS
from consortium.extensions import db
from consortium.meetings.models import Decision
from tests.conftest import login

# A complete production configuration, from which a test removes what it checks.
PRODUCTION = {
    "CONSORTIUM_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "MAIL_SERVER": "smtp.example.org",
    "BASE_URL": "https://consortium.example.org",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "AGREEMENT_SEAL_KEY": "/etc/consortium/seal-key.pem",
    "AGREEMENT_SEAL_CERT": "/etc/consortium/seal-cert.pem",
}


def test_migrations_build_the_schema_the_models_describe(committed_app):
    with committed_app.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_flask_db_check_agrees(committed_app):
    # `flask db check` exits non-zero when the models and the migrated schema differ.
    result = committed_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"MAIL_SERVER": ""}, "MAIL_SERVER must be set"),
        ({"BASE_URL": ""}, "BASE_URL must be set"),
        ({"AGREEMENT_SEAL_KEY": ""}, "AGREEMENT_SEAL_KEY must be set"),
        ({"AGREEMENT_SEAL_CERT": None}, "AGREEMENT_SEAL_CERT must be set"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(missing, message):
    config = dict(PRODUCTION)
    config.update(missing)
    with pytest.raises(ConfigError, match=message):
        create_app(config)


def test_production_cookies_are_secure():
    app = create_app(dict(PRODUCTION))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["MAIL_OUTBOX"] is False


def test_demo_fills_an_empty_database_and_refuses_a_full_one(demo_load, demo_app):
    output = demo_load[1]  # `flask demo load --if-empty` on an empty database, as `make run` does
    assert "Demo data loaded." in output
    for demo_login in DEMO_LOGINS:
        assert demo_login.email in output and demo_login.password in output
    models = (User, BacklogItem, PrioritisationRound, Decision)
    with demo_app.app_context():
        counts = {
            model: db.session.scalar(select(func.count()).select_from(model)) for model in models
        }
    assert all(counts.values())
    runner = demo_app.test_cli_runner()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code != 0
    assert "not empty" in again.output
    kept = runner.invoke(args=["demo", "load", "--if-empty"])
    assert kept.exit_code == 0 and "kept" in kept.output
    for demo_login in DEMO_LOGINS:
        assert demo_login.email in kept.output
    # Nothing is added a second time: the users, backlogs, their rounds and the decisions stay
    # as they were.
    with demo_app.app_context():
        for model in models:
            assert db.session.scalar(select(func.count()).select_from(model)) == counts[model]


def test_demo_logins_work(demo_app):
    for demo_login in DEMO_LOGINS:
        client = demo_app.test_client()
        assert login(client, demo_login.email, demo_login.password).status_code == 302
        assert client.get("/profile").status_code == 200
    secretariat = demo_app.test_client()
    login(secretariat, DEMO_LOGINS[0].email, DEMO_LOGINS[0].password)
    assert secretariat.get("/users").status_code == 200


def test_demo_is_refused_outside_development():
    from consortium import demo

    app = create_app(dict(PRODUCTION))
    with app.app_context(), pytest.raises(demo.DemoError, match="only in development"):
        demo.load()
