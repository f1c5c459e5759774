"""Size tiers from populations, by bands that take effect from a year."""

from __future__ import annotations

import subprocess
import sys

import pytest

from consortium.members.tiers import (
    LARGE,
    MEDIUM,
    OS2_BANDS,
    SMALL,
    VERY_LARGE,
    BandError,
    BandSet,
    band_set_for_year,
    tier_for,
)


@pytest.mark.parametrize(
    ("population", "tier"),
    [
        (0, SMALL),
        (24_999, SMALL),
        (25_000, MEDIUM),
        (59_999, MEDIUM),
        (60_000, LARGE),
        (119_999, LARGE),
        (120_000, VERY_LARGE),
        (1_000_000, VERY_LARGE),
    ],
)
def test_os2_boundaries_are_inclusive_lower_bounds(population, tier):
    assert tier_for(population, OS2_BANDS) == tier


def test_a_band_change_does_not_touch_earlier_years():
    original = BandSet(2020, OS2_BANDS)
    raised = BandSet(2026, ((0, SMALL), (30_000, MEDIUM), (60_000, LARGE), (120_000, VERY_LARGE)))
    sets = [raised, original]
    assert band_set_for_year(sets, 2025).tier_for(27_000) == MEDIUM
    assert band_set_for_year(sets, 2026).tier_for(27_000) == SMALL
    assert band_set_for_year(sets, 2030).tier_for(27_000) == SMALL
    assert band_set_for_year(sets, 2019) is None


@pytest.mark.parametrize(
    "bands",
    [
        (),
        ((10, SMALL), (25_000, MEDIUM)),
        ((0, SMALL), (25_000, MEDIUM), (25_000, LARGE)),
        ((0, SMALL), (25_000, SMALL)),
        ((0, SMALL), (25_000, "huge")),
    ],
)
def test_bands_that_cannot_place_every_population_are_refused(bands):
    with pytest.raises(BandError):
        BandSet(2026, bands)


def test_negative_population_is_refused():
    with pytest.raises(ValueError, match="negative"):
        tier_for(-1, OS2_BANDS)


def test_pure_modules_import_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, consortium.members.tiers, consortium.identifiers;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    # consortium/__init__ imports Flask, so load the modules by path, not through the package.
    loader = (
        "import importlib.util, sys, types;"
        "pkg = types.ModuleType('consortium'); pkg.__path__ = ['consortium']; sys.modules['consortium'] = pkg;"
        "members = types.ModuleType('consortium.members'); members.__path__ = ['consortium/members'];"
        "sys.modules['consortium.members'] = members;"
    )
    result = subprocess.run(
        [sys.executable, "-c", loader + code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
