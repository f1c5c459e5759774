"""The stylesheet, scripts and icon are kept by browsers: their addresses carry a fingerprint
of their content, which a new version of the file changes; pages are never kept."""

from __future__ import annotations

import os
import re

from lxml import html

from consortium import web


def _static_addresses(client) -> list[str]:
    tree = html.fromstring(client.get("/").get_data(as_text=True))
    return tree.xpath("//link[@rel='stylesheet']/@href | //link[@rel='icon']/@href | //script/@src")


def test_static_files_are_kept_a_year_under_an_address_naming_their_content(client):
    addresses = _static_addresses(client)
    assert {address.partition("?")[0] for address in addresses} == {
        "/static/css/app.css",
        "/static/favicon.svg",
        "/static/js/menu.js",
    }
    for address in addresses:
        assert re.fullmatch(r"/static/[a-z/]+\.[a-z]+\?v=[0-9a-f]{12}", address), address
        answer = client.get(address)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000"
        answer.close()
    # Two files, two fingerprints.
    assert len({address.partition("?v=")[2] for address in addresses}) == len(addresses)
    # The page itself is never kept.
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_a_changed_file_gets_a_new_address(app, client, tmp_path, monkeypatch):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "js").mkdir()
    sheet = static / "css" / "app.css"
    sheet.write_text("body { color: black; }")
    (tmp_path / "outside.css").write_text("body { color: red; }")  # not a static file
    monkeypatch.setattr(app, "static_folder", str(static))
    monkeypatch.setattr(web, "_fingerprints", {})
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="css/app.css")
        assert url_for("static", filename="css/app.css") == first
        sheet.write_text("body { color: navy; }")
        later = sheet.stat().st_mtime_ns + 1_000_000
        os.utime(sheet, ns=(later, later))
        second = url_for("static", filename="css/app.css")
        # A file that is not there, or outside the folder, gets no fingerprint.
        missing = url_for("static", filename="css/missing.css")
        outside = url_for("static", filename="../outside.css")
    assert first != second
    assert first.startswith("/static/css/app.css?v=") and second.startswith(
        "/static/css/app.css?v="
    )
    assert missing == "/static/css/missing.css"
    assert "?v=" not in outside
