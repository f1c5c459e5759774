"""The load test's simulated users (scripts/locustfile.py) open pages that exist.

The load test itself runs for minutes (`make loadtest`); this keeps its locustfile from rotting
when a page moves: every page it names, filled in with sample values, is one the app routes,
for the method the users use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parent.parent

# Locust patches the standard library (gevent) when imported: read the pages in a process of
# their own, not in the test's.
READ_PAGES = """
import json, sys
sys.path.insert(0, "scripts")
import locustfile
users = [locustfile.Secretariat, locustfile.Contact, locustfile.Anonymous]
print(json.dumps({
    "pages": locustfile.PAGES,
    "posted": sorted(locustfile.POSTED),
    "sample": locustfile.SAMPLE,
    "tasks": {user.__name__: len(user.tasks) for user in users},
}))
"""


def _locustfile() -> dict:
    found = subprocess.run(
        [sys.executable, "-c", READ_PAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={name: value for name, value in os.environ.items() if not name.startswith("LOADTEST")},
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def test_every_page_the_simulated_users_open_exists(tmp_path):
    locustfile = _locustfile()
    app = make_app("sqlite:///" + str(tmp_path / "routes.sqlite"))
    adapter = app.url_map.bind("consortium.example.org")
    assert set(locustfile["posted"]) <= set(locustfile["pages"])
    routed = {}
    for name, template in locustfile["pages"].items():
        path = urlsplit(template.format(**locustfile["sample"])).path
        method = "POST" if name in locustfile["posted"] else "GET"
        try:
            endpoint, _values = adapter.match(path, method=method)
        except (NotFound, MethodNotAllowed) as error:
            raise AssertionError(f"{name}: {method} {path} is not a page ({error})") from error
        routed[name] = endpoint
    # The mix the issue asks for: the secretariat, contacts and anonymous visitors.
    assert routed["organisation list"] == "members.index"
    assert routed["fees preview"] == "fees.preview"
    assert routed["approve"] == "participation.approve"
    assert routed["expected fees PDF"] == "fees.member_expected_pdf"
    assert routed["ask to join"] == "participation.join"
    assert routed["public catalogue"] == "public.products"
    assert all(count > 0 for count in locustfile["tasks"].values())
