"""The app's icon: every page names it, so browsers show it instead of asking for a
/favicon.ico that is not there."""

from __future__ import annotations

import re


def test_every_page_names_the_icon_and_it_is_served(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon, "the page names no icon"
    answer = client.get(icon.group(1))
    assert answer.status_code == 200
    assert answer.content_type.startswith("image/svg+xml")
    assert answer.get_data(as_text=True).startswith("<svg")
    answer.close()
