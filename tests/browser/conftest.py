"""A live server on a migrated SQLite file and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from consortium.extensions import db
from tests.conftest import make_app, make_user, migrate

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app the live server serves; tests add their records in its app context."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "browser.sqlite")
    app = make_app(url, WTF_CSRF_ENABLED=True)
    migrate(app)
    with app.app_context():
        make_user("secretariat@example.org", secretariat=True, name="Sam Secretariat")
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    yield base
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def visited(live_app):
    """The records the URLs name and a visitor of each role, committed once per test process."""
    from tests.test_routes import give_own_records, route_objects

    with live_app.app_context():
        objects = route_objects()
        visitors = {}
        for role in ("secretariat", "own contact", "supplier contact"):
            email = f"a11y-{role.replace(' ', '-')}@example.org"
            visitor = make_user(email, secretariat=role == "secretariat")
            give_own_records(role, visitor, objects)
            visitors[role] = email
        db.session.commit()
    return objects, visitors
