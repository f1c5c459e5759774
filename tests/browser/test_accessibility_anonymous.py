"""The accessibility sweep of tests/browser/test_accessibility.py for an anonymous visitor, in
a file of its own so that a parallel run gives it to another process."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import VISITORS, sweep

pytestmark = pytest.mark.browser


def test_every_public_page_passes_axe(browser, live_server, visited):
    sweep(browser, live_server, visited, VISITORS[0])
