"""The second half of the municipal contact's accessibility sweep of
tests/browser/test_accessibility.py, in a file of its own so that a parallel run gives it to
another process."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import VISITORS, sweep

pytestmark = pytest.mark.browser


def test_every_other_page_of_the_organisations_contact_passes_axe(browser, live_server, visited):
    sweep(browser, live_server, visited, VISITORS[2], half=1)
