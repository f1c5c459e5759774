"""The level a product has reached: a pure calculation on its requirements' effective ratings.

Decided: a level is reached when every active requirement of that level and of the levels below
it is green, or yellow with an accepted explanation ("comply or explain"). Recommended
requirements never block a level; they are shown but not counted. Levels are cumulative: a
product that fails a sandbox requirement has reached no level, whatever it rates at N2.
A requirement without a rating counts as red.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_ORDER = ("sandbox", "N1", "N2", "N3")


@dataclass(frozen=True)
class RequirementState:
    code: str
    level: str
    # green, yellow or red; None when not rated yet (counts as red).
    rating: str | None
    explanation_accepted: bool = False
    recommended: bool = False

    @property
    def fulfilled(self) -> bool:
        return self.rating == "green" or (self.rating == "yellow" and self.explanation_accepted)

    @property
    def blocks(self) -> bool:
        return not self.recommended and not self.fulfilled


def level_reached(states: list[RequirementState]) -> str | None:
    """The highest level whose requirements, and those of the levels below, are all fulfilled."""
    reached = None
    for level in LEVEL_ORDER:
        if any(state.blocks for state in states if state.level == level):
            break
        reached = level
    return reached


def next_level(level: str | None) -> str | None:
    """The level after this one (sandbox after none), or None after the last."""
    if level is None:
        return LEVEL_ORDER[0]
    position = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[position + 1] if position + 1 < len(LEVEL_ORDER) else None


def missing_for_next(states: list[RequirementState]) -> tuple[str | None, list[RequirementState]]:
    """The next level and the requirements that keep the product from it, in list order."""
    target = next_level(level_reached(states))
    if target is None:
        return None, []
    upto = LEVEL_ORDER[: LEVEL_ORDER.index(target) + 1]
    return target, [state for state in states if state.level in upto and state.blocks]
