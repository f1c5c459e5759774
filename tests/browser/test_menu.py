"""The main menu in Chromium: one line at 1280 px, one "Menu" on a phone, groups that open with
the keyboard, the mouse and without script, and close on Escape or a click elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_in_chromium import sign_in

pytestmark = pytest.mark.browser

TOP_ENTRIES = "#main-menu .menu-bar > li"


def _context(browser, width, javascript=True):
    context = browser.new_context(
        locale="en-GB", viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context


def _signed_in(page, live_server):
    sign_in(page, live_server, "secretariat@example.org")
    page.wait_for_url(f"{live_server}/")
    page.get_by_text("Welcome, Sam Secretariat.").wait_for()


def _tops(page) -> list[float]:
    """The vertical position of each top entry of the menu."""
    return page.eval_on_selector_all(
        TOP_ENTRIES, "items => items.map(i => i.getBoundingClientRect().top)"
    )


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_secretariat_menu_fits_one_line_at_1280_px(browser, live_server):
    context = _context(browser, 1280)
    page = context.new_page()
    _signed_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.locator("summary.menu-toggle").is_visible()
    tops = _tops(page)
    assert len(tops) == 8
    assert max(tops) - min(tops) < 4, "the menu wraps onto a second line"
    # The groups are closed: their entries are not in the way until asked for.
    assert not nav.get_by_role("link", name="Invoices").is_visible()
    assert not _scrolls_sideways(page)
    context.close()


def test_a_keyboard_user_opens_a_group_reaches_its_entries_and_closes_it(browser, live_server):
    context = _context(browser, 1280)
    page = context.new_page()
    _signed_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main")
    money = nav.locator("summary", has_text="Money")

    # Tab from the top of the page until the "Money" group has the focus, with a visible ring.
    page.keyboard.press("Tab")
    for _ in range(40):
        # The group's name, then the count of what waits in it, if anything does.
        if re.match(r"Money\b", page.evaluate("document.activeElement?.textContent.trim()")):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    outline = money.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"

    page.keyboard.press("Enter")
    assert nav.get_by_role("link", name="Invoices").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement?.textContent.trim()") == "Fees"
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="Fees").is_visible()
    assert page.evaluate("document.activeElement?.textContent.trim()") == "Money"

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/invoices/")
    assert nav.locator("a[aria-current=page]").all_text_contents() == ["Invoices"]
    assert money.get_attribute("aria-current") == "true"
    context.close()


def test_a_click_elsewhere_or_opening_another_group_closes_the_open_one(browser, live_server):
    context = _context(browser, 1280)
    page = context.new_page()
    _signed_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Register").click()
    assert nav.get_by_role("link", name="Organisations").is_visible()
    nav.locator("summary", has_text="Administration").click()
    assert not nav.get_by_role("link", name="Organisations").is_visible()
    assert nav.get_by_role("link", name="Audit trail").is_visible()
    page.mouse.click(900, 700)
    assert not nav.get_by_role("link", name="Audit trail").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_menu_folds_behind_one_button(browser, live_server, javascript):
    context = _context(browser, 320, javascript)
    page = context.new_page()
    _signed_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.locator("summary.menu-toggle")
    assert toggle.is_visible()
    assert toggle.inner_text() == "Menu"
    assert not nav.locator("summary", has_text="Money").is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 200

    toggle.click()
    nav.locator("summary", has_text="Money").click()
    invoices = nav.get_by_role("link", name="Invoices")
    assert invoices.is_visible()
    # The group opens in place, below its name, within the screen.
    box = invoices.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert not _scrolls_sideways(page)
    invoices.click()
    page.wait_for_url("**/invoices/")
    assert page.inner_text("h1")
    context.close()


def test_without_script_the_groups_still_open_at_1280_px(browser, live_server):
    context = _context(browser, 1280, javascript=False)
    page = context.new_page()
    _signed_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Administration").click()
    nav.get_by_role("link", name="Audit trail").click()
    page.wait_for_url("**/audit/")
    context.close()
