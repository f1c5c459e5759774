"""The core flows in a real browser: sign in, switch language, invite a user."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def from_menu(page, group, entry=None):
    """Follow an entry of the main menu as a visitor does: open its group, then the entry (or
    the group's own link when it has a single entry)."""
    nav = page.locator("nav#main-menu")  # named "Main" in the reader's language
    if (page.viewport_size or {"width": 1280})["width"] <= 640:
        # A phone: the whole menu is one disclosure first (the page may still be loading).
        toggle = nav.locator("details.menu > summary.menu-toggle")
        toggle.wait_for()
        if nav.locator("details.menu:not([open])").count():
            toggle.click()
    if entry is None:
        nav.get_by_role("link", name=group, exact=True).click()
        return
    # The group's name, then the count of what waits in it, if anything does.
    nav.locator("summary", has_text=re.compile(f"^{re.escape(group)}(\\W|$)")).click()
    # The entry's name, then what waits there, if anything does ("Suppliers, 1 waiting").
    nav.get_by_role("link", name=re.compile(f"^{re.escape(entry)}(\\s*,|$)")).click()


def test_sign_in_and_out(page, live_server):
    sign_in(page, live_server, "secretariat@example.org")
    assert page.get_by_role("heading", level=1).inner_text()
    assert "Welcome, Sam Secretariat." in page.inner_text("main")
    page.get_by_role("button", name="Sign out").click()
    assert "You are signed out." in page.inner_text("main")


def test_wrong_password_shows_a_message_by_the_form(page, live_server):
    sign_in(page, live_server, "secretariat@example.org", "not the password at all")
    alert = page.get_by_role("alert")
    assert [line for line in alert.inner_text().splitlines() if line] == [
        "There is a problem",
        "The email address or the password is not correct.",
    ]
    # The focus is on the summary, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_label("Email").input_value() == "secretariat@example.org"


def test_switch_language_without_javascript_help(page, live_server):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Language").select_option("da")
    page.get_by_role("button", name="Change language").click()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.url.endswith("/sign-in")
    assert page.get_by_role("heading", level=1).inner_text() == "Log ind"
    page.get_by_label("Sprog").select_option("cs")
    page.locator(".language-switcher button").click()
    assert page.locator("html").get_attribute("lang") == "cs"
    assert page.get_by_role("button", name="Změnit jazyk").is_visible()


def test_invited_user_sets_a_password_and_signs_in(browser, page, live_server):
    sign_in(page, live_server, "secretariat@example.org")
    from_menu(page, "Administration", "Users")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Name").fill("Ida Invited")
    page.get_by_label("Email").fill("ida@example.org")
    page.get_by_label("Language of the invitation and the pages").select_option("de")
    page.get_by_role("button", name="Send the invitation").click()
    assert "An invitation has been sent to ida@example.org." in page.inner_text("main")

    from_menu(page, "Administration", "Outbox")
    page.get_by_role("link", name=re.compile("Einladung")).first.click()
    body = page.inner_text("pre")
    link = re.search(r"http://127\.0\.0\.1:\d+/invitation/\S+", body).group(0)

    invitee = browser.new_context(locale="de-DE").new_page()
    invitee.goto(link)
    assert invitee.locator("html").get_attribute("lang") == "de"
    invitee.get_by_label("Neues Passwort", exact=True).fill("ida's own long passphrase")
    invitee.get_by_label("Neues Passwort wiederholen").fill("ida's own long passphrase")
    invitee.get_by_role("button").last.click()
    # Setting the password signs her in: she lands on the home page, greeted by name.
    invitee.wait_for_url(f"{live_server}/")
    assert "Ida Invited" in invitee.inner_text("main")
    invitee.context.close()


def test_pages_fit_a_320_pixel_screen_and_show_focus(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, "secretariat@example.org")
    for path in ["/", "/users", "/settings/", "/audit/", "/profile"]:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()
