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
    for code in ("R1", "F3", "F4", "F5"):
        form = page.get_by_role("form", name=f"Rate {code}")
        form.get_by_label("Rating", exact=True).select_option("green")
        form.get_by_label("Evidence or explanation").fill(f"Checked {code}")
        form.get_by_role("button", name=f"Save the rating of {code}").click()
        assert f"The rating of {code} has been saved." in page.inner_text("main")
    assert page.locator("#level-reached").inner_text() == "Sandbox"
    assert "Missing for N1" in page.inner_text("main")

    page.get_by_role("link", name="OS2 Borgerdialog").click()
    assert page.locator("#level-reached").inner_text() == "Sandbox"
    page.get_by_role("link", name="Record a level decision").click()
    page.get_by_label("Note").fill("Welcome to the sandbox")
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#level-decided").inner_text() == "Sandbox"
    assert "Welcome to the sandbox" in page.inner_text("main")
