"""`/health`, for a load balancer or a monitor: is the database reachable, and is its schema the
one this code expects (its Alembic revision the migrations' head)?

200 when both hold, 503 with the reason otherwise. Open to anyone, without a session cookie,
and telling nothing secret: no address, no setting, no error text from the database.
"""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from sqlalchemy import text

from consortium.extensions import db
from consortium.main import bp


def migration_heads() -> frozenset[str]:
    """The revisions the migrations end in; read once per process, they change with the code."""
    heads = current_app.extensions.get("consortium_migration_heads")
    if heads is None:
        config = Config()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["consortium_migration_heads"] = heads
    return heads


def check() -> tuple[bool, dict]:
    """Whether the app can serve, and what the health page says."""
    expected = sorted(migration_heads())
    try:
        applied = sorted(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception:  # noqa: BLE001 - any failure here means the database cannot serve
        db.session.rollback()
        current_app.logger.exception("Health check: the database cannot be read")
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001
            db.session.rollback()
            return False, {
                "status": "unavailable",
                "database": False,
                "migrations": None,
                "reason": "the database cannot be reached",
            }
        return False, {
            "status": "unavailable",
            "database": True,
            "migrations": False,
            "reason": "the database has no migrations applied",
            "expected": expected,
        }
    if applied != expected:
        return False, {
            "status": "unavailable",
            "database": True,
            "migrations": False,
            "reason": "the database's migrations are not the code's (run `flask db upgrade`)",
            "applied": applied,
            "expected": expected,
        }
    return True, {"status": "ok", "database": True, "migrations": True, "revision": applied}


@bp.route("/health")
def health():
    """The app's health, as JSON: 200 when it can serve, 503 and the reason otherwise."""
    healthy, body = check()
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    return response
