"""The product catalogue in a real browser: add a product, rate it, see the level it reached."""

from __future__ import annotations

import pytest

from tests.browser.test_in_chromium import from_menu, sign_in

pytestmark = pytest.mark.browser


def test_the_secretariat_adds_a_product_rates_it_and_sees_the_level(page, live_server):
    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Products", "Catalogue")
    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Name", exact=True).fill("OS2 Borgerdialog")
    page.get_by_label("Repository").fill("https://github.com/OS2borgerdialog/os2borgerdialog")
    page.get_by_label("Licence").fill("Foo-1.0")
    page.get_by_role("button", name="Save").click()
    assert "Foo-1.0 is not an identifier from the SPDX licence list" in page.inner_text("main")
    page.get_by_label("Licence").fill("MPL-2.0")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "OS2 Borgerdialog"
    assert page.url.endswith("/products/os2-borgerdialog")
    assert page.locator("#level-reached").inner_text() == "None yet"

    page.get_by_role("link", name="Assessment against the requirements").click()
    # F1 (repository) and F2 (OSI licence) are answered by the data; the rest are rated by hand.
    assert page.inner_text("main").count("Answered by the data: yes") == 2
    # One matrix, one Save: a radio per rating in each row, named after the requirement.
    assert page.get_by_role("button", name="Save the assessment").count() == 1
    for code in ("R1", "F3", "F4", "F5"):
        page.get_by_label(f"Requirement {code}: Green", exact=True).check()
        page.get_by_label(f"Evidence or explanation for {code}").fill(f"Checked {code}")
    page.get_by_role("button", name="Save the assessment").click()
    assert "4 ratings have been saved: R1, F3, F4, F5." in page.inner_text("main")
    row = page.locator("tr", has=page.locator("th span.requirement-code", has_text="F5"))
    assert "✓ Green" in row.locator("td.matrix-status").inner_text()
    # On a phone the matrix becomes a list of rows with their choices side by side, and the
    # page does not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_label("Requirement F6: Red", exact=True).is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#level-reached").inner_text() == "Sandbox"
    assert "Missing for N1" in page.inner_text("main")

    page.get_by_role("link", name="OS2 Borgerdialog").click()
    assert page.locator("#level-reached").inner_text() == "Sandbox"
    page.get_by_role("link", name="Record a level decision").click()
    page.get_by_label("Note").fill("Welcome to the sandbox")
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#level-decided").inner_text() == "Sandbox"
    assert "Welcome to the sandbox" in page.inner_text("main")
