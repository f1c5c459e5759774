"""consortium: the back office of an association of public bodies that share software."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from consortium import config as config_module


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    settings = config_module.DEFAULTS | config_module.from_environment(app.instance_path)
    settings |= config or {}
    app.config.update(config_module.finish(settings, app.instance_path))
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES",
        os.path.join(os.path.dirname(app.root_path), "translations"),
    )
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    _init_extensions(app)
    register_domains(app)
    if app.config["CONSORTIUM_ENV"] == "production" and app.config.get("INSECURE_COOKIES"):
        app.logger.warning(
            "INSECURE_COOKIES is set: the session cookie is sent over plain HTTP too. "
            "Use it for a local trial only, never behind a public address."
        )

    from consortium import errors

    errors.init_app(app)
    if app.config.get("WORKER_THREAD") and app.config["CONSORTIUM_ENV"] == "development":
        # Development only (`make run`): the jobs (issuing a run) and the mail are worked off
        # by a thread of the development server; production runs `flask worker` as a service.
        from consortium.jobs.cli import start_thread as start_worker_thread

        start_worker_thread(app)
    elif (
        app.config["MAIL_SENDER_THREAD"]
        and app.config["CONSORTIUM_ENV"] == "development"
        and not app.config["MAIL_OUTBOX"]
    ):
        # Development only (`make run` with a mail server): production runs `flask mail send
        # --loop` as a service of its own.
        from consortium.mail.cli import start_thread

        start_thread(app)
    return app


def _init_extensions(app: Flask) -> None:
    # Import every model so the metadata (and Alembic) knows every table.
    from consortium import (
        accesslog,
        connecting,
        i18n,
        models,  # noqa: F401
        web,
    )
    from consortium.auth import hooks as auth_hooks
    from consortium.extensions import babel, csrf, db, login_manager, mail, migrate

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            connecting.install(engine, app.config["DATABASE_CONNECT_RETRY_SECONDS"])
    migrate.init_app(
        app,
        db,
        render_as_batch=True,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
    )
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    mail.init_app(app)
    login_manager.init_app(app)
    web.init_app(app)
    # The idle timeout runs before the CSRF check, so an expired session is never shown a page.
    auth_hooks.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    accesslog.init_app(app)


def register_domains(app: Flask) -> None:
    """Every domain, from the lowest up: its routes and blueprint (with its URL prefix), its
    command group, and what it registers with the domains below it (maturity checks, what a
    product's page shows, audit labels). Nothing is registered by importing a module."""
    from consortium import (
        agreements,
        api,
        audit,
        auth,
        backlog,
        cli,
        fees,
        groups,
        invoicing,
        jobs,
        mail,
        main,
        meetings,
        members,
        messages,
        participation,
        privacy,
        products,
        public,
        search,
        settings,
        suppliers,
    )

    main.register(app)
    auth.register(app)
    settings.register(app)
    audit.register(app)
    mail.register(app)
    jobs.register(app)
    members.register(app)
    privacy.register(app)
    products.register(app)
    participation.register(app)
    groups.register(app)
    suppliers.register(app)
    fees.register(app)
    invoicing.register(app)
    agreements.register(app)
    meetings.register(app)
    backlog.register(app)
    messages.register(app)
    public.register(app)
    search.register(app)
    api.register(app)

    cli.register(app)
