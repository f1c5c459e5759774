"""Fixtures: an app on a migrated database, a transaction per test, and a committing variant.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names a server
(`make test` starts a throw-away one).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from consortium import create_app
from consortium.auth import services as auth_services
from consortium.extensions import db
from consortium.mail.models import OutboxMessage

# Property tests judge what comes out, never how fast: a busy machine (two test runs, a browser)
# must not fail them, and no example database is kept between runs.
settings.register_profile(
    "consortium", deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("consortium")

PASSWORD = "correct horse battery staple"
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def pytest_addoption(parser):
    parser.addoption("--database-label", default=None, help="Name the run in the summary line.")
    parser.addoption(
        "--sqlite-run",
        action="store_true",
        help="The SQLite run of `make test`: of the tests that open a database, those that "
        "check what SQLite does differently (the PostgreSQL run runs them all).",
    )


# A test module that opens a database of its own (rather than through the fixtures below) names
# one of these; its tests run on every database.
OWN_DATABASE = (
    "new_database",
    "copy_database",
    "demo_database",
    "make_app",
    "server_url",
    "DATABASE_URL",
    "create_app",
)
# The fixtures every database-opening fixture depends on.
DATABASE_FIXTURES = {"database_url", "migrated_template"}
# Of the tests that open a database, those the SQLite run of `make test` runs besides the
# PostgreSQL run: where SQLite, which `make run` serves, does things its own way. (A single test
# of that kind elsewhere is marked `sqlite_too`: a trigger of SQLite's own, a lock it lacks.)
SQLITE_TOO = (
    # Every page and form for every visitor; the demo and the setup `make run` loads.
    "tests/test_routes.py",
    "tests/test_setup.py",
    "test_demo*.py",
    # Migrations: SQLite alters a table by copying it.
    "test_migration*.py",
    # Concurrency: SQLite locks the whole file, and has one writer at a time.
    "*races.py",
    # Search folds text in Python on SQLite; lists sort and filter by its collation.
    "tests/search/*.py",
    "tests/test_lists.py",
    # Odd input: SQLite keeps what PostgreSQL refuses (a NUL, a number too big).
    "tests/test_input.py",
    "tests/test_connecting.py",
    # Partial unique indexes (one primary contact, one current term or participation).
    "tests/members/*.py",
    "tests/participation/*.py",
    "tests/groups/*.py",
    # The throttles' counts, written by each database's own upsert.
    "tests/auth/test_sign_in.py",
    "tests/auth/test_reset_throttle.py",
    "tests/api/test_resources.py",
)
# Tests with one of these fixtures (or one that depends on them) commit for real, where
# SQLite's transactions and locking differ from PostgreSQL's (consortium/transactions.py).
COMMITTING_FIXTURES = {"committed_app", "demo_database"}


def pytest_collection_modifyitems(config, items):
    """Each run runs what it checks.

    - The PostgreSQL run runs the tests that open a database: a test that never touches one
      (the fee engine's and the counting's arithmetic, a calendar file, a CSV parser) gives the
      same result on every database, and has run in the SQLite run already.
    - The SQLite run (``--sqlite-run``) runs the tests that open no database, and of those that
      do the ones that check what SQLite does its own way (`SQLITE_TOO`, those marked
      `sqlite_too`, and every test that commits for real). Without ``--sqlite-run`` (a developer's ``pytest``) every test runs
      on SQLite.
    - Tests marked `postgresql` check what production runs on and are left to the PostgreSQL
      run; those marked `sqlite` check what no database changes (who may open a page) and run
      in the SQLite run only."""
    on_server = server_url() is not None
    left_out = "sqlite" if on_server else "postgresql"
    sources: dict[str, bool] = {}
    root = Path(config.rootpath)

    def opens_a_database(item) -> bool:
        path = str(item.path)
        if path not in sources:
            text_of = Path(path).read_text(encoding="utf-8")
            sources[path] = any(name in text_of for name in OWN_DATABASE)
        return bool(DATABASE_FIXTURES & set(item.fixturenames)) or sources[path]

    def differs_on_sqlite(item) -> bool:
        relative = Path(item.path).relative_to(root)
        return (
            item.get_closest_marker("sqlite_too") is not None
            or bool(COMMITTING_FIXTURES & set(item.fixturenames))
            or any(relative.match(pattern) for pattern in SQLITE_TOO)
        )

    def runs(item) -> bool:
        if item.get_closest_marker(left_out):
            return False
        if on_server:
            return opens_a_database(item)
        if config.getoption("--sqlite-run") and not item.get_closest_marker("sqlite"):
            return not opens_a_database(item) or differs_on_sqlite(item)
        return True

    kept, deselected = [], []
    for item in items:
        (kept if runs(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


# The fixtures that load the demo association (once per test process, `demo_load`).
DEMO_FIXTURES = ("demo_load", "demo_template", "demo_database", "demo_app", "in_demo")


@pytest.hookimpl(optionalhook=True)  # a run without pytest-xdist does not know the hook
def pytest_xdist_make_scheduler(config, log):
    """A parallel run (pytest-xdist's ``--dist load``) that sends the tests of the modules on
    the demo to one test process first, which loads the demo once, and the other tests as
    usual: the demo takes half a minute to load, and the other processes never load it."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    tests = Path(config.rootpath) / "tests"
    on_demo = {
        str(path.relative_to(config.rootpath))
        for path in tests.rglob("test_*.py")
        if any(name in path.read_text(encoding="utf-8") for name in DEMO_FIXTURES)
    }

    class DemoFirst(LoadScheduling):
        demo_sent = False

        def _send_tests(self, node, num: int) -> None:
            if not self.demo_sent:
                # The first process served gets the demo's tests ahead of its share.
                self.demo_sent = True
                demo = [
                    index
                    for index in self.pending
                    if self.collection[index].partition("::")[0] in on_demo
                ]
                if demo:
                    taken = set(demo)
                    self.pending[:] = [index for index in self.pending if index not in taken]
                    self.node2pending[node].extend(demo)
                    node.send_runtest_some(demo)
            super()._send_tests(node, num)

    return DemoFirst(config, log)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    label = config.getoption("--database-label")
    if not label or hasattr(config, "workerinput"):
        # Each worker of a parallel run reports to the main process, which counts them all.
        return
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    line = f"{label}: {passed + failed} tests ran, {passed} passed, {failed} failed"
    terminalreporter.write_line(line)
    results = Path(config.rootpath) / ".test-results"
    results.mkdir(exist_ok=True)
    (results / f"{label}.txt").write_text(line + "\n")


def server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def new_database(tmp_path_factory, name: str) -> str:
    """A new, empty database: a file for SQLite, a database on the server for PostgreSQL."""
    server = server_url()
    if server is None:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / f"{name}.sqlite")
    database = f"{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return re.sub(r"/[^/]*$", f"/{database}", server)


def copy_database(tmp_path_factory, template: str, name: str) -> str:
    """A new database holding what the template holds: a copied file for SQLite, a database
    made from the template on the server for PostgreSQL (nothing may be connected to it)."""
    if template.startswith("sqlite:///"):
        path = tmp_path_factory.mktemp("db") / f"{name}.sqlite"
        shutil.copyfile(template.removeprefix("sqlite:///"), path)
        return "sqlite:///" + str(path)
    database = f"{name}_{uuid.uuid4().hex[:8]}"
    source = template.rpartition("/")[2]
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{source}"'))
    admin.dispose()
    return re.sub(r"/[^/]*$", f"/{database}", template)


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Tests hold an app context open; without this, requests would share its ``g`` (and so
    Flask-Login's cached user) with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    config = {
        "CONSORTIUM_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "",
        "BASE_URL": "https://consortium.example.org",
        "WTF_CSRF_ENABLED": False,
        # A cheap scrypt keeps the suite fast; production uses Werkzeug's default cost.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    # What the app keeps in its instance folder (the development seal of agreements) goes to a
    # folder of the test run's own, never into the checkout.
    app.instance_path = tempfile.mkdtemp(prefix="consortium-instance-")
    app.test_client_class = FreshContextClient
    return app


def migrate(app) -> None:
    with app.app_context():
        upgrade(directory=MIGRATIONS)


# How many PDFs and validation reports a test process keeps in memory (a few tests' worth).
KEPT_IN_MEMORY = 32


class Made:
    """What a pure, slow function made, kept by a digest of all it was given: in memory (the
    last few), and in the folder CONSORTIUM_TEST_MEMO names when `make test` sets one, where
    its other test processes and later runs (the PostgreSQL run after the SQLite one) find
    it. What a test process writes there appears whole or not at all."""

    def __init__(self, kind: str):
        self.kind = kind
        self.kept: OrderedDict[str, bytes] = OrderedDict()
        # Tests validate from several threads at once (the races).
        self.lock = threading.Lock()
        folder = os.environ.get("CONSORTIUM_TEST_MEMO")
        self.folder = Path(folder) / kind if folder else None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: tuple, make: Callable[[], bytes]) -> bytes:
        """What ``make`` makes of what ``key`` names (its repr tells every part apart)."""
        digest = hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()
        with self.lock:
            if digest in self.kept:
                self.kept.move_to_end(digest)
                return self.kept[digest]
        made = self._read(digest)
        if made is None:
            made = make()
            self._write(digest, made)
        with self.lock:
            self.kept[digest] = made
            if len(self.kept) > KEPT_IN_MEMORY:
                self.kept.popitem(last=False)
        return made

    def _read(self, digest: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / digest).read_bytes()
        except FileNotFoundError:
            return None

    def _write(self, digest: str, made: bytes) -> None:
        if self.folder is None:
            return
        handle, partial = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        with os.fdopen(handle, "wb") as file:
            file.write(made)
        os.replace(partial, self.folder / digest)


@pytest.fixture(scope="session", autouse=True)
def same_input_same_document() -> Iterator[None]:
    """A test run lays out the same PDF and validates the same e-invoice once.

    WeasyPrint makes the same PDF of the same HTML, stylesheets, attachments and metadata, and
    the EN 16931 rules find the same in the same XML; tests issue the same invoice of the same
    fixtures over and over, in both database runs. So the PDFs and the rules' reports are kept
    by what they were made of (`Made`) and given again to a test that makes the same one. A
    kept PDF carries the first one's creation date. Processes that render in parallel (the
    invoice run's pool) are spawned, and make all of theirs.

    The keys hold WeasyPrint's version and the stylesheets' and rule files' modification times.
    What they leave out: the static files a document links itself (fonts, images), which no
    test changes, and WeasyPrint's warnings, which a copy does not repeat (no test reads them).
    A document a page serves is compared with the one stored at issuing by the tests of those
    pages; a copy is the same bytes, so a page that made it anew would not be told apart by its
    bytes alone."""
    from consortium import pdf
    from consortium.invoicing import validation

    weasyprint_version = importlib.metadata.version("weasyprint")
    pdfs, reports = Made("pdf"), Made("schematron")
    made_by = pdf._html_to_pdf
    reported_by = validation._Schematron.reports

    def made_once(renderer, html, static, pdf_variant, stylesheets, attachments, xmp):
        def make() -> bytes:
            return made_by(renderer, html, static, pdf_variant, stylesheets, attachments, xmp)

        try:
            sheets = tuple((name, (Path(static) / name).stat().st_mtime_ns) for name in stylesheets)
        except OSError:  # no such stylesheet: the renderer says so
            return make()
        key = (weasyprint_version, html, static, pdf_variant, sheets, attachments, xmp)
        return pdfs.get(key, make)

    def reported_once(schematron, xml, rule_sets):
        rule_sets = tuple((source, Path(path)) for source, path in rule_sets)

        def make() -> bytes:
            found = reported_by(schematron, xml, rule_sets)
            return json.dumps(found).encode("utf-8")

        try:
            rules = tuple(
                (source, str(path), path.stat().st_mtime_ns) for source, path in rule_sets
            )
        except OSError:  # no such rule file: the validation says so
            return reported_by(schematron, xml, rule_sets)
        key = (xml, rules)
        return [tuple(pair) for pair in json.loads(reports.get(key, make))]

    pdf._html_to_pdf = made_once
    validation._Schematron.reports = reported_once
    yield
    pdf._html_to_pdf = made_by
    validation._Schematron.reports = reported_by


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """A freshly migrated, empty database that no test opens: committing tests get copies."""
    url = new_database(tmp_path_factory, "consortium_migrated")
    app = make_app(url)
    migrate(app)
    with app.app_context():
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_load(migrated_template, tmp_path_factory) -> tuple[str, str]:
    """The demo association loaded once per test process through its command, as `make run`
    loads it: the database, which no test opens (the demo tests get copies of it,
    `demo_database`), and what the command printed."""
    url = copy_database(tmp_path_factory, migrated_template, "consortium_demo")
    app = make_app(url)
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return url, result.output


@pytest.fixture(scope="session")
def demo_template(demo_load) -> str:
    return demo_load[0]


@pytest.fixture(scope="module")
def demo_database(demo_template, tmp_path_factory) -> str:
    """A database of the module's own with the demo loaded and committed."""
    return copy_database(tmp_path_factory, demo_template, "consortium_demo")


@pytest.fixture(scope="module")
def demo_app(demo_database):
    """An app on the module's copy of the demo, committed: tests that change it share it."""
    app = make_app(demo_database)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def in_demo(demo_app):
    """The test runs in the app context of the module's copy of the demo."""
    with demo_app.app_context():
        yield demo_app
        db.session.rollback()


@pytest.fixture(scope="session")
def database_url(migrated_template, tmp_path_factory):
    """The migrated database the rolled-back tests share: a copy of the template."""
    return copy_database(tmp_path_factory, migrated_template, "consortium_test")


@pytest.fixture(scope="session")
def _session_app(database_url):
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def rolled_back(app) -> Iterator:
    """The app's context, with everything done in it (requests too) inside one transaction that
    is rolled back at the end: what a request commits stays until then."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        )
        try:
            yield app
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            db.session = original


@pytest.fixture
def app(_session_app):
    """The app, with every test inside a transaction that is rolled back afterwards."""
    with rolled_back(_session_app) as app:
        yield app


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def committed_app(migrated_template, tmp_path_factory):
    """An app on its own freshly migrated database, whose requests really commit."""
    app = make_app(copy_database(tmp_path_factory, migrated_template, "consortium_committed"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_user(
    email="user@example.org", *, password=PASSWORD, secretariat=False, name="", language=None
):
    """A user with a password, committed (inside the test's outer transaction)."""
    user = auth_services.create_user(
        email,
        name or email.split("@")[0].title(),
        password=password,
        is_secretariat=secretariat,
        language=language,
    )
    # Committing releases the test's savepoint, so a later request that rolls back keeps it.
    db.session.commit()
    return user


@pytest.fixture
def user(app):
    return make_user("user@example.org", name="Ulla User")


@pytest.fixture
def secretariat(app):
    return make_user("secretariat@example.org", secretariat=True, name="Sam Secretariat")


def login(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def sign_in(client, email, password=PASSWORD):
    """Sign in as a browser would, with the sign-in page's CSRF token (when CSRF is on)."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    extra = {"csrf_token": token.group(1)} if token else {}
    return login(client, email, password, **extra)


@pytest.fixture
def user_client(client, user):
    assert login(client, user.email).status_code == 302
    return client


@pytest.fixture
def secretariat_client(client, secretariat):
    assert login(client, secretariat.email).status_code == 302
    return client


@pytest.fixture
def count_queries(app) -> Callable[[], AbstractContextManager[list[str]]]:
    """Count the SQL statements a page runs, for pages that list things::

    with count_queries() as statements:
        client.get("/organisations/")
    assert len(statements) == few
    """

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def remember(connection, cursor, statement, *args) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)

    return counting


@pytest.fixture
def outbox(app) -> Callable[[str], list[OutboxMessage]]:
    """The messages sent to an address, oldest first: ``outbox("kim@example.org")``."""

    def sent_to(recipient: str) -> list[OutboxMessage]:
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.recipient == recipient)
                .order_by(OutboxMessage.id)
            )
        )

    return sent_to
