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
    _register_blueprints(app)
    _register_commands(app)

    from consortium import errors

    errors.init_app(app)
    if (
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
        i18n,
        models,  # noqa: F401
        web,
    )
    from consortium.audit import services as audit_services
    from consortium.extensions import babel, csrf, db, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        render_as_batch=True,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
    )
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    mail.init_app(app)
    login_manager.init_app(app)
    # The idle timeout runs before the CSRF check, so an expired session is never shown a page.
    web.init_app(app)
    csrf.init_app(app)
    audit_services.install()
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Importing a domain's views attaches its routes to its blueprint.
    from consortium import fees
    from consortium.audit import bp as audit_bp
    from consortium.audit import views as _audit_views  # noqa: F401
    from consortium.auth import bp as auth_bp
    from consortium.auth import views as _auth_views  # noqa: F401
    from consortium.groups import bp as groups_bp
    from consortium.groups import views as _groups_views  # noqa: F401
    from consortium.mail import bp as mail_bp
    from consortium.mail import views as _mail_views  # noqa: F401
    from consortium.main import bp as main_bp
    from consortium.main import views as _main_views  # noqa: F401
    from consortium.members import bp as members_bp
    from consortium.members import views as _members_views  # noqa: F401
    from consortium.participation import bp as participation_bp
    from consortium.participation import views as _participation_views  # noqa: F401
    from consortium.privacy import bp as privacy_bp
    from consortium.privacy import views as _privacy_views  # noqa: F401
    from consortium.products import bp as products_bp
    from consortium.products import views as _products_views  # noqa: F401
    from consortium.public import bp as public_bp
    from consortium.public import views as _public_views  # noqa: F401
    from consortium.settings import bp as settings_bp
    from consortium.settings import views as _settings_views  # noqa: F401
    from consortium.suppliers import bp as suppliers_bp
    from consortium.suppliers import views as _suppliers_views  # noqa: F401

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(settings_bp, url_prefix="/settings")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(mail_bp, url_prefix="/outbox")
    app.register_blueprint(members_bp, url_prefix="/organisations")
    app.register_blueprint(privacy_bp, url_prefix="/privacy")
    app.register_blueprint(products_bp, url_prefix="/products")
    app.register_blueprint(participation_bp, url_prefix="/participation")
    app.register_blueprint(groups_bp, url_prefix="/groups")
    app.register_blueprint(suppliers_bp, url_prefix="/suppliers")
    app.register_blueprint(public_bp, url_prefix="/public")
    fees.register(app)


def _register_commands(app: Flask) -> None:
    from consortium.cli import demo_cli, translate_cli, users_cli
    from consortium.mail.cli import mail_cli
    from consortium.members.cli import orgs_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(mail_cli)
