"""The accessibility sweep of tests/browser/test_accessibility.py for the municipal contact
and the supplier's contact."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import VISITORS, sweep

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", VISITORS[2:])
def test_every_page_passes_axe_at_1280_and_320_pixels(browser, live_server, visited, role):
    sweep(browser, live_server, visited, role)
