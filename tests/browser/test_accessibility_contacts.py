"""The first half of the accessibility sweep of tests/browser/test_accessibility.py for the
municipal contact (the other half is in test_accessibility_contacts_more.py), in a file of its
own so that a parallel run gives it to another process."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import VISITORS, sweep

pytestmark = pytest.mark.browser


def test_half_the_pages_of_the_organisations_contact_pass_axe(browser, live_server, visited):
    # The supplier's contact is swept in test_accessibility_supplier.py.
    sweep(browser, live_server, visited, VISITORS[2], half=0)
