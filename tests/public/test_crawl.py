"""Crawl every page an anonymous visitor can reach and look for personal data on it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from consortium.settings.services import get_settings
from tests.public.conftest import PHONES

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Anything like a phone number: a "+" and country code, or eight digits in pairs.
PHONE = re.compile(r"\+\d{2,3}[ \d]{7,}|\b\d{2} \d{2} \d{2} \d{2}\b")
SITE = "http://localhost"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site(base: str, href: str) -> str | None:
    """The site-relative URL of a link, or None for another site, mailto: and static files."""
    url, _fragment = urldefrag(urljoin(SITE + base, href))
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != SITE or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start="/", limit=300) -> dict[str, str]:
    """Every page reachable from the start by links and redirects: url -> HTML."""
    pages: dict[str, str] = {}
    queue = [start]
    seen = {start}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response.headers["Location"]]
        else:
            assert response.status_code == 200, (url, response.status_code)
            pages[url] = response.get_data(as_text=True)
            parser = Links()
            parser.feed(pages[url])
            targets = parser.hrefs
        for href in targets:
            target = same_site(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(pages) < limit, "the crawl did not finish"
    return pages


def test_no_public_page_shows_personal_data_that_was_not_published(client, registry):
    pages = crawl(client)

    # Every public page was reached, each product's page too (retired ones through their filter).
    for url in ("/public/products", "/public/members", "/public/suppliers"):
        assert url in pages
    for slug in registry.products:
        assert f"/public/products/{slug}" in pages, slug

    association_email = get_settings().email
    for url, page in pages.items():
        lowered = page.lower()
        for email in registry.hidden_emails:
            assert email.lower() not in lowered, (url, email)
        shown = set(EMAIL.findall(page)) - {association_email}
        assert shown <= registry.published_emails, (url, shown)
        for phone in PHONES:
            assert phone not in page, (url, phone)
        assert not PHONE.findall(page), (url, PHONE.findall(page))
        for value in registry.private_values:
            assert value not in page, (url, value)

    # The chair who published their address is shown with it.
    assert "petra.published@example.org" in pages["/public/products/borgerportal"]
