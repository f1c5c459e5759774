"""Every form the route list knows, sent edge values field by field: never an error page.

For each page of tests/test_routes.py ROUTES that shows forms, the secretariat fetches the
page, reads its forms as a browser would (html.parser) and sends each form back with one
field changed at a time. Every field gets NUL and a huge number; the other edge values (empty,
very long, emoji, right-to-left text, negative numbers, impossible dates...) take turns over
the fields, date fields also get the years 1 and 9999; of forms that differ only by the
record they act on the first is sent, and of a form's fields that differ only by the row they
belong to (the rows of a matrix: r12-rating, r13-rating...) the first is changed: the run
stays at one request per kind of field and value.

It relies on ROUTES (endpoint -> (method, url template, ...)) and on the ``routes_database``
fixture of tests/test_routes.py: the records that fill in the ``{placeholders}`` of the URLs,
made once per test process; each page's fuzzing is rolled back.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import login, rolled_back
from tests.test_routes import (  # noqa: F401 - routes_database is a fixture
    ROUTES,
    routes_database,
    visitor_email,
)

# The edge values are sent where production keeps its records: PostgreSQL, the stricter of the
# two databases about what it stores (it refuses a NUL in text, SQLite keeps it), in the
# PostgreSQL run of `make test`.
pytestmark = pytest.mark.postgresql

EVERY_FIELD = ("\x00", "9" * 40)
# Date fields also get both ends of the calendar.
EVERY_DATE = ("0001-01-01", "9999-12-31")
IN_TURN = (
    "",
    "x" * 20_000,
    "😀🇩🇰👩🏽‍💻",
    "\u202eשלום مرحبا\u202c",
    "-1",
    "-99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "2023-02-30",
    "1e309",
    "NaN",
    "   ",
    "12,345.678,9",
    "<script>alert(1)</script>",
)
# Forms of the page frame: the sign-out form would end the session, the language form is
# sent from the home page only.
FRAME_ACTIONS = {"/sign-out", "/language"}


@dataclass
class FormSeen:
    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)


class FormParser(HTMLParser):
    """The forms of a page and what a browser would send for each field as it stands."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSeen] = []
        self._form: FormSeen | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._form = FormSeen(
                method=(attributes.get("method") or "get").lower(),
                action=action,
                multipart="multipart" in (attributes.get("enctype") or ""),
            )
            self.forms.append(self._form)
        if self._form is None or "name" not in attributes:
            if tag == "option" and self._select is not None:
                self._option(attributes)
            return
        name, kind = attributes["name"], (attributes.get("type") or "text").lower()
        if tag == "input":
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                kind = f"{kind}-unchecked"
            self._form.fields.append((name, kind, attributes.get("value") or ""))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def _option(self, attributes):
        value = attributes.get("value") or ""
        if self._select_value is None or "selected" in attributes:
            self._select_value = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form.fields.append((self._select, "select", self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.append((self._textarea, "textarea", self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


def _baseline(form: FormSeen) -> dict[str, list]:
    data: dict[str, list] = {}
    for name, kind, value in form.fields:
        if kind.endswith("-unchecked"):
            continue
        data.setdefault(name, []).append(value)
    return data


def _send(client, form: FormSeen, data: dict[str, list], files: set[str]):
    path = urlsplit(form.action)
    url = path.path + (f"?{path.query}" if path.query else "")
    if form.method == "get":
        return client.get(path.path, query_string=data)
    if form.multipart:
        payload = {
            name: [
                (io.BytesIO(value.encode("utf-8", "surrogatepass")), "edge.csv")
                if name in files
                else value
                for value in values
            ]
            for name, values in data.items()
        }
        return client.post(url, data=payload, content_type="multipart/form-data")
    return client.post(url, data=data)


def _fuzzable(form: FormSeen, endpoint: str, shapes: set) -> bool:
    """Whether to send the form: the frame's forms only from the home page, and of forms that
    differ only by the record they act on (one per requirement of a list), the first."""
    action = urlsplit(form.action).path
    if action in FRAME_ACTIONS:
        return action == "/language" and endpoint == "main.home"
    shape = (
        form.method,
        re.sub(r"[0-9]+", "#", action),
        tuple(re.sub(r"[0-9]+", "#", name) for name, _kind, _value in form.fields),
    )
    if shape in shapes:
        return False
    shapes.add(shape)
    return True


def _pending_import(user_id: int) -> int:
    """An uploaded organisations file waiting for the secretariat's confirmation."""
    from consortium.extensions import db
    from consortium.members.models import PendingImport

    pending = PendingImport(user_id=user_id, filename="x.csv", content=b"name,kind,country\n")
    db.session.add(pending)
    db.session.flush()
    return pending.id


FORM_PAGES = sorted(endpoint for endpoint, route in ROUTES.items() if route[0] == "GET")


@pytest.mark.parametrize("endpoint", FORM_PAGES)
def test_no_edge_value_in_any_field_gives_an_error_page(routes_database, endpoint):  # noqa: F811
    with rolled_back(routes_database.app):
        _fuzz_forms(routes_database, endpoint)


def _fuzz_forms(world, endpoint: str) -> None:
    client = world.client("secretariat")
    secretariat = world.visitors["secretariat"]
    url = ROUTES[endpoint][1].format(pending=_pending_import(secretariat), **world.objects)
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.content_type:
        page.close()
        return
    parser = FormParser("http://localhost" + url)
    parser.feed(page.get_data(as_text=True))
    turn = 0
    shapes: set = set()
    for form in parser.forms:
        if not _fuzzable(form, endpoint, shapes):
            continue
        files = {name for name, kind, _value in form.fields if kind == "file"}
        kinds = {name: kind for name, kind, _value in form.fields if name != "csrf_token"}
        rows_seen: set[tuple[str, str]] = set()
        for name, kind in kinds.items():
            row_shape = (re.sub(r"[0-9]+", "#", name), kind)
            if row_shape in rows_seen:
                continue
            rows_seen.add(row_shape)
            dates = EVERY_DATE if kind == "date" else ()
            for value in (*EVERY_FIELD, *dates, IN_TURN[turn % len(IN_TURN)]):
                data = _baseline(form)
                data[name] = [value]
                response = _send(client, form, data, files)
                body = response.get_data(as_text=True)
                assert response.status_code != 500, (endpoint, form.action, name, value[:40])
                assert "Traceback" not in body, (endpoint, form.action, name, value[:40])
                if response.status_code == 302 and "/sign-in" in response.headers["Location"]:
                    login(client, visitor_email("secretariat"))
            turn += 1
