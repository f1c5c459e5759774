"""Command-line work: users, the demo, translations."""

from __future__ import annotations

import subprocess  # noqa: S404 - runs pybabel, our own dependency, with fixed arguments
import sys
import tempfile
from pathlib import Path

import click
from babel.messages.pofile import read_po
from flask import current_app
from flask.cli import AppGroup

from consortium.config import LANGUAGES
from consortium.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="The demo association.")
translate_cli = AppGroup("translate", help="Extract, update, compile and check translations.")


@users_cli.command("create")
@click.option("--email", required=True, help="The new user's email address.")
@click.option("--name", default="", help="The user's name.")
@click.option("--secretariat", is_flag=True, help="Make the user a member of the secretariat.")
@click.option("--language", type=click.Choice(LANGUAGES), default=None)
@click.password_option(help="The password (asked for when not given).")
def create_user(
    email: str, name: str, secretariat: bool, language: str | None, password: str
) -> None:
    """Create a user with a password, such as the first user of a new installation."""
    from consortium.auth import services
    from consortium.auth.passwords import password_problem

    if services.find_user_by_email(email):
        raise click.ClickException(f"a user with the email {email} already exists")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    user = services.create_user(
        email, name, password=password, language=language, is_secretariat=secretariat
    )
    db.session.commit()
    role = "secretariat" if secretariat else "user"
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Keep a database that holds data, without an error.")
def load_demo(if_empty: bool) -> None:
    """Fill an empty database with the demo association and print the logins."""
    from consortium import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already holds data; it is kept as it is.")
        print_logins(demo.all_logins())
        return
    try:
        logins = demo.load()
    except demo.DemoError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo("Demo data loaded.")
    print_logins(logins)


@demo_cli.command("logins")
def show_logins() -> None:
    """Print the demo logins."""
    from consortium import demo

    print_logins(demo.all_logins())


def print_logins(logins) -> None:
    click.echo("Demo logins (email / password):")
    width = max((len(login.role) for login in logins), default=0)
    for login in logins:
        click.echo(f"  {login.role:<{width}}  {login.email} / {login.password}")


# The keywords are Flask-Babel's lazy functions as the code imports them.
# Babel skips folders starting with "_" unless told otherwise; our macros live in _macros/.
EXTRACT = (
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "-k",
    "pgettext_l:1c,2",
    "--no-location",
    "--sort-output",
    "--ignore-dirs",
    ".*",
)


def _project_root() -> Path:
    return Path(current_app.root_path).parent


def _pybabel(*args: str, quiet: bool = False) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(command, check=True, cwd=_project_root(), stdout=output, stderr=output)  # noqa: S603


@translate_cli.command("extract")
def extract() -> None:
    """Extract the messages into translations/messages.pot."""
    (_project_root() / "translations").mkdir(exist_ok=True)
    _pybabel(*EXTRACT, "-o", "translations/messages.pot", "consortium")


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge the new messages into every language's catalogue."""
    extract.callback()
    _pybabel(
        "update",
        "-i",
        "translations/messages.pot",
        "-d",
        "translations",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalogue for a new language."""
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


@translate_cli.command("compile")
def compile_catalogues() -> None:
    """Compile every catalogue for use by the app."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate_cli.command("check")
def check() -> None:
    """Fail when a message is missing from a catalogue or a translation is empty or fuzzy."""
    root = _project_root()
    with tempfile.TemporaryDirectory() as folder:
        pot_path = Path(folder) / "messages.pot"
        _pybabel(*EXTRACT, "-o", str(pot_path), "consortium", quiet=True)
        with pot_path.open("rb") as handle:
            template = read_po(handle)
    problems: list[str] = []
    for language in current_app.config["LANGUAGES"]:
        if language == "en":
            continue
        po_path = root / "translations" / language / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{language}: no catalogue at {po_path}")
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        for message in template:
            if not message.id:
                continue
            found = catalogue.get(message.id, message.context)
            label = message.id if isinstance(message.id, str) else message.id[0]
            if found is None:
                problems.append(f"{language}: missing {label!r}")
            elif found.fuzzy:
                problems.append(f"{language}: fuzzy {label!r}")
            elif not found.string or (
                isinstance(found.string, tuple | list) and not all(found.string)
            ):
                problems.append(f"{language}: empty translation of {label!r}")
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(problems)} translation problems")
    click.echo(f"Translations complete: {len(template) - 1} messages in every language.")


def register(app) -> None:
    """`flask users`, `flask demo` and `flask translate`; each domain adds its own command group
    in its register() (`flask orgs` in members/cli.py, `flask mail` in mail/cli.py, ...)."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translate_cli)
