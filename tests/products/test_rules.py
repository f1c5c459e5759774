"""Pure rules: slugs, SPDX licences and the level a product has reached."""

from __future__ import annotations

import pytest

from consortium.products import levels, licences, slugs
from consortium.products.levels import RequirementState
from consortium.products.requirements import DEFAULT_REQUIREMENTS, default_rows


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("OS2forms", "os2forms"),
        ("OS2 Rollekatalog", "os2-rollekatalog"),
        ("Økonomi & Løn – 2", "oekonomi-loen-2"),
        ("Borgerdialog på nettet", "borgerdialog-paa-nettet"),
        ("  --Tidy--  ", "tidy"),
        ("Čeština", "cestina"),
    ],
)
def test_a_slug_is_suggested_from_the_name(name, slug):
    assert slugs.slugify(name) == slug
    assert slugs.is_valid(slug)


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "OS2forms",
        "os2_forms",
        "os2 forms",
        "-os2",
        "os2-",
        "os2--forms",
        "new",
        "æøå",
        "a" * 81,
    ],
)
def test_invalid_slugs_are_refused(slug):
    assert not slugs.is_valid(slug)


def test_licences_come_from_the_spdx_list():
    assert licences.canonical("MPL-2.0") == "MPL-2.0"
    assert licences.canonical("mpl-2.0") == "MPL-2.0"
    assert licences.canonical("Foo-1.0") is None
    assert licences.is_osi_approved("MPL-2.0")
    assert licences.is_osi_approved("EUPL-1.2")
    # Known to SPDX, but not OSI-approved.
    assert licences.canonical("CC-BY-NC-4.0") == "CC-BY-NC-4.0"
    assert not licences.is_osi_approved("CC-BY-NC-4.0")
    assert not licences.is_osi_approved("Foo-1.0")


def test_the_default_list_has_43_requirements_in_four_levels():
    rows = default_rows()
    assert len(rows) == len(DEFAULT_REQUIREMENTS) == 43
    count = {level: sum(1 for r in rows if r["level"] == level) for level in levels.LEVEL_ORDER}
    assert count == {"sandbox": 6, "N1": 10, "N2": 19, "N3": 8}
    assert len({r["code"] for r in rows}) == 43
    assert {r["code"] for r in rows if r["recommended"]} == {"G8", "G9", "G10"}
    assert {r["code"] for r in rows if r["data_check"]} == {
        "F1",
        "F2",
        "F11",
        "G3",
        "R3",
        "G5",
        "G6",
        "G7",
        "G10",
        "G12",
        "G13",
    }
    assert {r["theme"] for r in rows} == {"relevance", "formal", "strategic", "governance"}


def _states(spec: str, recommended: str = "", accepted: str = "") -> list[RequirementState]:
    """One requirement per level: "gggr" rates sandbox, N1, N2 green and N3 red ('-' = unrated)."""
    ratings = {"g": "green", "y": "yellow", "r": "red", "-": None}
    return [
        RequirementState(
            code=f"X{index}",
            level=level,
            rating=ratings[letter],
            explanation_accepted=level in accepted,
            recommended=level in recommended,
        )
        for index, (level, letter) in enumerate(zip(levels.LEVEL_ORDER, spec, strict=True))
    ]


@pytest.mark.parametrize(
    ("spec", "recommended", "accepted", "reached"),
    [
        ("----", "", "", None),
        ("rggg", "", "", None),  # cumulative: nothing above a failed sandbox counts
        ("gggg", "", "", "N3"),
        ("gg-g", "", "", "N1"),
        ("grgg", "", "", "sandbox"),
        ("gygg", "", "", "sandbox"),  # yellow without an accepted explanation blocks
        ("gygg", "", "N1", "N3"),  # yellow with an accepted explanation counts
        ("ggrg", "N2", "", "N3"),  # a recommended requirement never blocks
        ("gggr", "", "", "N2"),
    ],
)
def test_level_reached(spec, recommended, accepted, reached):
    assert levels.level_reached(_states(spec, recommended, accepted)) == reached


def test_missing_for_the_next_level_lists_blocking_requirements_up_to_it():
    states = _states("gr-r") + [RequirementState("S9", "sandbox", "green")]
    target, missing = levels.missing_for_next(states)
    assert target == "N1"
    assert [s.code for s in missing] == ["X1"]
    target, missing = levels.missing_for_next(_states("----"))
    assert target == "sandbox" and [s.code for s in missing] == ["X0"]
    assert levels.missing_for_next(_states("gggg")) == (None, [])
