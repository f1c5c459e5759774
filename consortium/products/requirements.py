"""The default requirement list (OS2's assessment template, 43 requirements)."""

from __future__ import annotations

from consortium.products.requirement_texts import REQUIREMENT_TRANSLATIONS

# Themes as the template abbreviates them.
THEME_CODES = {"R": "relevance", "F": "formal", "S": "strategic", "G": "governance"}

# (level, code, English text, data check key or None, recommended)
DEFAULT_REQUIREMENTS: tuple[tuple[str, str, str, str | None, bool], ...] = (
    (
        "sandbox",
        "R1",
        "the product brings demonstrable local value to at least one member",
        None,
        False,
    ),
    (
        "sandbox",
        "F1",
        "the code is developed in the open, in a repository of the association",
        "repository_url",
        False,
    ),
    ("sandbox", "F2", "an OSI-approved licence (MPL-2.0 by default)", "osi_licence", False),
    ("sandbox", "F3", "procurement law and general legality have been considered", None, False),
    ("sandbox", "F4", "security has been considered", None, False),
    ("sandbox", "F5", "purpose and value are described (a README)", None, False),
    ("N1", "F6", "the code has been legally transferred to the association", None, False),
    ("N1", "F7", "documentation follows the association's template", None, False),
    ("N1", "F10", "the association's channels are used (website, news)", None, False),
    ("N1", "F11", "issues are tracked in public", "issue_tracker", False),
    ("N1", "S1", "the product is linked to the association's strategy", None, False),
    ("N1", "S2", "the product supports innovation and open source", None, False),
    ("N1", "G1", "the product is in the association's portfolio management", None, False),
    ("N1", "G2", "there is ongoing contact with the secretariat", None, False),
    ("N1", "G3", "a project lead or point person is named", "point_person", False),
    ("N1", "G4", "the board has been informed", None, False),
    ("N2", "R2", "line management at the participating members accepts the product", None, False),
    ("N2", "R3", "the product has potential across public bodies", "two_organisations", False),
    ("N2", "F12", "there is a single core codebase", None, False),
    ("N2", "F13", "presentation material exists", None, False),
    ("N2", "F14", "strategic communication is in place", None, False),
    ("N2", "F15", "implementation best practice is described", None, False),
    ("N2", "F16", "coding standards are followed", None, False),
    ("N2", "F17", "operations and maintenance are set up", None, False),
    ("N2", "F18", "the reference architecture is followed", None, False),
    ("N2", "F19", "the product can run in containers", None, False),
    ("N2", "F20", "training material exists", None, False),
    ("N2", "S3", "the link to the association's mission is described", None, False),
    ("N2", "S4", "a product vision and strategy exist", None, False),
    ("N2", "G5", "the board has approved the product", "board_decision", False),
    ("N2", "G6", "a steering committee exists", "steering_committee", False),
    ("N2", "G7", "a coordination group exists", "coordination_group", False),
    ("N2", "G8", "a project model is used", None, True),
    ("N2", "G9", "third-party code review has been done", None, True),
    ("N2", "G10", "a participation agreement is in use", "participation_agreements", True),
    ("N3", "R4", "the product is linked to national strategies", None, False),
    ("N3", "F21", "political communication is in place", None, False),
    ("N3", "F22", "there is a process plan for operations", None, False),
    ("N3", "S5", "the product is aligned with the association's vision", None, False),
    ("N3", "G11", "the board has approved the steering committee", None, False),
    (
        "N3",
        "G12",
        "a board member sits on the steering committee",
        "board_member_in_steering_committee",
        False,
    ),
    ("N3", "G13", "the agreement funds coordination and development", "budget_lines", False),
    ("N3", "G14", "there is a professional community (user club, forum)", None, False),
)


def default_rows() -> list[dict]:
    """The default list as rows for the maturity_requirement table."""
    return [
        {
            "code": code,
            "level": level,
            "theme": THEME_CODES[code[0]],
            "text": text,
            "translations": dict(REQUIREMENT_TRANSLATIONS.get(code, {})),
            "data_check": check,
            "recommended": recommended,
            "active": True,
            "position": position,
        }
        for position, (level, code, text, check, recommended) in enumerate(DEFAULT_REQUIREMENTS)
    ]
