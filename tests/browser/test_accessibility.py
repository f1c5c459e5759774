"""Every page passes axe-core's WCAG 2.1 A and AA rules, at 1280 and 320 pixels, for the
anonymous visitor, the secretariat, a municipal contact and a supplier's contact.

Each visitor signs in once and opens one URL per GET route of tests/test_routes.py that the
visitor may open (the same records, committed in the live app's database). On each page axe-core
(bundled with axe-playwright-python, injected by the browser, nothing from a CDN) runs at
1280 px; the window then narrows to 320 px on the same page and axe runs again, and the page must
not scroll sideways nor cut a table's caption off. Headings must start at h1 and never skip a
level on the way down. Every finding of every page is collected and reported at once.

The page's frame (the header with the search box, the language switcher and the menu, whose
groups are closed on every page, and the footer) differs from page to page only in which entry
is marked as the current page and in the counts the menu shows: axe checks the whole page where
the frame shows a mark or a count it has not shown the visitor before, and every other page
without its frame.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_in_chromium import sign_in
from tests.test_routes import OK, ROUTES

pytestmark = pytest.mark.browser

# Who visits, as ROUTES names them: a contact of the organisation the URLs name is the municipal
# contact.
VISITORS = ("anonymous", "secretariat", "own contact", "supplier contact")
WIDE, NARROW = 1280, 320
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SERIOUS = ("serious", "critical")
# What axe checks of a page whose frame it has checked as it is: all but the frame.
WITHOUT_FRAME = {"exclude": [["header.site-header"], ["footer.site-footer"]]}
# What of the frame differs between pages: the entries marked current, and the menu's counts.
FRAME_STATE = """() => [...document.querySelectorAll(
    "header.site-header [aria-current], footer.site-footer [aria-current], .site-header .menu-count"
  )].map((element) => element.tagName + " " + element.getAttribute("aria-current") + " "
    + element.textContent.trim()).join(" | ")"""
FILE_SUFFIXES = (".css", ".csv", ".ics", ".pdf", ".xml", ".yml", ".zip")

# Headings that go down more than one level at a time (h1 → h3), or a page that starts below h1.
HEADING_JUMPS = """() => {
  const jumps = [];
  let previous = 0;
  for (const heading of document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")) {
    const level = Number(heading.tagName[1]);
    if (level > previous + 1) jumps.push(`h${previous} → h${level} "${heading.textContent.trim()}"`);
    previous = level;
  }
  return jumps;
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"
# A table's caption that runs past the window's edge: its words are cut off until one scrolls.
CUT_CAPTIONS = """() => [...document.querySelectorAll("caption")]
  .filter((caption) => caption.getBoundingClientRect().right > window.innerWidth + 1)
  .map((caption) => caption.textContent.trim().slice(0, 60))"""
# The innermost elements that reach past the window's right edge: what makes the page scroll.
TOO_WIDE = """() => {
  const wide = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > window.innerWidth + 1
  );
  return wide
    .filter((element) => !wide.some((other) => other !== element && element.contains(other)))
    .slice(0, 3)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + [...element.classList].map((name) => "." + name).join(""));
}"""


def _pages(role: str, objects: dict) -> list[str]:
    """One URL per GET route the visitor may open: a web page, not a file (a stylesheet, a CSV,
    a PDF, a calendar entry, a publiccode.yml)."""
    urls = []
    for _endpoint, (method, url, expected) in sorted(ROUTES.items()):
        path = url.partition("?")[0]
        if method == "GET" and expected[role] == OK and not path.endswith(FILE_SUFFIXES):
            urls.append(url.format(**objects))
    return urls


def _check(page, url: str, where: str, findings: list[str], frames: set[str] | None = None):
    """axe at both widths, sideways scrolling at 320 px and the heading order of the open page;
    the page's frame is left out when it stands as in one of ``frames``, the states of the frame
    checked already (the new one is added)."""
    context = None
    if frames is not None:
        state = page.evaluate(FRAME_STATE)
        if state in frames:
            context = WITHOUT_FRAME
        frames.add(state)
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        results = page.evaluate(
            "([context, options]) => axe.run(context ?? document, options)",
            [context, AXE_OPTIONS],
        )
        for violation in results["violations"]:
            if violation["impact"] in SERIOUS:
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
                findings.append(
                    f"{where} {width}px {url}: {violation['id']} ({violation['impact']}) {targets}"
                )
    if page.evaluate(SIDEWAYS):
        wide = page.evaluate("document.documentElement.scrollWidth")
        culprits = ", ".join(page.evaluate(TOO_WIDE))
        findings.append(f"{where} {NARROW}px {url}: scrolls sideways ({wide}px wide): {culprits}")
    for caption in page.evaluate(CUT_CAPTIONS):
        findings.append(f"{where} {NARROW}px {url}: the caption runs off the screen: {caption}")
    for jump in page.evaluate(HEADING_JUMPS):
        findings.append(f"{where} {url}: heading order {jump}")


def test_every_page_passes_axe_at_1280_and_320_pixels(browser, live_server, visited):
    """The secretariat's first half of the pages; the other half and the other visitors are
    swept in test_accessibility_*.py."""
    sweep(browser, live_server, visited, "secretariat", half=0)


def sweep(browser, live_server, visited, role: str, half: int | None = None) -> None:
    """Every page the visitor may open, checked; all findings reported at once; ``half`` 0 or 1
    takes every other page of the list. (The sweeps are spread over files of their own, so that
    a parallel run gives them to different processes.)"""
    objects, visitors = visited
    findings: list[str] = []
    context = browser.new_context(locale="en-GB", viewport={"width": WIDE, "height": 900})
    context.set_default_timeout(60_000)  # a busy machine
    # Added by the browser itself, so the page's content security policy does not stop it.
    context.add_init_script(script=Axe().axe_script)
    page = context.new_page()
    if role != "anonymous":
        sign_in(page, live_server, visitors[role])
    pages = _pages(role, objects)
    frames: set[str] = set()
    for url in pages if half is None else pages[half::2]:
        try:
            response = page.goto(live_server + url)
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                continue  # a file whose URL does not say so (a meeting's paper)
            raise
        if response is not None and "text/html" not in response.headers.get("content-type", ""):
            continue  # not a page: the health check's JSON
        if response is None or response.status != 200:
            status = response.status if response else None
            findings.append(f"{role} {url}: answered {status}, not the page")
            continue
        _check(page, url, role, findings, frames)
    if role == "own contact" and half in (None, 0):
        # The pages that refuse: not allowed, and nothing there.
        for url in ("/users", "/organisations/2147483000"):
            page.goto(live_server + url)
            _check(page, url, role, findings)
    context.close()

    assert not findings, "\n".join(findings)
